"""责任到人: the items of a village's self-assessment that its secretary hands to members of
the village's team, and what became of each."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from assessments.models.campaigns import Assessment
from assessments.models.standards import Criterion
from villages.models import StateEvent


class Assignment(models.Model):
    """One criterion of an assessment in the hands of one team member, until the secretary
    accepts it. The secretary alone submits the assessment to the town."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", "待填报"
        HANDED_IN = "handed_in", "待验收"
        SENT_BACK = "sent_back", "已退回"
        ACCEPTED = "accepted", "已验收"
        WITHDRAWN = "withdrawn", "已收回"

    # Reassigning moves an item back to 待填报 from anywhere but 待验收, which the secretary
    # answers first (accept or send back) so that nobody's handed-in work is lost unseen.
    TRANSITIONS = {
        Status.ASSIGNED: {Status.ASSIGNED, Status.HANDED_IN, Status.WITHDRAWN},
        Status.HANDED_IN: {Status.ACCEPTED, Status.SENT_BACK},
        Status.SENT_BACK: {Status.ASSIGNED, Status.HANDED_IN, Status.WITHDRAWN},
        Status.ACCEPTED: {Status.ASSIGNED, Status.SENT_BACK, Status.WITHDRAWN},
        Status.WITHDRAWN: {Status.ASSIGNED},
    }
    # The member may fill the item only in these.
    OPEN_STATUSES = (Status.ASSIGNED, Status.SENT_BACK)

    assessment = models.ForeignKey(
        Assessment, verbose_name="创建考评", on_delete=models.PROTECT, related_name="assignments"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name="标准条目", on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任人",
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    due_on = models.DateField("完成期限")
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.ASSIGNED, editable=False
    )
    note = models.TextField("最近的意见", blank=True, editable=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="交办人", on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField("最后变更", auto_now=True)

    class Meta:
        verbose_name = "责任分工"
        verbose_name_plural = "责任分工"
        ordering = ["criterion__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="assignment_one_per_criterion"
            ),
        ]
        indexes = [models.Index(fields=["assignee", "status"], name="assignment_assignee_status")]

    def __str__(self):
        return f"{self.assessment} {self.criterion.label} → {self.assignee}"

    @staticmethod
    def open_q(prefix=""):
        return Q(**{f"{prefix}status__in": Assignment.OPEN_STATUSES})

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES


class AssignmentEvent(StateEvent):
    """Who moved an assigned item, when, from which state to which, and why (the note sent
    with a send-back, the member it was assigned to)."""

    subject_field = "assignment"
    assignment = models.ForeignKey(
        Assignment, verbose_name="责任分工", on_delete=models.PROTECT, related_name="events"
    )

    class Meta(StateEvent.Meta):
        verbose_name = "责任分工变更记录"
        verbose_name_plural = "责任分工变更记录"

    def __str__(self):
        return f"{self.assignment} {self.from_status}→{self.to_status}"
