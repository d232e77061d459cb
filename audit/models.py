import hashlib
import hmac
import json
from datetime import UTC

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One append-only line of the audit trail: numbered without gaps, and chained to the one
    before by an HMAC whose key lives outside the database."""

    class Algorithm(models.TextChoices):
        HMAC = "hmac-sha256", "HMAC-SHA256"
        # Entries written before the key existed: checked as a chain, but anyone could redo it.
        LEGACY = "sha256", "SHA-256(无密钥，早期记录)"

    sequence = models.PositiveBigIntegerField("序号", unique=True)
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
    village = models.ForeignKey(
        "villages.Village",
        verbose_name="所涉村(社区)",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    region = models.ForeignKey(
        "villages.Region",
        verbose_name="所涉区划",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    previous_hash = models.CharField("前一条摘要", max_length=64)
    entry_hash = models.CharField("本条摘要", max_length=64, unique=True)
    algorithm = models.CharField(
        "摘要算法", max_length=12, choices=Algorithm.choices, default=Algorithm.HMAC
    )

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["sequence"]

    def __str__(self):
        return f"#{self.sequence} {self.action} {self.object_repr}"

    def content(self):
        """The fields the hash covers, in a canonical form."""
        fields = {
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
        }
        if self.algorithm == self.Algorithm.HMAC:
            fields.update(sequence=self.sequence, village=self.village_id, region=self.region_id)
        return json.dumps(fields, ensure_ascii=False, sort_keys=True, default=str)

    def compute_hash(self, key=None):
        content = self.content().encode("utf-8")
        if self.algorithm == self.Algorithm.LEGACY:
            return hashlib.sha256(content).hexdigest()
        key = (key or settings.AUDIT_KEY).encode("utf-8")
        return hmac.new(key, content, hashlib.sha256).hexdigest()


class AuditHead(models.Model):
    """A single row locked while appending, so concurrent writers extend the chain in turn;
    it holds the last number and hash handed out."""

    last_hash = models.CharField(max_length=64)
    count = models.PositiveBigIntegerField(default=0)
    checkpointed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"

    def __str__(self):
        return self.last_hash


class PlaceVersion(models.Model):
    """The number of the last entry filed at a place (本级) and at it or anywhere below it
    (本级及下级): what a page keeps of a place is kept under these, so a change in one town
    retires that town's pages and the rankings above it, and no other town's. Written in the
    transaction of the entries, so a reader never pairs new rows with an old version."""

    class Scope(models.TextChoices):
        AT = "at", "本级"
        UNDER = "under", "本级及下级"

    place = models.CharField("区划代码", max_length=20)
    scope = models.CharField("范围", max_length=5, choices=Scope.choices)
    sequence = models.PositiveBigIntegerField("最近一条记录的序号")

    class Meta:
        verbose_name = "区划变更序号"
        verbose_name_plural = "区划变更序号"
        constraints = [
            models.UniqueConstraint(fields=["place", "scope"], name="audit_place_version_once")
        ]

    def __str__(self):
        return f"{self.place} {self.get_scope_display()} #{self.sequence}"


class AuditCheckpoint(models.Model):
    """A signed statement that the trail held `sequence` entries ending in `entry_hash` at
    `signed_at`. Printed in the 版记 of every filed or issued document, it lets anyone holding
    the paper prove the trail was neither cut nor rewritten up to there."""

    sequence = models.PositiveBigIntegerField("截至序号")
    entry_hash = models.CharField("截至摘要", max_length=64)
    signed_at = models.DateTimeField("签署时间")
    signature = models.CharField("签名(Ed25519)", max_length=128)
    reason = models.CharField("缘由", max_length=200)

    class Meta:
        verbose_name = "审计检查点"
        verbose_name_plural = "审计检查点"
        ordering = ["sequence", "id"]

    def __str__(self):
        return f"{self.sequence}:{self.entry_hash[:16]}"

    @property
    def printed(self):
        """How the 版记 prints it, and how `verify_audit --checkpoint` takes it back."""
        return f"{self.sequence}:{self.entry_hash[:16]}"

    def message(self):
        signed_at = self.signed_at.astimezone(UTC).isoformat(timespec="seconds")
        return f"pingan-audit-checkpoint:{self.sequence}:{self.entry_hash}:{signed_at}".encode()


def printed_checkpoint():
    """The field of a filed or issued document that names the checkpoint its 版记 prints."""
    return models.ForeignKey(
        AuditCheckpoint,
        verbose_name="审计检查点",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="印在版记中；凭它可核验审计日志截至印发时既未被截断也未被改写。",
    )
