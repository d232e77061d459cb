import json
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from audit.models import AuditCheckpoint, AuditEntry
from audit.trail import Claim, signature_holds, verify


class Command(BaseCommand):
    help = (
        "校验审计日志：序号连续、带密钥的摘要链、链头、检查点签名；给出打印件上的检查点"
        "(--checkpoint 序号:摘要前16位)或导出的检查点文件(--checkpoints 文件)时，"
        "证明日志截至该处既未被截断也未被改写。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="N:HEX",
            help="打印件版记中的审计检查点，如 1234:0f3a9c5e7b1d2468；可给多个。",
        )
        parser.add_argument(
            "--checkpoints",
            metavar="FILE",
            help="manage.py export_audit_checkpoints 导出的文件。",
        )

    def handle(self, *args, **options):
        try:
            claims = [Claim.parse(text) for text in options["checkpoint"]]
        except ValueError as error:
            raise CommandError(str(error)) from None
        if options["checkpoints"]:
            claims += self._exported(options["checkpoints"])
        problem = verify(claims)
        if problem is not None:
            _sequence, message = problem
            raise CommandError(f"审计日志校验失败：{message}。")
        proven = f"；已对照 {len(claims)} 个外部检查点" if claims else ""
        self.stdout.write(
            f"审计日志完整：共 {AuditEntry.objects.count()} 条，序号连续，摘要链无误{proven}。"
        )

    def _exported(self, path):
        with open(path, encoding="utf-8") as exported:
            data = json.load(exported)
        claims = []
        for row in data["checkpoints"]:
            checkpoint = AuditCheckpoint(
                sequence=row["sequence"],
                entry_hash=row["entry_hash"],
                signature=row["signature"],
            )
            checkpoint.signed_at = datetime.fromisoformat(row["signed_at"])
            if not signature_holds(checkpoint, data["public_key"]):
                raise CommandError(
                    f"导出文件中的检查点 {checkpoint.printed} 签名无效，文件被改动。"
                )
            claims.append(Claim(checkpoint.sequence, checkpoint.entry_hash, "导出的检查点"))
        return claims
