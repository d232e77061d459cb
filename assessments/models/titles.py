"""Titles held by villages: yearly 平安村 titles, named demonstration villages, incidents and
what they revoked."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from assessments.models.campaigns import Assessment
from assessments.models.standards import IncidentCategory
from assessments.models.town_review import PassList
from audit.models import printed_checkpoint
from villages.models import StateEvent


class NamingBatch(models.Model):
    """The province's 审定命名 of demonstration villages for a two-year period."""

    province = models.ForeignKey(
        "villages.Region", verbose_name="省", on_delete=models.PROTECT, related_name="+"
    )
    first_year = models.PositiveIntegerField("起始年度")
    last_year = models.PositiveIntegerField("截止年度")
    document_number = models.CharField(
        "命名文号", max_length=40, validators=PassList._meta.get_field("document_number").validators
    )
    issuer = models.CharField("命名机关", max_length=100)
    named_on = models.DateField("命名日期")
    checkpoint = printed_checkpoint()
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "示范村审定命名"
        verbose_name_plural = "示范村审定命名"
        ordering = ["-first_year", "-id"]

    def __str__(self):
        return f"{self.period_label}平安湖北建设示范村(社区)命名({self.document_number})"

    @property
    def period_label(self):
        return f"{self.first_year}—{self.last_year}年度"


class Title(models.Model):
    """A title a village holds: a yearly 平安村(社区), or 示范村(社区) for a two-year batch."""

    class Kind(models.TextChoices):
        SAFE_VILLAGE = "safe_village", "平安村(社区)"
        DEMONSTRATION = "demonstration", "平安湖北建设示范村(社区)"

    class Status(models.TextChoices):
        VALID = "valid", "有效"
        REVOKED = "revoked", "已撤销"

    TRANSITIONS = {Status.VALID: {Status.REVOKED}, Status.REVOKED: {Status.VALID}}

    village = models.ForeignKey(
        "villages.Village", verbose_name="村(社区)", on_delete=models.PROTECT, related_name="titles"
    )
    kind = models.CharField("称号", max_length=15, choices=Kind.choices)
    first_year = models.PositiveIntegerField("起始年度")
    last_year = models.PositiveIntegerField("截止年度")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.VALID, editable=False
    )
    assessment = models.ForeignKey(
        Assessment,
        verbose_name="依据的考评",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="titles",
    )
    naming = models.ForeignKey(
        NamingBatch,
        verbose_name="审定命名",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="titles",
    )
    certificate_number = models.CharField("证书编号", max_length=40, unique=True)
    certificate_date = models.DateField("发证日期")
    issuer = models.CharField("发证机关", max_length=100)
    granted_at = models.DateTimeField("授予时间", auto_now_add=True)

    class Meta:
        verbose_name = "称号"
        verbose_name_plural = "称号"
        ordering = ["-first_year", "village__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "kind", "first_year"], name="one_title_per_village_and_period"
            ),
        ]

    def __str__(self):
        return f"{self.village.name} {self.period_label}{self.get_kind_display()}"

    @property
    def period_label(self):
        if self.first_year == self.last_year:
            return f"{self.first_year}年度"
        return f"{self.first_year}—{self.last_year}年度"

    def covers(self, year):
        return self.first_year <= year <= self.last_year


class Incident(models.Model):
    """案事件登记: an incident in a village; a disqualifying one revokes titles at once."""

    class Status(models.TextChoices):
        RECORDED = "recorded", "有效"
        CORRECTED = "corrected", "已更正(误录)"

    village = models.ForeignKey(
        "villages.Village",
        verbose_name="村(社区)",
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    category = models.ForeignKey(
        IncidentCategory, verbose_name="类别", on_delete=models.PROTECT, related_name="incidents"
    )
    occurred_on = models.DateField("发生日期")
    description = models.TextField("简要案情")
    case_number = models.CharField("案件编号或来源", max_length=100, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.RECORDED, editable=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    correction_reason = models.TextField("更正原因", blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更正人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    corrected_at = models.DateTimeField("更正时间", null=True, blank=True)

    class Meta:
        verbose_name = "案事件"
        verbose_name_plural = "案事件"
        ordering = ["-occurred_on", "-id"]

    def __str__(self):
        return f"{self.village.name} {self.occurred_on:%Y-%m-%d} {self.category.name}"


class TitleEvent(StateEvent):
    """Every change of a title: granted, revoked, restored by a correction, or kept."""

    subject_field = "title"

    class Action(models.TextChoices):
        GRANTED = "granted", "授予"
        REVOKED = "revoked", "撤销"
        RESTORED = "restored", "更正恢复"
        KEPT = "kept", "定期复核保留"

    title = models.ForeignKey(
        Title, verbose_name="称号", on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField("事项", max_length=10, choices=Action.choices)
    incident = models.ForeignKey(
        Incident,
        verbose_name="所涉案事件",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="title_events",
    )

    class Meta(StateEvent.Meta):
        verbose_name = "称号变更记录"
        verbose_name_plural = "称号变更记录"
        # Every page counts the revocations of the last month; at province scale this index
        # turns a scan of all grants into a look at the few revocations.
        indexes = [models.Index(fields=["action", "occurred_at"], name="titleevent_action_time")]

    def __str__(self):
        return f"{self.title} {self.get_action_display()}"


class IncidentEffect(models.Model):
    """One thing a disqualifying incident took away, kept so a correction restores exactly it."""

    incident = models.ForeignKey(
        Incident, verbose_name="案事件", on_delete=models.PROTECT, related_name="effects"
    )
    title = models.ForeignKey(
        Title, verbose_name="撤销的称号", on_delete=models.PROTECT, null=True, related_name="+"
    )
    assessment = models.ForeignKey(
        Assessment,
        verbose_name="否决的考评",
        on_delete=models.PROTECT,
        null=True,
        related_name="incident_effects",
    )
    previous = models.JSONField("变更前", default=dict)
    undone_at = models.DateTimeField("已恢复", null=True, blank=True)

    class Meta:
        verbose_name = "案事件处理结果"
        verbose_name_plural = "案事件处理结果"
        constraints = [
            models.CheckConstraint(
                condition=Q(title__isnull=False, assessment__isnull=True)
                | Q(title__isnull=True, assessment__isnull=False),
                name="incident_effect_has_one_target",
            ),
        ]

    def __str__(self):
        return f"{self.incident} → {self.title or self.assessment}"
