"""Documents the portal prepares: long printouts and exports built in the background, long
sheets imported there, and the official documents drafted from the year and then issued."""

from django.conf import settings
from django.db import models

from assessments.models.campaigns import Campaign
from assessments.models.town_review import PassList
from audit.models import printed_checkpoint
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


class DocumentKind(models.TextChoices):
    """The official documents the campaign prints; each has its template."""

    PASS_LIST = "pass_list", "达标名单通报"
    BULLETIN = "bulletin", "重点通报"
    RECTIFICATION_NOTICE = "rectification_notice", "限期整改通知书"
    RECOMMENDATION = "recommendation", "示范村推荐报告"
    NAMING_DECISION = "naming_decision", "示范村命名决定"
    REVIEW_BULLETIN = "review_bulletin", "抽查复核结果通报"
    ANNUAL_SUMMARY = "annual_summary", "年度创建工作总结"
    EXPERIENCE = "experience", "经验交流"


class DocumentSettingManager(models.Manager):
    def get_by_natural_key(self, region_code, kind):
        return self.get(region__code=region_code, kind=kind)


class DocumentSetting(models.Model):
    """Who issues a kind of document for a region, which way it goes and to whom it is copied:
    data the administrator keeps, as offices and their names change."""

    class Direction(models.TextChoices):
        DOWN = "down", "下行文"
        UP = "up", "上行文"
        PARALLEL = "parallel", "平行文"

    region = models.ForeignKey(
        "villages.Region",
        verbose_name="区划",
        on_delete=models.CASCADE,
        related_name="document_settings",
    )
    kind = models.CharField("公文种类", max_length=24, choices=DocumentKind.choices)
    issuing_body = models.ForeignKey(
        "villages.IssuingBody", verbose_name="发文机关", on_delete=models.PROTECT
    )
    direction = models.CharField(
        "行文方向", max_length=10, choices=Direction.choices, default=Direction.DOWN
    )
    copies_to = models.CharField(
        "抄送机关", max_length=200, blank=True, help_text="版记中的抄送机关，多个用顿号分隔。"
    )

    objects = DocumentSettingManager()

    class Meta:
        verbose_name = "公文设置"
        verbose_name_plural = "公文设置"
        ordering = ["region__path", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["region", "kind"], name="one_setting_per_kind"),
        ]

    def __str__(self):
        return f"{self.region.name}{self.get_kind_display()}"

    def natural_key(self):
        return (self.region.code, self.kind)

    @property
    def is_upward(self):
        return self.direction == self.Direction.UP


class OfficialDocument(models.Model):
    """A document drafted from the year's figures, edited, then issued and frozen: the
    province's 命名决定, the city's 抽查复核结果通报, the town's 年度创建工作总结."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        ISSUED = "issued", "已印发"

    TRANSITIONS = {Status.DRAFT: {Status.ISSUED}, Status.ISSUED: set()}
    KINDS = (
        DocumentKind.NAMING_DECISION,
        DocumentKind.REVIEW_BULLETIN,
        DocumentKind.ANNUAL_SUMMARY,
    )

    KIND_CHOICES = [(kind.value, kind.label) for kind in KINDS]

    kind = models.CharField("公文种类", max_length=24, choices=KIND_CHOICES)
    region = models.ForeignKey(
        "villages.Region", verbose_name="发文区划", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveIntegerField("年度")
    naming = models.OneToOneField(
        "NamingBatch",
        verbose_name="审定命名",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decision",
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    document_number = models.CharField(
        "发文字号",
        max_length=40,
        blank=True,
        validators=PassList._meta.get_field("document_number").validators,
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    issuer = models.CharField("署名", max_length=100)
    issued_on = models.DateField("成文日期", null=True, blank=True)
    pdf = models.FileField("印发文件", upload_to="documents/", blank=True, editable=False)
    checkpoint = printed_checkpoint()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="拟稿人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("拟稿时间", auto_now_add=True)
    updated_at = models.DateTimeField("最后修改", auto_now=True)

    class Meta:
        verbose_name = "公文"
        verbose_name_plural = "公文"
        ordering = ["-year", "kind", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "region", "year"],
                condition=models.Q(naming__isnull=True),
                name="one_document_per_kind_region_and_year",
            ),
        ]

    def __str__(self):
        return self.title


class OfficialDocumentEvent(StateEvent):
    subject_field = "document"

    document = models.ForeignKey(
        OfficialDocument, verbose_name="公文", on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StateEvent.Meta):
        verbose_name = "公文记录"
        verbose_name_plural = "公文记录"

    def __str__(self):
        return f"{self.document} {self.to_status}"
