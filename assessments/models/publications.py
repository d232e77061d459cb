"""公示: a list made public for a period of working days before it is final, the 异议 the
public raises against it, and the calendar the working days are counted on."""

from django.conf import settings
from django.db import models

from assessments.models.campaigns import Campaign
from villages.models import StateEvent


class Holiday(models.Model):
    """A day the working-day count treats otherwise than its weekday says: a 法定节假日 on a
    weekday, or a weekend day worked in its place (调休上班). Kept by the administrator as the
    State Council publishes each year's arrangement."""

    day = models.DateField("日期", unique=True)
    name = models.CharField("名称", max_length=30, help_text="如“春节”“国庆节调休上班”。")
    is_workday = models.BooleanField(
        "调休上班", default=False, help_text="勾选表示该日(通常为周末)照常上班。"
    )

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["day"]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.name}"


class Publication(models.Model):
    """A list made public (公示) from `starts_on` to `ends_on`, both working days included, by
    the office of `region` for `year`: the town's pass list before filing, the city's
    recommendation list before issuing, the province's naming before naming. Anyone may raise
    an 异议 within it; the list is final only once it has ended and every 异议 is answered."""

    class Kind(models.TextChoices):
        PASS_LIST = "pass_list", "平安村(社区)达标名单"
        RECOMMENDATION = "recommendation", "平安湖北建设示范村(社区)推荐名单"
        NAMING = "naming", "平安湖北建设示范村(社区)拟命名名单"

    kind = models.CharField("公示事项", max_length=20, choices=Kind.choices)
    region = models.ForeignKey(
        "villages.Region",
        verbose_name="公示单位所在区划",
        on_delete=models.PROTECT,
        related_name="publications",
    )
    year = models.PositiveSmallIntegerField("年度", help_text="拟命名名单为命名期的第一年。")
    campaign = models.ForeignKey(
        Campaign,
        verbose_name="创建活动",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publications",
        help_text="达标名单所属的创建活动。",
    )
    title = models.CharField("公示标题", max_length=120)
    working_days = models.PositiveSmallIntegerField("公示期(工作日)")
    starts_on = models.DateField("公示开始")
    ends_on = models.DateField("公示截止")
    contact = models.CharField(
        "受理单位及电话", max_length=120, help_text="如“汪场镇平安办 0728-0000000”。"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发布人", on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField("发布时间", auto_now_add=True)

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = "公示"
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "region", "year"], name="publication_once"),
            models.CheckConstraint(
                condition=models.Q(starts_on__lte=models.F("ends_on")),
                name="publication_period_in_order",
            ),
        ]

    def __str__(self):
        return self.title

    def is_open_on(self, day):
        return self.starts_on <= day <= self.ends_on


class PublicationEntry(models.Model):
    """A village on a list under 公示; one found not to deserve it is removed, with why."""

    publication = models.ForeignKey(
        Publication, verbose_name="公示", on_delete=models.PROTECT, related_name="entries"
    )
    village = models.ForeignKey(
        "villages.Village", verbose_name="村(社区)", on_delete=models.PROTECT, related_name="+"
    )
    village_name = models.CharField("村(社区)名称", max_length=60)
    removed_reason = models.TextField("移出原因", blank=True, editable=False)
    removed_at = models.DateTimeField("移出时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "公示名单"
        verbose_name_plural = "公示名单"
        ordering = ["publication", "village__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "village"], name="publication_entry_once"
            ),
        ]

    def __str__(self):
        return self.village_name


def objection_photo_path(objection, filename):
    # Never the uploaded name: the stored name is the objection's own.
    return f"objections/{objection.publication_id}/{objection.token}.jpg"


class Objection(models.Model):
    """An 异议 raised by a member of the public, kept exactly as sent, and the office's answer.
    The objector's name and phone are for the office alone: no public page shows them."""

    class Status(models.TextChoices):
        PENDING = "pending", "待核实"
        FOUND_TRUE = "found_true", "核实属实"
        FOUND_UNTRUE = "found_untrue", "核实不属实"

    TRANSITIONS = {
        Status.PENDING: {Status.FOUND_TRUE, Status.FOUND_UNTRUE},
        Status.FOUND_TRUE: set(),
        Status.FOUND_UNTRUE: set(),
    }

    token = models.UUIDField("受理编号", unique=True, editable=False)
    publication = models.ForeignKey(
        Publication, verbose_name="公示", on_delete=models.PROTECT, related_name="objections"
    )
    entry = models.ForeignKey(
        PublicationEntry,
        verbose_name="所涉村(社区)",
        on_delete=models.PROTECT,
        related_name="objections",
    )
    name = models.CharField("异议人姓名", max_length=50)
    phone = models.CharField("联系电话", max_length=20)
    matter = models.TextField("异议内容")
    photo = models.FileField("照片", upload_to=objection_photo_path, blank=True, max_length=200)
    address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    raised_at = models.DateTimeField("提出时间", auto_now_add=True)
    status = models.CharField(
        "核实结果", max_length=20, choices=Status.choices, default=Status.PENDING, editable=False
    )
    inquiry = models.TextField("核实情况", blank=True, editable=False)
    answer = models.TextField("答复理由", blank=True, editable=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["raised_at", "id"]
        indexes = [models.Index(fields=["address", "raised_at"], name="objection_address_time")]

    def __str__(self):
        return f"{self.entry.village_name}：{self.matter[:20]}"


class ObjectionEvent(StateEvent):
    subject_field = "objection"
    objection = models.ForeignKey(
        Objection, verbose_name="公示异议", on_delete=models.PROTECT, related_name="events"
    )

    class Meta(StateEvent.Meta):
        verbose_name = "公示异议处理记录"
        verbose_name_plural = "公示异议处理记录"

    def __str__(self):
        return f"{self.objection} {self.from_status}→{self.to_status}"
