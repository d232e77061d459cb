"""Pages of a campaign: the list, creating and opening the year, the progress board,
closing the self-assessment stage, deadlines, and an assessment's report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments import services
from assessments.documents import assessment_reports
from assessments.forms import (
    CampaignForm,
    ExtendDeadlineForm,
)
from assessments.models import Assessment, Campaign, DocumentKind, OfficialDocument, PassList
from assessments.selectors import (
    access_assessment_by_id,
    access_campaign_by_id,
    campaign_board,
    judged_criteria_count,
    visible_campaigns,
)
from pingan.confirmation import Confirmation, ask, is_confirmed
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


BOARD_FILTERS = {
    "unsubmitted": ("未提交", lambda row: row["unsubmitted"]),
    "overdue": ("逾期", lambda row: row["overdue"]),
    **{
        status: (label, lambda row, status=status: row["assessment"].status == status)
        for status, label in Assessment.Status.choices
    },
}


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
        unsubmitted = assessment.status in Assessment.EDITABLE_STATUSES
        counts[assessment.get_status_display()] += 1
        counts["逾期"] += overdue
        rows.append(
            {
                "assessment": assessment,
                "state": assessment.get_status_display(),
                "overdue": overdue,
                "answered": assessment.answered,
                "share": round(100 * assessment.answered / total) if total else 0,
                "unsubmitted": unsubmitted,
                "can_conclude": campaign.status == Campaign.Status.TOWN_ASSESSMENT
                and unsubmitted
                and today > assessment.effective_due,
            }
        )
    laggards = sum(1 for row in rows if row["unsubmitted"])
    shown = request.GET.get("status", "")
    if shown in BOARD_FILTERS:
        rows = [row for row in rows if BOARD_FILTERS[shown][1](row)]
    else:
        shown = ""
    can_assess = campaign.status in Campaign.OPEN_FOR_WORK and request.user.has_perm(
        "assessments.close_self_assessment", campaign
    )
    return render(
        request,
        "assessments/campaign_board.html",
        {
            "campaign": campaign,
            "rows": rows,
            "counts": counts,
            "total": total,
            "filters": [(key, label) for key, (label, _) in BOARD_FILTERS.items()],
            "shown": shown,
            "laggards": laggards,
            "can_open": request.user.has_perm("assessments.open_campaign", campaign),
            "can_close": campaign.status == Campaign.Status.SELF_ASSESSMENT
            and request.user.has_perm("assessments.close_self_assessment", campaign),
            "can_assess": can_assess,
            "can_approve": campaign.status == Campaign.Status.TOWN_ASSESSMENT
            and request.user.has_perm("assessments.approve_campaign", campaign),
            "can_prepare_pass_list": campaign.status == Campaign.Status.APPROVED
            and request.user.has_perm("assessments.prepare_pass_list", campaign),
            "can_file": campaign.status == Campaign.Status.APPROVED
            and pass_list is not None
            and request.user.has_perm("assessments.file_campaign", campaign),
            "pass_list": pass_list,
            "can_draft_summary": campaign.filed_at is not None
            and request.user.has_perm(
                "assessments.issue_document",
                OfficialDocument(
                    kind=DocumentKind.ANNUAL_SUMMARY, region=campaign.town, year=campaign.year
                ),
            ),
        },
    )


@login_required
@require_POST
def campaign_urge(request, campaign_id):
    """催办 from the progress board: one village (`assessment`) or every one not submitted."""
    campaign = access_campaign_by_id(request.user, campaign_id)
    one = request.POST.get("assessment")
    try:
        chosen = [int(one)] if one else None
    except ValueError:
        raise InvalidInput("所选村(社区)不在本次创建活动中。") from None
    urged, skipped = services.urge_villages(
        actor=request.user, campaign_id=campaign.pk, assessment_ids=chosen
    )
    if urged:
        messages.success(
            request,
            f"已催办 {len(urged)} 个村(社区)：" + "、".join(a.village.name for a in urged),
        )
    for assessment, why in skipped:
        messages.warning(request, f"{assessment.village.name}未催办：{why}。")
    board = reverse("assessments:campaign_detail", args=[campaign.pk])
    shown = request.POST.get("status", "")
    return redirect(f"{board}?status={shown}" if shown in BOARD_FILTERS else board)


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
    require_permission(request.user, "assessments.close_self_assessment", campaign)
    unsubmitted = services.unsubmitted_assessments(campaign)
    today = timezone.localdate()
    needs_reason = services.closing_needs_reason(campaign, unsubmitted, today)
    question = Confirmation(
        title=f"结束{campaign.year}年度自评，进入镇级考核",
        action="结束自评",
        cancel_url=reverse("assessments:campaign_detail", args=[campaign.pk]),
        effects=[
            "创建活动进入镇级考核阶段，不能回到自评阶段。",
            "尚未提交的村(社区)仍可提交，记为逾期提交；自评期限届满后，"
            "镇平安办可将其认定为“未按期提交自评”(不达标)。",
        ],
        items_title=f"尚未提交自评的村(社区)({len(unsubmitted)} 个)：" if unsubmitted else "",
        items=[
            f"{a.village.name}（{a.get_status_display()}，期限至{a.effective_due:%Y年%m月%d日}）"
            for a in unsubmitted
        ],
        reason_label="提前结束自评的原因" if needs_reason else "",
        reason_required=needs_reason,
    )
    if today <= campaign.self_assessment_due:
        question.effects.insert(
            0, f"自评截止日期为{campaign.self_assessment_due:%Y年%m月%d日}，现在结束属提前结束。"
        )
    if not is_confirmed(request) and campaign.status == Campaign.Status.SELF_ASSESSMENT:
        return ask(request, question)
    try:
        services.close_self_assessment(
            actor=request.user, campaign_id=campaign.pk, reason=request.POST.get("reason", "")
        )
    except InvalidInput as error:
        return ask(request, question, error=error.message)
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
