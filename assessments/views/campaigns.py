"""Pages of a campaign: the list, creating and opening the year, the progress board,
closing the self-assessment stage, deadlines, and an assessment's report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments import services
from assessments.documents import assessment_reports
from assessments.forms import (
    CampaignForm,
    ExtendDeadlineForm,
)
from assessments.models import Assessment, Campaign, PassList
from assessments.selectors import (
    access_assessment_by_id,
    access_campaign_by_id,
    campaign_board,
    judged_criteria_count,
    visible_campaigns,
)
from pingan.errors import InvalidInput
from pingan.pagination import page_of
from pingan.pdf import render_pdf
from pingan.responses import pdf_download
from villages.rules import require_permission


@login_required
def campaign_list(request):
    return render(
        request,
        "assessments/campaign_list.html",
        {"campaigns": page_of(request, visible_campaigns(request.user))},
    )


@login_required
def campaign_create(request):
    require_permission(request.user, "assessments.create_campaign")
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.create_campaign(actor=request.user, **form.cleaned_data)
        except InvalidInput as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"已新建{campaign}，确认无误后请启动自评。")
            return redirect("assessments:campaign_detail", campaign.pk)
    return render(request, "assessments/campaign_form.html", {"form": form})


@login_required
def campaign_detail(request, campaign_id):
    campaign = access_campaign_by_id(request.user, campaign_id)
    today = timezone.localdate()
    total = judged_criteria_count(campaign.standard)
    pass_list = PassList.objects.filter(campaign=campaign).first()
    rows = []
    counts = dict.fromkeys([*Assessment.Status.labels, "逾期"], 0)
    for assessment in campaign_board(campaign, request.user):
        overdue = assessment.is_overdue(today)
        counts[assessment.get_status_display()] += 1
        counts["逾期"] += overdue
        rows.append(
            {
                "assessment": assessment,
                "state": assessment.get_status_display(),
                "overdue": overdue,
                "answered": assessment.answered,
                "share": round(100 * assessment.answered / total) if total else 0,
            }
        )
    return render(
        request,
        "assessments/campaign_board.html",
        {
            "campaign": campaign,
            "rows": rows,
            "counts": counts,
            "total": total,
            "can_open": request.user.has_perm("assessments.open_campaign", campaign),
            "can_close": campaign.status == Campaign.Status.SELF_ASSESSMENT
            and request.user.has_perm("assessments.close_self_assessment", campaign),
            "can_assess": campaign.status in Campaign.OPEN_FOR_WORK
            and request.user.has_perm("assessments.close_self_assessment", campaign),
            "can_approve": campaign.status == Campaign.Status.TOWN_ASSESSMENT
            and request.user.has_perm("assessments.approve_campaign", campaign),
            "can_prepare_pass_list": campaign.status == Campaign.Status.APPROVED
            and request.user.has_perm("assessments.prepare_pass_list", campaign),
            "can_file": campaign.status == Campaign.Status.APPROVED
            and pass_list is not None
            and request.user.has_perm("assessments.file_campaign", campaign),
            "pass_list": pass_list,
        },
    )


@login_required
@require_POST
def campaign_open(request, campaign_id):
    campaign = access_campaign_by_id(request.user, campaign_id)
    campaign = services.open_campaign(actor=request.user, campaign_id=campaign.pk)
    messages.success(request, f"{campaign}已启动，各村(社区)可开始自评。")
    return redirect("assessments:campaign_detail", campaign.pk)


@login_required
@require_POST
def assessment_extend(request, assessment_id):
    assessment = access_assessment_by_id(request.user, assessment_id)
    form = ExtendDeadlineForm(request.POST)
    if not form.is_valid():
        raise InvalidInput("请填写新的截止日期和延期原因。")
    services.extend_deadline(actor=request.user, assessment_id=assessment.pk, **form.cleaned_data)
    messages.success(
        request,
        f"已将{assessment.village.name}的自评截止日期延至{form.cleaned_data['due_date']:%Y年%m月%d日}。",
    )
    return redirect("assessments:assessment_detail", assessment.pk)


@login_required
@require_POST
def campaign_close_self_assessment(request, campaign_id):
    campaign = access_campaign_by_id(request.user, campaign_id)
    services.close_self_assessment(actor=request.user, campaign_id=campaign.pk)
    messages.success(request, "已结束自评阶段，进入镇级考核。")
    return redirect("assessments:campaign_detail", campaign.pk)


@login_required
def assessment_report_pdf(request, assessment_id):
    assessment = access_assessment_by_id(request.user, assessment_id)
    return pdf_download(
        render_pdf(
            "documents/assessment_report.html", {"reports": assessment_reports([assessment])}
        ),
        f"{assessment.village.name}{assessment.campaign.year}年度考评报告.pdf",
    )
