from django.core.management.base import BaseCommand
from django.utils import timezone

from assessments.reminders import send_reminders
from pingan.notifications import configured_channels


class Command(BaseCommand):
    help = (
        "发送到期提醒(自评截止前 7、3、1 天及逾期、退回修改、整改期限、市级复核)；"
        "每条只发一次。每天运行一次。"
    )

    def handle(self, *args, **options):
        users, reminders = send_reminders(timezone.localdate(), configured_channels())
        self.stdout.write(f"已向 {users} 位用户发送 {reminders} 条提醒。")
