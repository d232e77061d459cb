from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from assessments import verdict
from villages.models import StateEvent, numeric_profile_choices

STANDARD_LOCKED_MESSAGE = (
    "该标准版本已被创建活动启用，不能再修改；如需调整，请使用“复制为新版本”后编辑新版本。"
)


class NaturalCodeManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class IncidentGroup(models.Model):
    """A named family of incident categories, e.g. 十无 or 五个不发生."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    source = models.CharField("依据", max_length=200, blank=True)
    needs_confirmation = models.BooleanField(
        "待核实",
        default=False,
        help_text="依据文件未列明具体内容的，标记为待核实，须对照上级文件确认后取消标记。",
    )
    order = models.PositiveIntegerField("排序", default=0)

    objects = NaturalCodeManager()

    class Meta:
        verbose_name = "案事件类别组"
        verbose_name_plural = "案事件类别组"
        ordering = ["order", "code"]

    def __str__(self):
        return f"{self.name}(待核实)" if self.needs_confirmation else self.name

    def natural_key(self):
        return (self.code,)


class IncidentCategory(models.Model):
    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    group = models.ForeignKey(
        IncidentGroup,
        verbose_name="所属类别组",
        on_delete=models.PROTECT,
        related_name="categories",
    )
    description = models.TextField("说明", blank=True)
    disqualifying = models.BooleanField(
        "即时取消命名", default=True, help_text="发生此类案事件时，即时取消平安村及示范村命名。"
    )
    is_active = models.BooleanField("启用", default=True)
    order = models.PositiveIntegerField("排序", default=0)

    objects = NaturalCodeManager()

    class Meta:
        verbose_name = "案事件类别"
        verbose_name_plural = "案事件类别"
        ordering = ["group__order", "order", "code"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class StandardManager(models.Manager):
    def get_by_natural_key(self, code, version):
        return self.get(code=code, version=version)


class Standard(models.Model):
    """One version of a creation or naming standard."""

    class Kind(models.TextChoices):
        SAFE_VILLAGE = "safe_village", "平安村(社区)创建标准"
        DEMONSTRATION = "demonstration", "平安湖北建设示范村(社区)创建命名标准"

    class Status(models.TextChoices):
        EDITABLE = "editable", "编辑中"
        PINNED = "pinned", "已启用(锁定)"

    TRANSITIONS = {Status.EDITABLE: {Status.PINNED}, Status.PINNED: set()}

    code = models.SlugField(
        "标准代码", max_length=40, help_text="同一标准的各版本共用一个代码，如 safe-village。"
    )
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    version = models.PositiveIntegerField("版本", default=1)
    effective_year = models.PositiveIntegerField("起始执行年度")
    source_document = models.CharField("来源文件", max_length=300, blank=True)
    pass_mark = models.DecimalField(
        "达标分",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="含评分项的标准，总分达到此分数方可达标；不含评分项的留空。",
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.EDITABLE, editable=False
    )
    copied_from = models.ForeignKey(
        "self",
        verbose_name="复制自",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="copies",
    )

    objects = StandardManager()

    class Meta:
        verbose_name = "创建标准"
        verbose_name_plural = "创建标准"
        ordering = ["kind", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="standard_code_version"),
        ]

    def __str__(self):
        return f"{self.name}(第{self.version}版，{self.effective_year}年起)"

    def natural_key(self):
        return (self.code, self.version)

    @property
    def is_editable(self):
        return self.status == self.Status.EDITABLE

    def clean(self):
        if self.pk and not Standard.objects.get(pk=self.pk).is_editable:
            raise ValidationError(STANDARD_LOCKED_MESSAGE)


class CriterionManager(models.Manager):
    def get_by_natural_key(self, standard_code, standard_version, key):
        return self.get(standard__code=standard_code, standard__version=standard_version, key=key)


class Criterion(models.Model):
    """One item of a standard; groups hold items, every other kind is judged."""

    class Kind(models.TextChoices):
        GROUP = "group", "分组(不单独评判)"
        VETO = verdict.Kind.VETO.value, "一票否决"
        REQUIREMENT = verdict.Kind.REQUIREMENT.value, "达标要求"
        THRESHOLD = verdict.Kind.THRESHOLD.value, "数量指标"
        SCORED = verdict.Kind.SCORED.value, "评分项"

    class Comparator(models.TextChoices):
        AT_LEAST = ">=", "不少于(≥)"
        MORE_THAN = ">", "多于(>)"
        AT_MOST = "<=", "不多于(≤)"
        LESS_THAN = "<", "少于(<)"
        EQUAL = "==", "等于(=)"

    standard = models.ForeignKey(
        Standard, verbose_name="标准", on_delete=models.CASCADE, related_name="criteria"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级条目",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    key = models.CharField(
        "条目标识",
        max_length=60,
        validators=[
            RegexValidator(
                r"^[a-z0-9][a-z0-9.-]*$", "条目标识只能由小写字母、数字、点和连字符组成。"
            )
        ],
        help_text="跨版本不变的标识，用于沿用上年答案和比较各年结果。",
    )
    number = models.CharField("序号", max_length=10, help_text="如 一、1、(1)")
    title = models.CharField("标题", max_length=200)
    text = models.TextField("条文", blank=True)
    order = models.PositiveIntegerField("排序", default=0)
    kind = models.CharField("评判方式", max_length=12, choices=Kind.choices)
    incident_category = models.ForeignKey(
        IncidentCategory,
        verbose_name="对应案事件类别",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="criteria",
        help_text="一票否决项：考评期内发生此类案事件即不达标。",
    )
    expected_evidence = models.TextField("应提供的佐证材料", blank=True)
    evidence_required = models.BooleanField("必须上传佐证材料", default=False)
    comparator = models.CharField("比较方式", max_length=2, choices=Comparator.choices, blank=True)
    bound = models.DecimalField("指标值", max_digits=10, decimal_places=2, null=True, blank=True)
    unit = models.CharField("单位", max_length=10, blank=True)
    profile_field = models.CharField(
        "预填自村(社区)基本情况",
        max_length=40,
        choices=numeric_profile_choices,
        blank=True,
        help_text="自评时用村(社区)基本情况中的该项数值预填，可更正。",
    )
    max_score = models.DecimalField(
        "满分",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    objects = CriterionManager()

    class Meta:
        verbose_name = "标准条目"
        verbose_name_plural = "标准条目"
        ordering = ["standard", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "key"], name="criterion_key_per_standard"),
            models.CheckConstraint(
                condition=~Q(kind="threshold") | Q(bound__isnull=False) & ~Q(comparator=""),
                name="threshold_has_bound",
                violation_error_message="数量指标须填写比较方式和指标值。",
            ),
            models.CheckConstraint(
                condition=~Q(kind="scored") | Q(max_score__isnull=False),
                name="scored_has_max",
                violation_error_message="评分项须填写满分。",
            ),
        ]

    def __str__(self):
        return f"{self.label} {self.title}"

    def natural_key(self):
        return (*self.standard.natural_key(), self.key)

    natural_key.dependencies = ["assessments.standard", "assessments.incidentcategory"]

    @property
    def label(self):
        """The number as printed: 一, 一(3), 五(2)."""
        if self.parent_id and self.parent is not None:
            return f"{self.parent.label}{self.number}"
        return self.number

    @property
    def is_judged(self):
        return self.kind != self.Kind.GROUP

    ASKED_THE_SAME = (
        "kind",
        "title",
        "text",
        "comparator",
        "bound",
        "unit",
        "max_score",
        "incident_category_id",
    )

    def asks_the_same_as(self, earlier):
        """This and an earlier version of the criterion (same key) ask the same question, so
        last year's answer to it can carry over."""
        return all(getattr(self, name) == getattr(earlier, name) for name in self.ASKED_THE_SAME)

    def clean(self):
        errors = {}
        if self.standard_id and not self.standard.is_editable:
            raise ValidationError(STANDARD_LOCKED_MESSAGE)
        if self.parent_id and self.parent.standard_id != self.standard_id:
            errors["parent"] = "上级条目须属于同一标准版本。"
        if self.kind == self.Kind.THRESHOLD and (self.bound is None or not self.comparator):
            errors["bound"] = "数量指标须填写比较方式和指标值。"
        if self.kind == self.Kind.SCORED and self.max_score is None:
            errors["max_score"] = "评分项须填写满分。"
        if self.kind != self.Kind.VETO and self.incident_category_id:
            errors["incident_category"] = "只有一票否决项可以对应案事件类别。"
        if errors:
            raise ValidationError(errors)

    def to_rule(self):
        return verdict.CriterionRule(
            key=self.key,
            label=self.label,
            title=self.title,
            kind=verdict.Kind(self.kind),
            incident_category=self.incident_category.code if self.incident_category_id else None,
            comparator=self.comparator or None,
            bound=self.bound,
            unit=self.unit,
            max_score=self.max_score,
        )


class StandardEvent(StateEvent):
    """A recorded change of a standard version's state: pinned, or copied to a new version."""

    subject_field = "standard"

    class Kind(models.TextChoices):
        PINNED = "pinned", "启用锁定"
        COPIED = "copied", "复制为新版本"

    standard = models.ForeignKey(
        Standard, verbose_name="标准", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField("事项", max_length=10, choices=Kind.choices)

    class Meta(StateEvent.Meta):
        verbose_name = "标准变更记录"
        verbose_name_plural = "标准变更记录"

    def __str__(self):
        return f"{self.standard} {self.get_kind_display()}"


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
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    opened_at = models.DateTimeField("启动时间", null=True, blank=True, editable=False)
    approved_at = models.DateTimeField("审定时间", null=True, blank=True, editable=False)
    filed_at = models.DateTimeField("报备时间", null=True, blank=True, editable=False)

    # Villages keep answering, and the town keeps scoring, until the leading group approves.
    OPEN_FOR_WORK = (Status.SELF_ASSESSMENT, Status.TOWN_ASSESSMENT)

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
        if errors:
            raise ValidationError(errors)


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

    TRANSITIONS = {
        Status.NOT_STARTED: {Status.IN_PROGRESS, Status.SUBMITTED},
        Status.IN_PROGRESS: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.RETURNED, Status.TOWN_ASSESSED},
        Status.RETURNED: {Status.SUBMITTED},
        Status.TOWN_ASSESSED: {Status.SUBMITTED, Status.RETURNED, Status.APPROVED},
        Status.APPROVED: set(),
    }
    EDITABLE_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.RETURNED)

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
        return self.due_date or self.campaign.self_assessment_due

    @property
    def is_editable(self):
        if self.status not in self.EDITABLE_STATUSES:
            return False
        if self.kind == self.Kind.DEMONSTRATION:
            return self.campaign.status == Campaign.Status.CITY_REVIEW and self.city_passed is None
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
    """A file supporting an answer (佐证材料), the creation plan, or a rectification report."""

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

    assessment = models.ForeignKey(
        Assessment, verbose_name="创建考评", on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField("事项", max_length=20, choices=Action.choices)

    class Meta(StateEvent.Meta):
        verbose_name = "考评变更记录"
        verbose_name_plural = "考评变更记录"

    def __str__(self):
        return f"{self.assessment} {self.get_action_display()}"


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

    class Meta:
        verbose_name = "退回意见"
        verbose_name_plural = "退回意见"

    def __str__(self):
        return self.text


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


class Finding(models.Model):
    """A reviewer's own finding on one criterion: the town's (镇级考核) or the city's (复核)."""

    class Stage(models.TextChoices):
        TOWN = "town", "镇级考核"
        CITY = "city", "市级复核"

    assessment = models.ForeignKey(
        Assessment, verbose_name="创建考评", on_delete=models.PROTECT, related_name="findings"
    )
    stage = models.CharField("环节", max_length=5, choices=Stage.choices, default=Stage.TOWN)
    criterion = models.ForeignKey(
        Criterion, verbose_name="标准条目", on_delete=models.PROTECT, related_name="findings"
    )
    agrees = models.BooleanField("同意村(社区)自评")
    veto_occurred = models.BooleanField("是否发生", null=True, blank=True)
    met = models.BooleanField("是否达标", null=True, blank=True)
    value = models.DecimalField("核定数值", max_digits=10, decimal_places=2, null=True, blank=True)
    score = models.DecimalField("核定得分", max_digits=6, decimal_places=2, null=True, blank=True)
    comment = models.TextField("考核意见", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="考核人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("考核时间", auto_now=True)

    class Meta:
        verbose_name = "镇级考核意见"
        verbose_name_plural = "镇级考核意见"
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion", "stage"], name="finding_one_per_criterion"
            ),
        ]

    def __str__(self):
        return f"{self.assessment} {self.criterion.label}"

    def to_judgement(self):
        return verdict.Judgement(
            breached=self.veto_occurred, met=self.met, value=self.value, score=self.score
        )


class PassList(models.Model):
    """The town's annual 达标名单通报: drafted after approval, frozen when filed."""

    campaign = models.OneToOneField(
        Campaign, verbose_name="创建活动", on_delete=models.PROTECT, related_name="pass_list"
    )
    document_number = models.CharField(
        "发文字号",
        max_length=40,
        validators=[
            RegexValidator(
                r"^\S+〔\d{4}〕\d+号$", "发文字号格式应为“汪发〔2024〕12号”，年份用六角括号〔〕。"
            )
        ],
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    issuer = models.CharField("发文机关", max_length=100)
    issued_on = models.DateField("成文日期")
    pdf = models.FileField("通报文件", upload_to="documents/", blank=True, editable=False)
    updated_at = models.DateTimeField("最后修改", auto_now=True)

    class Meta:
        verbose_name = "达标名单通报"
        verbose_name_plural = "达标名单通报"

    def __str__(self):
        return f"{self.document_number} {self.title}"


class PassListEntry(models.Model):
    """One village on a filed pass list, as named on the day of filing."""

    pass_list = models.ForeignKey(
        PassList, verbose_name="达标名单", on_delete=models.PROTECT, related_name="entries"
    )
    village = models.ForeignKey(
        "villages.Village", verbose_name="村(社区)", on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveIntegerField("序号")
    village_name = models.CharField("村(社区)名称", max_length=60)
    village_kind = models.CharField("类型", max_length=10)

    class Meta:
        verbose_name = "达标名单条目"
        verbose_name_plural = "达标名单条目"
        ordering = ["pass_list", "position"]
        constraints = [
            models.UniqueConstraint(fields=["pass_list", "village"], name="entry_once_per_list"),
        ]

    def __str__(self):
        return f"{self.position}. {self.village_name}"


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


class SamplingRuleManager(models.Manager):
    def get_by_natural_key(self, region_code):
        return self.get(region__code=region_code)


class SamplingRule(models.Model):
    """The default share and minimum of a town's pass list that a city re-reviews, and the
    share of villages that must pass re-review (the seed's 70%)."""

    region = models.OneToOneField(
        "villages.Region",
        verbose_name="市(县)",
        on_delete=models.PROTECT,
        related_name="sampling_rule",
    )
    ratio = models.DecimalField(
        "抽查比例",
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"))],
        help_text="如 0.3 表示抽查达标名单的 30%。",
    )
    minimum_count = models.PositiveIntegerField("最少抽查数", default=1)
    target_ratio = models.DecimalField(
        "复核合格目标比例",
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.700"),
        help_text="如 0.7 表示复核合格比例达 70% 以上。",
    )

    objects = SamplingRuleManager()

    class Meta:
        verbose_name = "抽查比例"
        verbose_name_plural = "抽查比例"

    def __str__(self):
        return f"{self.region.name}：抽查{self.ratio:.0%}，至少{self.minimum_count}个"

    def natural_key(self):
        return (self.region.code,)

    natural_key.dependencies = ["villages.region"]

    def clean(self):
        if self.ratio is not None and self.ratio > 1:
            raise ValidationError({"ratio": "抽查比例不能超过 1(即 100%)。"})


class Sample(models.Model):
    """One reproducible draw of villages from a town's filed pass list (抽查)."""

    METHOD = (
        "候选名单为报备达标名单中除必抽村(社区)外的村(社区)，按统计用区划代码升序排列；"
        "以 Python random.Random(种子) 初始化随机数发生器，调用 sample(候选名单, 随机抽取数) "
        "抽取；随机抽取数 = max(向上取整(比例 × 名单总数), 最少抽查数) − 必抽数，不超过候选数。"
    )

    campaign = models.ForeignKey(
        Campaign, verbose_name="创建活动", on_delete=models.PROTECT, related_name="samples"
    )
    ratio = models.DecimalField("抽查比例", max_digits=4, decimal_places=3)
    minimum_count = models.PositiveIntegerField("最少抽查数")
    seed = models.CharField("随机种子", max_length=64)
    method = models.TextField("抽取方法")
    population = models.JSONField("候选名单(统计用区划代码)")
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="抽取人", on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField("抽取时间", auto_now_add=True)
    is_current = models.BooleanField("现行抽查结果", default=True)
    redraw_reason = models.TextField("重新抽取原因", blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name="取代的抽查",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )

    class Meta:
        verbose_name = "市级抽查"
        verbose_name_plural = "市级抽查"
        ordering = ["campaign", "-drawn_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign"],
                condition=Q(is_current=True),
                name="one_current_sample_per_campaign",
            ),
        ]

    def __str__(self):
        return f"{self.campaign} 抽查(种子 {self.seed})"


class SampleEntry(models.Model):
    sample = models.ForeignKey(
        Sample, verbose_name="抽查", on_delete=models.PROTECT, related_name="entries"
    )
    assessment = models.ForeignKey(
        Assessment, verbose_name="创建考评", on_delete=models.PROTECT, related_name="+"
    )
    forced = models.BooleanField("必抽", default=False)
    reason = models.TextField("必抽原因", blank=True)
    position = models.PositiveIntegerField("序号")

    class Meta:
        verbose_name = "抽查村(社区)"
        verbose_name_plural = "抽查村(社区)"
        ordering = ["sample", "position"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "assessment"], name="sampled_once"),
        ]

    def __str__(self):
        return f"{self.sample} {self.position}"


class RecommendationList(models.Model):
    """The city's 择优推荐 of demonstration villages to the province."""

    city = models.ForeignKey(
        "villages.Region", verbose_name="市(县)", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveIntegerField("年度")
    document_number = models.CharField(
        "文号", max_length=40, validators=PassList._meta.get_field("document_number").validators
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    issuer = models.CharField("发文机关", max_length=100)
    issued_on = models.DateField("成文日期")
    pdf = models.FileField("推荐文件", upload_to="documents/", editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="拟制人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("印发时间", auto_now_add=True)

    class Meta:
        verbose_name = "示范村推荐名单"
        verbose_name_plural = "示范村推荐名单"
        ordering = ["-year", "-id"]

    def __str__(self):
        return f"{self.document_number} {self.title}"


class Recommendation(models.Model):
    recommendation_list = models.ForeignKey(
        RecommendationList,
        verbose_name="推荐名单",
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    assessment = models.ForeignKey(
        Assessment,
        verbose_name="示范村推荐考评",
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    position = models.PositiveIntegerField("序号")
    justification = models.TextField("推荐理由")

    class Meta:
        verbose_name = "择优推荐"
        verbose_name_plural = "择优推荐"
        ordering = ["recommendation_list", "position"]

    def __str__(self):
        return f"{self.recommendation_list} {self.assessment.village.name}"


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


class PreparedFile(models.Model):
    """A long printout or export made in the background and offered for download when ready."""

    class Kind(models.TextChoices):
        CAMPAIGN_REPORTS = "campaign_reports", "各村(社区)考评报告合订本(PDF)"
        REGION_RESULTS = "region_results", "年度考评结果汇总(Excel)"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        READY = "ready", "已完成"
        FAILED = "failed", "生成失败"

    TRANSITIONS = {
        Status.QUEUED: {Status.RUNNING, Status.FAILED},
        Status.RUNNING: {Status.READY, Status.FAILED},
        Status.READY: set(),
        Status.FAILED: set(),
    }
    FINISHED = (Status.READY, Status.FAILED)

    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    title = models.CharField("名称", max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        on_delete=models.PROTECT,
        related_name="prepared_files",
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name="创建活动", on_delete=models.CASCADE, null=True, blank=True
    )
    region = models.ForeignKey(
        "villages.Region", verbose_name="区划", on_delete=models.CASCADE, null=True, blank=True
    )
    year = models.PositiveIntegerField("年度", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.QUEUED, editable=False
    )
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    file = models.FileField("文件", upload_to="prepared/", blank=True, max_length=200)
    filename = models.CharField("下载文件名", max_length=200)
    error = models.TextField("失败原因", blank=True)
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台生成文件"
        verbose_name_plural = "后台生成文件"
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return self.title

    @property
    def percent(self):
        if self.status == self.Status.READY:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def is_finished(self):
        return self.status in self.FINISHED


class PreparedFileEvent(StateEvent):
    subject_field = "prepared_file"

    prepared_file = models.ForeignKey(
        PreparedFile, verbose_name="后台生成文件", on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StateEvent.Meta):
        verbose_name = "后台生成记录"
        verbose_name_plural = "后台生成记录"

    def __str__(self):
        return f"{self.prepared_file} {self.to_status}"


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
