"""The town's spot inspections, rectification orders with deadlines, and bulletins."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from assessments.models.standards import Criterion, Standard
from assessments.models.town_review import PassList
from audit.models import printed_checkpoint
from villages.models import StateEvent


class Inspection(models.Model):
    """A spot inspection of a village by the town office, at any time (不定期抽查检查)."""

    village = models.ForeignKey(
        "villages.Village",
        verbose_name="村(社区)",
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    standard = models.ForeignKey(
        Standard, verbose_name="检查依据标准", on_delete=models.PROTECT, related_name="+"
    )
    inspected_on = models.DateField("检查日期")
    inspectors = models.CharField("检查人员", max_length=200)
    summary = models.TextField("检查情况", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "抽查检查"
        verbose_name_plural = "抽查检查"
        ordering = ["-inspected_on", "-id"]

    def __str__(self):
        return f"{self.village.name} {self.inspected_on:%Y-%m-%d} 抽查检查"


class InspectionFinding(models.Model):
    inspection = models.ForeignKey(
        Inspection, verbose_name="抽查检查", on_delete=models.PROTECT, related_name="findings"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name="标准条目", on_delete=models.PROTECT, related_name="+"
    )
    met = models.BooleanField("是否达标")
    comment = models.TextField("检查意见", blank=True)

    class Meta:
        verbose_name = "抽查检查意见"
        verbose_name_plural = "抽查检查意见"
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "criterion"], name="inspection_finding_once"
            ),
        ]

    def __str__(self):
        return f"{self.inspection} {self.criterion.label}"


class RectificationOrder(models.Model):
    """限期整改通知: a shortfall the village must fix by a deadline."""

    class Status(models.TextChoices):
        OPEN = "open", "整改中"
        REPORTED = "reported", "已报整改情况"
        ACCEPTED = "accepted", "已验收"

    TRANSITIONS = {
        Status.OPEN: {Status.REPORTED},
        Status.REPORTED: {Status.ACCEPTED, Status.OPEN},
        Status.ACCEPTED: set(),
    }

    village = models.ForeignKey(
        "villages.Village",
        verbose_name="村(社区)",
        on_delete=models.PROTECT,
        related_name="rectification_orders",
    )
    inspection_finding = models.OneToOneField(
        InspectionFinding,
        verbose_name="抽查检查意见",
        on_delete=models.PROTECT,
        related_name="rectification_order",
    )
    problem = models.TextField("存在问题")
    deadline = models.DateField("整改期限")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.OPEN, editable=False
    )
    report = models.TextField("整改情况", blank=True)
    reported_at = models.DateTimeField("报告时间", null=True, blank=True, editable=False)
    closed_at = models.DateTimeField("验收时间", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("下发时间", auto_now_add=True)

    class Meta:
        verbose_name = "限期整改通知"
        verbose_name_plural = "限期整改通知"
        ordering = ["deadline", "id"]

    def __str__(self):
        return f"{self.village.name} 限期整改：{self.problem[:20]}"

    def is_overdue(self, today):
        return self.status == self.Status.OPEN and today > self.deadline

    @staticmethod
    def overdue_q(today, prefix=""):
        return Q(
            **{f"{prefix}status": RectificationOrder.Status.OPEN, f"{prefix}deadline__lt": today}
        )


class RectificationEvent(StateEvent):
    subject_field = "order"

    class Action(models.TextChoices):
        ISSUED = "issued", "下发整改通知"
        REPORTED = "reported", "报告整改情况"
        ACCEPTED = "accepted", "验收通过"
        REOPENED = "reopened", "验收不通过，继续整改"

    order = models.ForeignKey(
        RectificationOrder, verbose_name="整改通知", on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField("事项", max_length=10, choices=Action.choices)

    class Meta(StateEvent.Meta):
        verbose_name = "整改办理记录"
        verbose_name_plural = "整改办理记录"

    def __str__(self):
        return f"{self.order} {self.get_action_display()}"


class Bulletin(models.Model):
    """重点通报: the town names villages that are slow or weak, with their open orders."""

    town = models.ForeignKey(
        "villages.Region", verbose_name="乡镇(街道)", on_delete=models.PROTECT, related_name="+"
    )
    document_number = models.CharField(
        "发文字号", max_length=40, validators=PassList._meta.get_field("document_number").validators
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    issuer = models.CharField("发文机关", max_length=100)
    issued_on = models.DateField("成文日期")
    villages = models.ManyToManyField(
        "villages.Village", verbose_name="通报的村(社区)", related_name="+"
    )
    pdf = models.FileField("通报文件", upload_to="documents/", editable=False)
    checkpoint = printed_checkpoint()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="拟制人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("印发时间", auto_now_add=True)

    class Meta:
        verbose_name = "重点通报"
        verbose_name_plural = "重点通报"
        ordering = ["-issued_on", "-id"]

    def __str__(self):
        return f"{self.document_number} {self.title}"
