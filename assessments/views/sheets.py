"""Excel in and out for the campaign's lists."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assessments import exports
from assessments.imports import (
    CRITERION_HEADERS,
    FINDING_HEADERS,
    INCIDENT_EXAMPLE,
    INCIDENT_HEADERS,
    access_sheet_import_by_id,
    confirm_sheet_import,
    criterion_rows,
    import_criteria,
    import_findings,
    import_incidents,
    request_sheet_import,
    runs_in_background,
)
from assessments.models import Campaign, SheetImport
from assessments.selectors import access_campaign_by_id, access_standard_by_id
from audit.trail import record
from pingan.errors import ApplicationError
from pingan.responses import xlsx_download
from pingan.sheets import SheetRefused, StagedUploads, write_table
from villages.rules import require_permission


@login_required
def export_list(request, name):
    if name not in exports.LIST_EXPORTS:
        raise Http404("没有这种导出。")
    title, headers, rows = exports.LIST_EXPORTS[name](request.user)
    record(action=f"export.{name}", actor=request.user)
    return xlsx_download(write_table(title, headers, rows), f"{title}.xlsx")


@login_required
def export_campaign(request, campaign_id, name):
    campaign = access_campaign_by_id(request.user, campaign_id)
    if name not in exports.CAMPAIGN_EXPORTS:
        raise Http404("没有这种导出。")
    title, headers, rows = exports.CAMPAIGN_EXPORTS[name](request.user, campaign)
    record(action=f"export.{name}", actor=request.user, target=campaign)
    return xlsx_download(
        write_table(title, headers, rows),
        f"{campaign.town.name}{campaign.year}年度{title}.xlsx",
    )


def _sheet_import(request, *, key, run, template, title, back_url, background=None):
    """Upload → preview → confirm, for any sheet whose `run(upload, dry_run)` applies it; a
    long sheet goes to the worker through `background(upload)`, which answers its job."""
    staged = StagedUploads(request, key)
    context = {"title": title, "template_url": template, "back_url": back_url}
    if request.method == "POST" and "confirm" in request.POST:
        token = request.POST.get("token")
        upload = staged.take(token)
        if upload is None:
            messages.error(request, "预览已失效，请重新上传。")
            return redirect(request.path)
        try:
            outcome = run(upload, False)
        except SheetRefused as error:
            context["problems"] = error.problems
        else:
            staged.discard(token)
            record(
                action=f"import.{key.split('-')[0]}",
                actor=request.user,
                after={"file": upload.name, "rows": outcome.applied},
            )
            messages.success(request, f"已导入 {outcome.applied} 行。" + "；".join(outcome.notes))
            return redirect(back_url)
    elif request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if background is not None and upload is not None and runs_in_background(upload):
                job = background(upload)
                return redirect("assessments:sheet_import_detail", job.pk)
            outcome = run(upload, True)
        except SheetRefused as error:
            context["problems"] = error.problems
        else:
            context.update(outcome=outcome, token=staged.keep(upload))
    return render(
        request,
        "assessments/sheet_import.html",
        context,
        status=400 if context.get("problems") else 200,
    )


@login_required
def incident_import(request):
    require_permission(request.user, "assessments.enter_incidents")
    if "template" in request.GET:
        return xlsx_download(
            write_table("案事件", INCIDENT_HEADERS, [INCIDENT_EXAMPLE]), "案事件导入模板.xlsx"
        )
    return _sheet_import(
        request,
        key="incidents",
        run=lambda upload, dry_run: import_incidents(
            actor=request.user, upload=upload, dry_run=dry_run
        ),
        template=request.path + "?template=1",
        title="批量导入案事件",
        back_url=reverse("assessments:incident_list"),
        background=lambda upload: request_sheet_import(
            actor=request.user, kind=SheetImport.Kind.INCIDENTS, upload=upload
        ),
    )


@login_required
def finding_import(request, campaign_id):
    campaign = access_campaign_by_id(request.user, campaign_id)
    require_permission(request.user, "assessments.close_self_assessment", campaign)
    if "template" in request.GET:
        example = [
            "429006104203",
            "新沟村",
            "technical-prevention.cameras",
            "五(2) 公共区域高清探头接入乡镇(街道)综治中心",
            "不同意",
            "3",
            "实地核查仅3个",
        ]
        return xlsx_download(
            write_table("镇级考核意见", FINDING_HEADERS, [example]), "镇级考核意见导入模板.xlsx"
        )
    if campaign.status not in Campaign.OPEN_FOR_WORK:
        messages.error(request, "创建活动已审定，不能再导入镇级考核意见。")
        return redirect("assessments:campaign_detail", campaign.pk)
    return _sheet_import(
        request,
        key=f"findings-{campaign.pk}",
        run=lambda upload, dry_run: import_findings(
            actor=request.user, campaign=campaign, upload=upload, dry_run=dry_run
        ),
        template=request.path + "?template=1",
        title=f"导入{campaign}镇级考核意见",
        back_url=reverse("assessments:campaign_detail", args=[campaign.pk]),
        background=lambda upload: request_sheet_import(
            actor=request.user,
            kind=SheetImport.Kind.FINDINGS,
            upload=upload,
            campaign_id=campaign.pk,
        ),
    )


@login_required
def criteria_import(request, standard_id):
    standard = access_standard_by_id(request.user, standard_id)
    require_permission(request.user, "assessments.manage_standards")
    if "template" in request.GET:
        return xlsx_download(
            write_table("标准条目", CRITERION_HEADERS, criterion_rows(standard)),
            f"{standard.name}第{standard.version}版条目.xlsx",
        )
    return _sheet_import(
        request,
        key=f"criteria-{standard.pk}",
        run=lambda upload, dry_run: import_criteria(
            actor=request.user, standard=standard, upload=upload, dry_run=dry_run
        ),
        template=request.path + "?template=1",
        title=f"导入“{standard}”的条目",
        back_url=reverse("assessments:standard_detail", args=[standard.pk]),
    )


def _back_url(job):
    if job.kind == SheetImport.Kind.INCIDENTS:
        return reverse("assessments:incident_list")
    return reverse("assessments:campaign_detail", args=[job.campaign_id])


@login_required
def sheet_import_detail(request, job_id):
    """A background import as it goes: checked rows, then the preview to confirm, then the
    result; the page reloads itself while the worker is at it."""
    job = access_sheet_import_by_id(request.user, job_id)
    return render(
        request,
        "assessments/sheet_import_job.html",
        {"job": job, "back_url": _back_url(job)},
    )


@login_required
@require_POST
def sheet_import_confirm(request, job_id):
    try:
        confirm_sheet_import(actor=request.user, job_id=job_id)
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("assessments:sheet_import_detail", job_id)
