import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db.models import F

from assessments.models import CampaignTally
from assessments.scale import ProvinceGenerator
from pingan.freshness import move_on


class Command(BaseCommand):
    help = (
        "生成省级规模的模拟数据(市、县、乡镇、村(社区)及各年度创建活动、考评、抽查复核、"
        "称号与案事件)，用于性能测试；已有的区划与村(社区)保留并计入总数。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--villages", type=int, default=27057, help="村(社区)总数")
        parser.add_argument("--years", type=int, default=5, help="年度数(含本年度)")
        parser.add_argument(
            "--last-year", type=int, default=datetime.date.today().year, help="最后一个年度"
        )
        parser.add_argument("--seed", default="hubei", help="随机种子，同一种子生成同样的数据")

    def handle(self, *args, villages, years, last_year, seed, **options):
        if villages < 1 or years < 1:
            raise CommandError("村(社区)数和年度数须为正数。")
        generator = ProvinceGenerator(
            villages=villages,
            years=years,
            last_year=last_year,
            seed=seed,
            report=self.stdout.write,
        )
        try:
            total = generator.run()
        except LookupError as error:
            raise CommandError(str(error)) from error
        # Written by bulk insert, outside the audit trail: what pages keep is retired.
        move_on()
        CampaignTally.objects.update(stale=True, version=F("version") + 1)
        self.stdout.write(f"完成：共 {total} 个村(社区)，{years} 个年度。")
