"""The standards as data: versioned criteria, incident groups and categories."""

from decimal import Decimal

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
    shows_publicity = models.BooleanField(
        "显示宣传与经验",
        default=False,
        help_text="评审本条时一并列出村(社区)的宣传记录(含媒体报道)和已发布的典型经验，"
        "如示范村标准的“特色亮点多”。",
    )
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
