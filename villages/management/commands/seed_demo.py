from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pingan.freshness import move_on
from villages.models import Grid, Membership, Region, User, Village

FIXTURES = [
    Path(settings.BASE_DIR) / "fixtures" / name
    for name in (
        "wangchang.json",
        "incident_categories.json",
        "standards.json",
        "sampling_rules.json",
        "documents.json",
    )
]
DEMO_PASSWORD = "pingan-demo-2023"
# Names for the demo secretaries, so that the register shows a person, not a role.
DEMO_SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何"
DEMO_GIVEN_NAMES = (
    "建国",
    "德明",
    "红梅",
    "志强",
    "秀英",
    "国华",
    "海燕",
    "春生",
    "玉兰",
    "立新",
    "桂芳",
    "文军",
    "金凤",
    "永红",
    "树林",
    "光明",
    "淑珍",
)
TOWN_CODE = "429006104"
CITY_CODE = "429006"
PROVINCE_CODE = "42"

Role = Membership.Role

# The demo accounts of the offices: user name, role, and the code of the place it serves.
# 新沟村's team: the secretary assigns items to them (责任到人), the 网格员 looks after a grid.
TEAM_VILLAGE_CODE = "429006104203"
DEMO_TEAM = (("staff_203_grid", "李网格(演示)"), ("staff_203_police", "王辅警(演示)"))
DEMO_TEAM_POSTS = {"staff_203_grid": "网格员", "staff_203_police": "辅警"}
DEMO_GRIDS = (("一网格", 126, "staff_203_grid"), ("二网格", 98, None))

OFFICE_ACCOUNTS = (
    ("admin", Role.ADMINISTRATOR, None),
    ("province", Role.PROVINCE_OFFICE, PROVINCE_CODE),
    ("city", Role.CITY_OFFICE, CITY_CODE),
    ("town_office", Role.TOWN_OFFICE, TOWN_CODE),
    ("town_leader", Role.TOWN_LEADING_GROUP, TOWN_CODE),
)


class Command(BaseCommand):
    help = (
        "载入汪场镇行政区划与 17 个村(社区)、案事件类别、创建标准，"
        "并创建各角色演示账号(仅限 DEBUG 模式)。"
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("演示数据只能在 DEBUG 模式下载入，生产环境请勿使用 seed_demo。")
        with transaction.atomic():
            created_records = self.load_fixtures()
            created_users = self.create_demo_users()
        # Fixtures and demo roles arrive outside the audit trail: what pages keep is retired.
        move_on()
        self.stdout.write(
            f"新增基础数据 {created_records} 条，新增演示账号 {created_users} 个；"
            f"演示密码：{DEMO_PASSWORD}"
        )

    def load_fixtures(self):
        """Add the records that are missing; never overwrite an administrator's edits.

        Fixtures name their records by natural key, so a record already present arrives
        with its primary key set and is left alone.
        """
        created = 0
        for fixture in FIXTURES:
            with fixture.open(encoding="utf-8") as stream:
                for item in serializers.deserialize("json", stream):
                    if item.object.pk is None:
                        item.save()
                        created += 1
        return created

    def create_demo_users(self):
        town = Region.objects.get(code=TOWN_CODE)
        accounts = [
            (
                username,
                f"{role.label}(演示)",
                role,
                Region.objects.get(code=code) if code else None,
                None,
            )
            for username, role, code in OFFICE_ACCOUNTS
        ]
        team_village = Village.objects.get(code=TEAM_VILLAGE_CODE)
        accounts += [
            (username, full_name, Role.VILLAGE_STAFF, None, team_village)
            for username, full_name in DEMO_TEAM
        ]
        for position, village in enumerate(Village.objects.filter(town=town).order_by("code")):
            accounts.append(
                (
                    f"secretary_{village.code[-3:]}",
                    f"{DEMO_SURNAMES[position % len(DEMO_SURNAMES)]}"
                    f"{DEMO_GIVEN_NAMES[position % len(DEMO_GIVEN_NAMES)]}(演示)",
                    Role.SECRETARY,
                    None,
                    village,
                )
            )
        created = 0
        for username, full_name, role, region, village in accounts:
            user, was_created = User.objects.get_or_create(
                username=username,
                defaults={
                    "full_name": full_name,
                    # A demo number: 139 and the last eight digits of the village's code.
                    "phone": f"139{village.code[-8:]}" if village else "",
                    "is_staff": role == Role.ADMINISTRATOR,
                    "is_superuser": role == Role.ADMINISTRATOR,
                },
            )
            if was_created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                created += 1
            Membership.objects.get_or_create(
                user=user,
                role=role,
                region=region,
                village=village,
                defaults={"post": DEMO_TEAM_POSTS.get(username, "")},
            )
        for name, households, worker in DEMO_GRIDS:
            Grid.objects.get_or_create(
                village=team_village,
                name=name,
                defaults={
                    "households": households,
                    "grid_worker": User.objects.filter(username=worker).first(),
                },
            )
        return created
