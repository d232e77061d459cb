"""The city's re-review: sampling rules, reproducible draws, and the recommendations to the
province."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from assessments.models.campaigns import Assessment, Campaign
from assessments.models.town_review import PassList
from audit.models import printed_checkpoint


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

    PLAIN_METHOD = (
        "先列入必抽的村(社区)；其余达标村(社区)按区划代码排好，用随机种子抽取，"
        "补足到“达标村(社区)总数 × 抽查比例”(向上取整)，且不少于最少抽查数。"
        "种子公开，任何人用同一种子、同一名单都能抽出同样的结果。"
    )
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

    @property
    def ratio_percent(self):
        return f"{format((self.ratio * 100).normalize(), 'f')}%"


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
    checkpoint = printed_checkpoint()
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
