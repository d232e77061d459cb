"""The town's assessment: a finding per criterion, and the published pass list."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from assessments import verdict
from assessments.models.campaigns import Assessment, Campaign
from assessments.models.standards import Criterion
from audit.models import printed_checkpoint


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
                r"^\S+〔\d{4}〕\d+号$",
                "发文字号格式应为“机关代字〔年份〕序号”，如“××发〔2026〕3号”，年份用六角括号〔〕。",
            )
        ],
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    issuer = models.CharField("发文机关", max_length=100)
    issued_on = models.DateField("成文日期")
    pdf = models.FileField("通报文件", upload_to="documents/", blank=True, editable=False)
    checkpoint = printed_checkpoint()
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
