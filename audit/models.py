import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One append-only line of the audit trail, chained to the one before by its hash."""

    occurred_at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField("操作人账号", max_length=150, blank=True)
    address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    action = models.CharField("事项", max_length=60, db_index=True)
    object_type = models.CharField("对象类型", max_length=100, blank=True, db_index=True)
    object_id = models.CharField("对象编号", max_length=40, blank=True, db_index=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    previous_hash = models.CharField("前一条摘要", max_length=64)
    entry_hash = models.CharField("本条摘要", max_length=64, unique=True)

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["id"]

    def __str__(self):
        return f"#{self.pk} {self.action} {self.object_repr}"

    def content(self):
        """The fields the hash covers, in a canonical form."""
        return json.dumps(
            {
                "occurred_at": self.occurred_at.astimezone(UTC).isoformat(timespec="milliseconds"),
                "actor": self.actor_id,
                "actor_name": self.actor_name,
                "address": self.address,
                "action": self.action,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "object_repr": self.object_repr,
                "before": self.before,
                "after": self.after,
                "previous_hash": self.previous_hash,
            },
            ensure_ascii=False,
            sort_keys=True,
            default=str,
        )

    def compute_hash(self):
        return hashlib.sha256(self.content().encode("utf-8")).hexdigest()


class AuditHead(models.Model):
    """A single row locked while appending, so concurrent writers extend the chain in turn."""

    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"

    def __str__(self):
        return self.last_hash
