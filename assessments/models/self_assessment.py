"""The village's self-assessment: an answer to each criterion, evidence, and what the town
returned."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from assessments import verdict
from assessments.models.campaigns import Assessment, AssessmentEvent
from assessments.models.standards import Criterion


class Answer(models.Model):
    """The village's own answer to one criterion."""

    assessment = models.ForeignKey(
        Assessment, verbose_name="创建考评", on_delete=models.CASCADE, related_name="answers"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name="标准条目", on_delete=models.PROTECT, related_name="answers"
    )
    veto_occurred = models.BooleanField("是否发生", null=True, blank=True)
    met = models.BooleanField("是否达标", null=True, blank=True)
    value = models.DecimalField("数值", max_digits=10, decimal_places=2, null=True, blank=True)
    score = models.DecimalField("自评得分", max_digits=6, decimal_places=2, null=True, blank=True)
    narrative = models.TextField("情况说明", blank=True)
    carried_over = models.BooleanField(
        "沿用上年", default=False, help_text="从上年度答案沿用，书记确认或修改前一直标记。"
    )
    version = models.PositiveIntegerField(
        "版本", default=0, help_text="每保存一次加一；据此拒绝以旧覆盖新。"
    )
    updated_at = models.DateTimeField("最后修改", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "自评答案"
        verbose_name_plural = "自评答案"
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="answer_one_per_criterion"
            ),
        ]

    def __str__(self):
        return f"{self.assessment} {self.criterion.label}"

    @staticmethod
    def complete_q(prefix=""):
        """Answers that count as given; must agree with `is_complete`."""
        kind = f"{prefix}criterion__kind"
        return (
            Q(**{kind: Criterion.Kind.VETO, f"{prefix}veto_occurred": False})
            | (
                Q(**{kind: Criterion.Kind.VETO, f"{prefix}veto_occurred": True})
                & ~Q(**{f"{prefix}narrative": ""})
            )
            | Q(**{kind: Criterion.Kind.REQUIREMENT, f"{prefix}met__isnull": False})
            | Q(**{kind: Criterion.Kind.THRESHOLD, f"{prefix}value__isnull": False})
            | Q(**{kind: Criterion.Kind.SCORED, f"{prefix}score__isnull": False})
        )

    def is_complete(self, kind):
        if kind == Criterion.Kind.VETO:
            return self.veto_occurred is False or (
                self.veto_occurred is True and self.narrative != ""
            )
        if kind == Criterion.Kind.REQUIREMENT:
            return self.met is not None
        if kind == Criterion.Kind.THRESHOLD:
            return self.value is not None
        return self.score is not None

    def to_judgement(self):
        return verdict.Judgement(
            breached=self.veto_occurred, met=self.met, value=self.value, score=self.score
        )


def evidence_upload_path(evidence, filename):
    # The stored name is generated: an uploaded name never reaches the file system.
    folder = str(evidence.assessment.campaign.year) if evidence.assessment_id else "rectification"
    return f"evidence/{folder}/{evidence.village.code}/{evidence.token}.{evidence.extension}"


class Evidence(models.Model):
    """A file supporting an answer (佐证材料), the creation plan, or a rectification report.

    A photo is decoded, turned upright, written again and thumbnailed by the background
    worker (services.common.finish_photo): until then it is 处理中 and never served; one that
    cannot be decoded is refused, with the reason, and taken out as if withdrawn."""

    class Status(models.TextChoices):
        PROCESSING = "processing", "处理中"
        READY = "ready", "可用"
        REFUSED = "refused", "无法使用"

    TRANSITIONS = {
        Status.PROCESSING: {Status.READY, Status.REFUSED},
        Status.READY: set(),
        Status.REFUSED: set(),
    }

    token = models.UUIDField("文件标识", unique=True, editable=False)
    village = models.ForeignKey(
        "villages.Village", verbose_name="村(社区)", on_delete=models.PROTECT, related_name="+"
    )
    assessment = models.ForeignKey(
        Assessment,
        verbose_name="创建考评",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
    )
    rectification_order = models.ForeignKey(
        "RectificationOrder",
        verbose_name="整改通知",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
    )
    carried_from = models.ForeignKey(
        "self",
        verbose_name="沿用自上年材料",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="carried_to",
    )
    covers_from = models.DateField("所涉期间起", null=True, blank=True)
    covers_until = models.DateField("所涉期间止", null=True, blank=True)
    captured_at = models.DateTimeField(
        "拍摄时间", null=True, blank=True, help_text="照片 EXIF 中记录的拍摄时间。"
    )
    criterion = models.ForeignKey(
        Criterion,
        verbose_name="标准条目",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
    )
    grid = models.ForeignKey(
        "villages.Grid",
        verbose_name="网格",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        help_text="这份材料来自哪个网格，用于统计创建工作覆盖的网格。",
    )
    file = models.FileField("文件", upload_to=evidence_upload_path, max_length=200)
    thumbnail = models.FileField("缩略图", upload_to="thumbnails/", blank=True, max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    extension = models.CharField("类型", max_length=10)
    content_type = models.CharField("MIME 类型", max_length=100)
    size = models.PositiveBigIntegerField("大小(字节)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.READY, editable=False
    )
    refusal = models.CharField("无法使用的原因", max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(assessment__isnull=False, rectification_order__isnull=True)
                | Q(assessment__isnull=True, rectification_order__isnull=False),
                name="evidence_belongs_to_one_thing",
            ),
            models.CheckConstraint(
                condition=Q(covers_from__isnull=True)
                | Q(covers_until__isnull=True)
                | Q(covers_from__lte=models.F("covers_until")),
                name="evidence_period_in_order",
                violation_error_message="所涉期间的起始日期不能晚于结束日期。",
            ),
        ]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self):
        return self.content_type.startswith("image/")


class ReturnComment(models.Model):
    """The town's reason for returning one criterion (or the whole assessment)."""

    event = models.ForeignKey(
        AssessmentEvent, verbose_name="退回记录", on_delete=models.PROTECT, related_name="comments"
    )
    criterion = models.ForeignKey(
        Criterion,
        verbose_name="标准条目",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField("退回意见")
    answered_at = models.DateTimeField(
        "处理时间",
        null=True,
        blank=True,
        editable=False,
        help_text="书记重新保存该条目，或确认无需修改的时间；处理前不能重新提交。",
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    kept_note = models.TextField(
        "确认无需修改的说明", blank=True, editable=False, help_text="重新保存的条目此处为空。"
    )

    class Meta:
        verbose_name = "退回意见"
        verbose_name_plural = "退回意见"

    def __str__(self):
        return self.text
