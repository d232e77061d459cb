import json

from django.core.management.base import BaseCommand

from audit.models import AuditCheckpoint
from audit.trail import public_key_hex


class Command(BaseCommand):
    help = (
        "导出审计检查点(序号、摘要、签署时间、Ed25519 签名)和验签公钥，交由数据库之外的人保存；"
        "日后以 verify_audit --checkpoints 文件 对照。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="导出到的文件")

    def handle(self, *args, **options):
        checkpoints = [
            {
                "sequence": checkpoint.sequence,
                "entry_hash": checkpoint.entry_hash,
                "signed_at": checkpoint.signed_at.isoformat(),
                "signature": checkpoint.signature,
                "reason": checkpoint.reason,
            }
            for checkpoint in AuditCheckpoint.objects.order_by("sequence", "id")
        ]
        with open(options["path"], "w", encoding="utf-8") as exported:
            json.dump(
                {"public_key": public_key_hex(), "checkpoints": checkpoints},
                exported,
                ensure_ascii=False,
                indent=1,
            )
        self.stdout.write(f"已导出 {len(checkpoints)} 个审计检查点。")
