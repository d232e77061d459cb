"""Documents and exports built in the background for the user who asked for them."""

from django.conf import settings
from django.db import models

from assessments.models.campaigns import Campaign
from villages.models import StateEvent


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


class SheetImport(models.Model):
    """A long sheet checked and then imported in the background, with its progress.

    The check reads and writes nothing, so a long preview blocks no one; the import itself is
    one transaction, all rows or none."""

    class Kind(models.TextChoices):
        INCIDENTS = "incidents", "案事件"
        FINDINGS = "findings", "镇级考核意见"

    class Status(models.TextChoices):
        CHECKING = "checking", "校验中"
        CHECKED = "checked", "待确认导入"
        REFUSED = "refused", "未通过"
        APPLYING = "applying", "导入中"
        APPLIED = "applied", "已导入"
        FAILED = "failed", "处理失败"

    TRANSITIONS = {
        Status.CHECKING: {Status.CHECKED, Status.REFUSED, Status.FAILED},
        Status.CHECKED: {Status.APPLYING},
        Status.APPLYING: {Status.APPLIED, Status.REFUSED, Status.FAILED},
        Status.REFUSED: set(),
        Status.APPLIED: set(),
        Status.FAILED: set(),
    }
    RUNNING = (Status.CHECKING, Status.APPLYING)

    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    campaign = models.ForeignKey(
        Campaign, verbose_name="创建活动", on_delete=models.CASCADE, null=True, blank=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        on_delete=models.PROTECT,
        related_name="sheet_imports",
    )
    file_name = models.CharField("文件名", max_length=200)
    staged_token = models.CharField("暂存标识", max_length=32, editable=False)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.CHECKING, editable=False
    )
    done = models.PositiveIntegerField("已校验行数", default=0)
    total = models.PositiveIntegerField("总行数", default=0)
    applied = models.PositiveIntegerField("导入行数", default=0)
    notes = models.JSONField("说明", default=list, blank=True)
    problems = models.JSONField("问题", default=list, blank=True)
    requested_at = models.DateTimeField("上传时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台导入"
        verbose_name_plural = "后台导入"
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()}导入“{self.file_name}”"

    @property
    def percent(self):
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def is_running(self):
        return self.status in self.RUNNING


class SheetImportEvent(StateEvent):
    subject_field = "sheet_import"

    sheet_import = models.ForeignKey(
        SheetImport, verbose_name="后台导入", on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StateEvent.Meta):
        verbose_name = "后台导入记录"
        verbose_name_plural = "后台导入记录"

    def __str__(self):
        return f"{self.sheet_import} {self.to_status}"
