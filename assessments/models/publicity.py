"""宣传与经验: what a village does to make the campaign known (宣传栏, 入户走访, 平安夜巡, media
coverage …) and the good practices it writes up, which the town (and the city) select as
典型经验 and publish to their villages (towns)."""

from django.conf import settings
from django.db import models

from villages.models import StateEvent


def publicity_photo_path(record, filename):
    return f"publicity/{record.village.code}/{record.token}.jpg"


class PublicityRecord(models.Model):
    """One piece of the village's publicity work, with who took part and, for a media report,
    the outlet and a link to it."""

    class Kind(models.TextChoices):
        BOARD = "board", "宣传栏"
        VISITS = "visits", "入户走访"
        PATROL = "patrol", "平安夜巡"
        EVENT = "event", "宣传活动"
        MEDIA = "media", "媒体报道"
        OTHER = "other", "其他"

    token = models.UUIDField("文件标识", unique=True, editable=False)
    village = models.ForeignKey(
        "villages.Village",
        verbose_name="村(社区)",
        on_delete=models.PROTECT,
        related_name="publicity_records",
    )
    held_on = models.DateField("日期")
    kind = models.CharField("形式", max_length=10, choices=Kind.choices)
    summary = models.TextField("内容")
    participants = models.PositiveIntegerField("参与人数", default=0)
    outlet = models.CharField("媒体名称", max_length=60, blank=True)
    link = models.URLField("报道链接", blank=True, max_length=500)
    photo = models.FileField("照片或剪报", upload_to=publicity_photo_path, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "宣传记录"
        verbose_name_plural = "宣传记录"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["village", "held_on"], name="publicity_village_day")]

    def __str__(self):
        return f"{self.village.name} {self.get_kind_display()} {self.held_on}"


def practice_photo_path(practice, filename):
    return f"practices/{practice.village.code}/{practice.token}.jpg"


class Practice(models.Model):
    """A village's 经验做法: the problem, what was done, the result. Sent to the town, it may
    be published as the town's 典型经验 to every village of the town, and then by the city to
    every town of the city."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已报送"
        TOWN_PUBLISHED = "town_published", "镇典型经验"
        CITY_PUBLISHED = "city_published", "市典型经验"

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.DRAFT, Status.TOWN_PUBLISHED},
        Status.TOWN_PUBLISHED: {Status.CITY_PUBLISHED},
        Status.CITY_PUBLISHED: set(),
    }
    PUBLISHED = (Status.TOWN_PUBLISHED, Status.CITY_PUBLISHED)

    token = models.UUIDField("文件标识", unique=True, editable=False)
    village = models.ForeignKey(
        "villages.Village",
        verbose_name="村(社区)",
        on_delete=models.PROTECT,
        related_name="practices",
    )
    title = models.CharField("标题", max_length=80)
    problem = models.TextField("面对的问题")
    action = models.TextField("主要做法")
    result = models.TextField("取得的成效")
    photo = models.FileField("照片", upload_to=practice_photo_path, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="撰写人", on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField("最后修改", auto_now=True)
    published_on = models.DateField("发布日期", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "经验做法"
        verbose_name_plural = "经验做法"
        ordering = ["-published_on", "-updated_at", "-id"]

    def __str__(self):
        return self.title

    @property
    def is_published(self):
        return self.status in self.PUBLISHED


class PracticeEvent(StateEvent):
    subject_field = "practice"
    practice = models.ForeignKey(
        Practice, verbose_name="经验做法", on_delete=models.PROTECT, related_name="events"
    )

    class Meta(StateEvent.Meta):
        verbose_name = "经验做法变更记录"
        verbose_name_plural = "经验做法变更记录"

    def __str__(self):
        return f"{self.practice} {self.from_status}→{self.to_status}"
