"""A town's yearly campaign and the assessment of each village in it, with their events
and the reminders sent about their deadlines."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from assessments.models.standards import Standard
from villages.models import StateEvent


class Campaign(models.Model):
    """One year's run of the 平安村 standard in one town."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SELF_ASSESSMENT = "self_assessment", "自评中"
        TOWN_ASSESSMENT = "town_assessment", "镇级考核"
        APPROVED = "approved", "已审定"
        FILED = "filed", "已报备"
        CITY_REVIEW = "city_review", "市级复核"
        CLOSED = "closed", "已结束"

    TRANSITIONS = {
        Status.DRAFT: {Status.SELF_ASSESSMENT},
        Status.SELF_ASSESSMENT: {Status.TOWN_ASSESSMENT},
        Status.TOWN_ASSESSMENT: {Status.APPROVED},
        Status.APPROVED: {Status.FILED},
        Status.FILED: {Status.CITY_REVIEW},
        Status.CITY_REVIEW: {Status.CLOSED},
        Status.CLOSED: set(),
    }

    year = models.PositiveIntegerField("年度")
    town = models.ForeignKey(
        "villages.Region",
        verbose_name="乡镇(街道)",
        on_delete=models.PROTECT,
        related_name="campaigns",
        limit_choices_to={"level": "town"},
    )
    standard = models.ForeignKey(
        Standard,
        verbose_name="创建标准版本",
        on_delete=models.PROTECT,
        related_name="campaigns",
        limit_choices_to={"kind": Standard.Kind.SAFE_VILLAGE},
    )
    self_assessment_due = models.DateField("自评截止日期")
    town_assessment_due = models.DateField("镇级考核截止日期")
    city_review_due = models.DateField("市级复核截止日期")
    recommendation_due = models.DateField(
        "示范村推荐考评截止日期",
        null=True,
        blank=True,
        help_text="镇平安办填报示范村推荐考评的期限；不填则以市级复核截止日期为准。",
    )
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    opened_at = models.DateTimeField("启动时间", null=True, blank=True, editable=False)
    approved_at = models.DateTimeField("审定时间", null=True, blank=True, editable=False)
    filed_at = models.DateTimeField("报备时间", null=True, blank=True, editable=False)

    # Villages keep answering, and the town keeps scoring, until the leading group approves.
    OPEN_FOR_WORK = (Status.SELF_ASSESSMENT, Status.TOWN_ASSESSMENT)
    # 示范村 candidacies are prepared and re-reviewed from the re-review on, past its close,
    # until the city issues its recommendation list.
    CANDIDACY_STAGES = (Status.CITY_REVIEW, Status.CLOSED)

    class Meta:
        verbose_name = "创建活动"
        verbose_name_plural = "创建活动"
        ordering = ["-year", "town__code"]
        constraints = [
            models.UniqueConstraint(fields=["town", "year"], name="campaign_one_per_town_year"),
        ]

    def __str__(self):
        return f"{self.town.name}{self.year}年度平安村(社区)创建活动"

    def clean(self):
        errors = {}
        if self.standard_id and self.standard.kind != Standard.Kind.SAFE_VILLAGE:
            errors["standard"] = "创建活动须使用平安村(社区)创建标准。"
        if (
            self.self_assessment_due
            and self.town_assessment_due
            and self.city_review_due
            and not self.self_assessment_due <= self.town_assessment_due <= self.city_review_due
        ):
            errors["town_assessment_due"] = "截止日期须依次为：自评、镇级考核、市级复核。"
        if (
            self.recommendation_due
            and self.town_assessment_due
            and self.recommendation_due < self.town_assessment_due
        ):
            errors["recommendation_due"] = "示范村推荐考评在镇级考核之后准备，截止日期不能更早。"
        if errors:
            raise ValidationError(errors)


class CampaignTally(models.Model):
    """A campaign's counts behind the three rates, kept so that a ranking over a province
    reads one row a town instead of counting every assessment. The audit trail marks a
    campaign's row stale in the transaction of any change to its assessments, titles or
    itself (assessments.tallies); the next reader counts it again. `version` moves with each
    mark, so a count made from rows read before a change is never kept after it."""

    campaign = models.OneToOneField(
        Campaign,
        verbose_name="创建活动",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="tally",
    )
    total = models.PositiveIntegerField("参与村(社区)数", default=0)
    passed = models.PositiveIntegerField("镇级考核达标数", default=0)
    reviewed = models.PositiveIntegerField("已复核数", default=0)
    review_passed = models.PositiveIntegerField("复核合格数", default=0)
    holding = models.PositiveIntegerField("有效称号数", default=0)
    stale = models.BooleanField("待重新统计", default=True)
    version = models.PositiveBigIntegerField("版本", default=0)

    class Meta:
        verbose_name = "创建活动统计"
        verbose_name_plural = "创建活动统计"

    def __str__(self):
        return f"{self.campaign}统计"


class Assessment(models.Model):
    """A village's assessment in one campaign against one standard, and the reviews on it.

    The yearly assessment is the village's own self-assessment against the campaign's
    平安村 standard; a demonstration assessment is prepared by the town for a candidate the
    city may recommend, against the 示范村 naming standard.
    """

    class Kind(models.TextChoices):
        YEARLY = "yearly", "年度平安村(社区)考评"
        DEMONSTRATION = "demonstration", "示范村(社区)推荐考评"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "未开始"
        IN_PROGRESS = "in_progress", "填报中"
        SUBMITTED = "submitted", "已提交"
        RETURNED = "returned", "已退回"
        TOWN_ASSESSED = "town_assessed", "镇级已考核"
        APPROVED = "approved", "已审定"

    # A village that never submitted is concluded by the town straight from where it stopped,
    # and a mistaken conclusion goes back there.
    TRANSITIONS = {
        Status.NOT_STARTED: {Status.IN_PROGRESS, Status.SUBMITTED, Status.TOWN_ASSESSED},
        Status.IN_PROGRESS: {Status.SUBMITTED, Status.TOWN_ASSESSED},
        Status.SUBMITTED: {Status.RETURNED, Status.TOWN_ASSESSED},
        Status.RETURNED: {Status.SUBMITTED, Status.TOWN_ASSESSED},
        Status.TOWN_ASSESSED: {
            Status.NOT_STARTED,
            Status.IN_PROGRESS,
            Status.SUBMITTED,
            Status.RETURNED,
            Status.APPROVED,
        },
        Status.APPROVED: set(),
    }
    EDITABLE_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.RETURNED)
    # The town's reason for concluding a village that never submitted.
    NOT_SUBMITTED_REASON = "未按期提交自评"

    campaign = models.ForeignKey(
        Campaign, verbose_name="创建活动", on_delete=models.PROTECT, related_name="assessments"
    )
    village = models.ForeignKey(
        "villages.Village",
        verbose_name="村(社区)",
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    kind = models.CharField(
        "类型", max_length=15, choices=Kind.choices, default=Kind.YEARLY, editable=False
    )
    standard = models.ForeignKey(
        Standard,
        verbose_name="考评标准",
        on_delete=models.PROTECT,
        related_name="assessments",
        editable=False,
    )
    status = models.CharField(
        "自评状态",
        max_length=20,
        choices=Status.choices,
        default=Status.NOT_STARTED,
        editable=False,
    )
    plan_text = models.TextField("创建方案", blank=True)
    plan_document = models.ForeignKey(
        "Evidence",
        verbose_name="创建方案文件",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outreach_text = models.TextField("向小区、湾组、网格、家庭延伸情况", blank=True)
    due_date = models.DateField("自评截止日期(延期后)", null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True, editable=False)
    submitted_late = models.BooleanField("逾期提交", default=False, editable=False)
    town_passed = models.BooleanField("镇级考核结果", null=True, editable=False)
    town_reasons = models.JSONField("镇级考核不达标原因", default=list, editable=False)
    town_total_score = models.DecimalField(
        "镇级考核得分", max_digits=7, decimal_places=2, null=True, editable=False
    )
    town_assessed_at = models.DateTimeField("镇级考核时间", null=True, editable=False)
    result_passed = models.BooleanField("年度考评结果", null=True, editable=False)
    result_reasons = models.JSONField("年度考评不达标原因", default=list, editable=False)
    city_passed = models.BooleanField("市级复核结果", null=True, editable=False)
    city_reasons = models.JSONField("市级复核不合格原因", default=list, editable=False)
    city_reviewed_at = models.DateTimeField("市级复核时间", null=True, editable=False)
    updated_at = models.DateTimeField("最后修改", auto_now=True)

    class Meta:
        verbose_name = "村(社区)创建考评"
        verbose_name_plural = "村(社区)创建考评"
        ordering = ["campaign", "village__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "village", "kind"], name="assessment_one_per_village"
            ),
        ]

    def __str__(self):
        return f"{self.village.name} {self.campaign.year}年度"

    @property
    def effective_due(self):
        """The assessment's own deadline: a candidacy is prepared in the city review, long after
        the villages' self-assessment closed."""
        if self.due_date:
            return self.due_date
        if self.kind == self.Kind.DEMONSTRATION:
            return self.campaign.recommendation_due or self.campaign.city_review_due
        return self.campaign.self_assessment_due

    @property
    def is_editable(self):
        if self.status not in self.EDITABLE_STATUSES:
            return False
        if self.kind == self.Kind.DEMONSTRATION:
            return self.campaign.status in Campaign.CANDIDACY_STAGES and self.city_passed is None
        return self.campaign.status in Campaign.OPEN_FOR_WORK

    def is_overdue(self, today):
        if self.status in self.EDITABLE_STATUSES:
            return today > self.effective_due
        return self.submitted_late

    @property
    def city_verdict_label(self):
        return {True: "复核合格", False: "复核不合格"}.get(self.city_passed, "未复核")

    @property
    def town_verdict_label(self):
        return {True: "达标", False: "不达标"}.get(self.town_passed, "未考核")

    @property
    def result_label(self):
        return {True: "达标", False: "不达标"}.get(self.result_passed, "未审定")

    @property
    def has_plan(self):
        return bool(self.plan_text.strip()) or self.plan_document_id is not None


class AssessmentEvent(StateEvent):
    """Who moved an assessment, when, from which state to which, and why."""

    subject_field = "assessment"

    class Action(models.TextChoices):
        STARTED = "started", "开始填报"
        SUBMITTED = "submitted", "提交自评"
        RETURNED = "returned", "退回修改"
        DEADLINE_EXTENDED = "deadline_extended", "延长自评期限"
        TOWN_ASSESSED = "town_assessed", "完成镇级考核"
        TOWN_REOPENED = "town_reopened", "重新镇级考核"
        APPROVED = "approved", "领导小组审定"
        CITY_REVIEWED = "city_reviewed", "市级复核"
        PREPARED = "prepared", "准备示范村推荐考评"
        INCIDENT = "incident", "案事件一票否决"
        INCIDENT_CORRECTED = "incident_corrected", "案事件更正恢复"
        CARRIED_OVER = "carried_over", "沿用上年答案"
        URGED = "urged", "镇平安办催办"
        OBJECTION_UPHELD = "objection_upheld", "公示异议属实"

    assessment = models.ForeignKey(
        Assessment, verbose_name="创建考评", on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField("事项", max_length=20, choices=Action.choices)

    class Meta(StateEvent.Meta):
        verbose_name = "考评变更记录"
        verbose_name_plural = "考评变更记录"

    def __str__(self):
        return f"{self.assessment} {self.get_action_display()}"


class CampaignEvent(StateEvent):
    subject_field = "campaign"
    campaign = models.ForeignKey(
        Campaign, verbose_name="创建活动", on_delete=models.PROTECT, related_name="events"
    )

    class Meta(StateEvent.Meta):
        verbose_name = "创建活动变更记录"
        verbose_name_plural = "创建活动变更记录"

    def __str__(self):
        return f"{self.campaign} {self.from_status}→{self.to_status}"


class SentReminder(models.Model):
    """A reminder already sent to a user, so the daily run sends each one once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="sent_reminders",
    )
    key = models.CharField("提醒标识", max_length=120)
    text = models.TextField("内容")
    channels = models.CharField("发送方式", max_length=60)
    sent_at = models.DateTimeField("发送时间", auto_now_add=True)

    class Meta:
        verbose_name = "已发送提醒"
        verbose_name_plural = "已发送提醒"
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="reminder_sent_once"),
        ]

    def __str__(self):
        return self.text
