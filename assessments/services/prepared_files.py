"""Documents and exports built in the background: the request, the queued job, the build."""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from assessments import prepared as prepared_documents
from assessments.documents import DOCUMENT_TEMPLATES, document_parts, drafted_document
from assessments.models import (
    Campaign,
    DocumentKind,
    NamingBatch,
    OfficialDocument,
    OfficialDocumentEvent,
    PreparedFile,
    PreparedFileEvent,
)
from assessments.selectors import (
    access_campaign_by_id,
    access_document_by_id,
    access_region_by_id,
    document_setting,
)
from assessments.services.common import (
    audit,
    document_fields,
    files_removed_on_failure,
    full_clean,
    move_job,
    move_state,
    record_event,
    require_object,
    require_unused_document_number,
)
from audit.trail import make_checkpoint
from pingan.errors import InvalidInput, InvalidTransition
from pingan.pdf import render_pdf
from villages.models import Region


def _request_file(actor, **fields):
    prepared = PreparedFile.objects.create(requested_by=actor, **fields)
    record_event(PreparedFileEvent, prepared, actor, "", "申请后台生成")
    transaction.on_commit(lambda: prepare_file.enqueue(prepared.pk))
    return prepared


@transaction.atomic
def request_campaign_reports(*, actor, campaign_id):
    """Queue every village's 考评报告 of a campaign the actor may see, as one PDF."""
    campaign = access_campaign_by_id(actor, campaign_id)
    name = f"{campaign.town.name}{campaign.year}年度各村(社区)考评报告"
    return _request_file(
        actor,
        kind=PreparedFile.Kind.CAMPAIGN_REPORTS,
        campaign=campaign,
        title=name,
        filename=f"{name}.pdf",
    )


@transaction.atomic
def request_region_results(*, actor, region_id, year):
    """Queue one row per village of a region for a year's results, as a workbook."""
    region = access_region_by_id(actor, region_id)
    if year is None:
        raise InvalidInput("请填写要导出的年度。")
    if not Campaign.objects.filter(year=year, town__path__startswith=region.path).exists():
        raise InvalidInput(f"{region.name}没有{year}年度的创建活动。")
    name = f"{region.name}{year}年度平安村(社区)考评结果"
    return _request_file(
        actor,
        kind=PreparedFile.Kind.REGION_RESULTS,
        region=region,
        year=year,
        title=name,
        filename=f"{name}.xlsx",
    )


def _move_prepared(prepared_id, target, reason, **fields):
    return move_job(PreparedFile, prepared_id, target, PreparedFileEvent, reason, **fields)


def build_prepared_file(*, prepared_file_id):
    """The background step: build the file, reporting progress, then offer it or say why not.

    Runs outside a request, as the requester: the file holds what they may see now."""
    prepared = _move_prepared(prepared_file_id, PreparedFile.Status.RUNNING, "开始生成")

    def progress(done, total):
        PreparedFile.objects.filter(pk=prepared.pk).update(done=done, total=total)

    try:
        if prepared.kind == PreparedFile.Kind.CAMPAIGN_REPORTS:
            content = prepared_documents.campaign_reports(
                prepared.requested_by, prepared.campaign, progress
            )
        else:
            content = prepared_documents.region_results(
                prepared.requested_by, prepared.region, prepared.year, progress
            )
    except Exception as error:
        _move_prepared(
            prepared.pk,
            PreparedFile.Status.FAILED,
            "生成失败",
            error=f"{type(error).__name__}: {error}",
            finished_at=timezone.now(),
        )
        raise
    extension = prepared.filename.rsplit(".", 1)[-1]
    stored = default_storage.save(f"prepared/{uuid.uuid4().hex}.{extension}", ContentFile(content))
    try:
        return _move_prepared(
            prepared.pk,
            PreparedFile.Status.READY,
            "生成完成",
            file=stored,
            finished_at=timezone.now(),
        )
    except BaseException:
        default_storage.delete(stored)
        raise


@task()
def prepare_file(prepared_file_id):
    """The background job of a requested file, run by `manage.py db_worker`."""
    build_prepared_file(prepared_file_id=prepared_file_id)


DRAFTED_AT = {
    DocumentKind.NAMING_DECISION: Region.Level.PROVINCE,
    DocumentKind.REVIEW_BULLETIN: Region.Level.CITY,
    DocumentKind.ANNUAL_SUMMARY: Region.Level.TOWN,
}


def draft_document(*, actor, kind, region_id=None, year=None, naming_id=None):
    """Draft a document from the year's figures, or open the draft already made: the
    province's 命名决定 of a naming batch, the city's 抽查复核结果通报 and the town's
    年度创建工作总结 of a year."""
    if kind not in DRAFTED_AT:
        raise InvalidInput("没有这种公文。")
    with transaction.atomic():
        naming = None
        if kind == DocumentKind.NAMING_DECISION:
            naming = NamingBatch.objects.select_related("province").filter(pk=naming_id).first()
            if naming is None:
                raise InvalidInput("请选择审定命名批次。")
            region, year = naming.province, naming.first_year
        else:
            region = Region.objects.filter(pk=region_id, level=DRAFTED_AT[kind]).first()
            if region is None or year is None:
                raise InvalidInput("请选择区划和年度。")
        probe = OfficialDocument(kind=kind, region=region, year=year)
        require_object(actor, "assessments.issue_document", probe, "您不能拟制该公文。")
        existing = OfficialDocument.objects.filter(kind=kind, region=region, year=year)
        existing = existing.filter(naming=naming) if naming else existing.filter(naming=None)
        if existing.exists():
            return existing.get()
        if (
            kind == DocumentKind.ANNUAL_SUMMARY
            and not Campaign.objects.filter(town=region, year=year).exists()
        ):
            raise InvalidInput(f"{region.name}没有{year}年度的创建活动。")
        parts = document_parts(kind, region, year, naming)
        setting = document_setting(region, kind)
        document = OfficialDocument.objects.create(
            kind=kind,
            region=region,
            year=year,
            naming=naming,
            title=parts["title"],
            body=parts["body"],
            issuer=setting.issuing_body.full_name,
            created_by=actor,
        )
        record_event(OfficialDocumentEvent, document, actor, "", "拟稿")
        return document


def _lock_draft(actor, document_id):
    document = access_document_by_id(actor, document_id)
    document = OfficialDocument.objects.select_for_update().get(pk=document.pk)
    require_object(actor, "assessments.issue_document", document, "您不能修改该公文。")
    if document.status != OfficialDocument.Status.DRAFT:
        raise InvalidTransition("公文已印发，不能再修改。")
    return document


@transaction.atomic
def save_document(*, actor, document_id, title, body, issuer, document_number="", issued_on=None):
    """Edit a draft before it is issued."""
    document = _lock_draft(actor, document_id)
    before = document_fields(document) | {"body": document.body}
    document.title = title.strip()
    document.body = body.strip()
    document.issuer = issuer.strip()
    document.document_number = document_number.strip()
    document.issued_on = issued_on
    if not (document.title and document.body and document.issuer):
        raise InvalidInput("标题、正文和署名都不能为空。")
    document.save()
    audit(actor, "officialdocument.saved", document, before, document_fields(document))
    return document


def issue_document(*, actor, document_id):
    """Number, print and freeze a draft: its PDF is kept and reprinted as it is."""
    with files_removed_on_failure() as written, transaction.atomic():
        document = _lock_draft(actor, document_id)
        if not document.document_number or document.issued_on is None:
            raise InvalidInput("印发前请填写发文字号和成文日期。")
        full_clean(document, exclude=["pdf", "naming"])
        setting = document_setting(document.region, document.kind)
        if setting.is_upward and not setting.issuing_body.signer:
            raise InvalidInput(
                f"{document.get_kind_display()}是上行文，须标注签发人：请系统管理员在"
                f"“发文机关”中为{setting.issuing_body.full_name}填写签发人。"
            )
        require_unused_document_number(document, document.region)
        move_state(
            document,
            OfficialDocument.Status.ISSUED,
            OfficialDocumentEvent,
            actor=actor,
            refusal="公文已印发。",
            reason=f"印发 {document.document_number}",
        )
        document.checkpoint = make_checkpoint(f"印发 {document.document_number}")
        pdf = render_pdf(DOCUMENT_TEMPLATES[document.kind], drafted_document(document, False))
        document.pdf.save(f"{document.kind}-{uuid.uuid4().hex}.pdf", ContentFile(pdf), save=False)
        written.append(document.pdf.name)
        document.save()
        return document
