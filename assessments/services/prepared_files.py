"""Documents and exports built in the background: the request, the queued job, the build."""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from assessments import prepared as prepared_documents
from assessments.models import (
    Campaign,
    PreparedFile,
    PreparedFileEvent,
)
from assessments.selectors import (
    access_campaign_by_id,
    access_region_by_id,
)
from assessments.services.common import move_job, record_event
from pingan.errors import InvalidInput


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
