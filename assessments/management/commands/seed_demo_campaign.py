from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from assessments import services
from assessments.models import Campaign, Standard
from villages.models import Region, User

TOWN_CODE = "429006104"


class Command(BaseCommand):
    help = "为汪场镇创建并启动本年度演示创建活动(须先运行 seed_demo；仅限 DEBUG 模式)。"

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("演示数据只能在 DEBUG 模式下载入。")
        year = timezone.localdate().year
        town = Region.objects.get(code=TOWN_CODE)
        if Campaign.objects.filter(town=town, year=year).exists():
            self.stdout.write(f"{town.name}{year}年度创建活动已存在，未作改动。")
            return
        town_office = User.objects.get(username="town_office")
        standard = Standard.objects.filter(
            code="safe-village", kind=Standard.Kind.SAFE_VILLAGE
        ).latest("version")
        with transaction.atomic():
            campaign = services.create_campaign(
                actor=town_office,
                town=town,
                year=year,
                standard=standard,
                self_assessment_due=date(year, 12, 20),
                town_assessment_due=date(year, 12, 25),
                city_review_due=date(year, 12, 31),
            )
            services.open_campaign(actor=town_office, campaign_id=campaign.pk)
        self.stdout.write(f"已创建并启动{campaign}。")
