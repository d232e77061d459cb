from django.core.management.base import BaseCommand, CommandError

from audit.models import AuditEntry
from audit.trail import verify


class Command(BaseCommand):
    help = "校验审计日志的摘要链，报告第一条被篡改或删除的记录。"

    def handle(self, *args, **options):
        problem = verify()
        if problem is not None:
            _entry, message = problem
            raise CommandError(f"审计日志校验失败：{message}。")
        self.stdout.write(f"审计日志完整：共 {AuditEntry.objects.count()} 条，摘要链无误。")
