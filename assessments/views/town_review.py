"""Pages of the town's assessment (the review page serves the city's re-review too):
findings, conclusion, approval, the pass list and its filing."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments import services
from assessments.documents import pass_list_document
from assessments.errors import UnassessedCriteria
from assessments.forms import (
    ApprovalForm,
    FindingForm,
    PassListForm,
    ReasonForm,
)
from assessments.models import Assessment, Campaign, Finding, PassList
from assessments.selectors import (
    access_assessment_by_id,
    access_campaign_by_id,
    campaign_board,
    issued_recommendation_list,
    pass_list_entries,
    pass_list_of,
    require_draft_reader,
    workspace_parts,
)
from assessments.spreadsheets import pass_list_workbook
from pingan.confirmation import Confirmation, ask, is_confirmed
from pingan.errors import InvalidInput
from pingan.pdf import render_pdf
from pingan.responses import pdf_download, xlsx_download
from villages.rules import require_permission


def _finding_initial(finding):
    if finding is None:
        return {}
    return {
        "agrees": "true" if finding.agrees else "false",
        "veto_occurred": {True: "true", False: "false"}.get(finding.veto_occurred),
        "met": {True: "true", False: "false"}.get(finding.met),
        "value": finding.value,
        "score": finding.score,
        "comment": finding.comment,
    }


@dataclass(frozen=True)
class ReviewStage:
    stage: str
    permission: str
    url_name: str
    conclude_url_name: str
    title: str


TOWN_REVIEW = ReviewStage(
    Finding.Stage.TOWN,
    "assessments.assess_assessment",
    "assessments:town_assessment",
    "assessments:town_assessment_conclude",
    "镇级考核",
)


CITY_REVIEW = ReviewStage(
    Finding.Stage.CITY,
    "assessments.re_review_assessment",
    "assessments:city_review",
    "assessments:city_review_conclude",
    "市级复核",
)


def _review_open(assessment, stage):
    if stage is TOWN_REVIEW:
        return (
            assessment.status == Assessment.Status.SUBMITTED
            and assessment.campaign.status in Campaign.OPEN_FOR_WORK
        )
    if assessment.city_passed is not None:
        return False
    if assessment.kind == Assessment.Kind.DEMONSTRATION:
        return (
            assessment.campaign.status in Campaign.CANDIDACY_STAGES
            and assessment.status == Assessment.Status.SUBMITTED
            and issued_recommendation_list(assessment.campaign) is None
        )
    return assessment.campaign.status == Campaign.Status.CITY_REVIEW and services.is_sampled(
        assessment
    )


def review_page(request, assessment_id, stage, unassessed=None):
    """A reviewer scores an assessment criterion by criterion beside what came before; a
    refused conclusion comes back here with the criteria still `unassessed` marked."""
    assessment = access_assessment_by_id(request.user, assessment_id)
    posted = request.method == "POST" and unassessed is None
    unassessed_ids = {c.pk for c in unassessed or ()}
    require_permission(request.user, stage.permission, assessment)
    criteria, answers, evidence_by_criterion = workspace_parts(assessment)
    all_findings = list(assessment.findings.all())
    findings = {f.criterion_id: f for f in all_findings if f.stage == stage.stage}
    town_findings = {f.criterion_id: f for f in all_findings if f.stage == Finding.Stage.TOWN}
    shows_town = stage is CITY_REVIEW and assessment.kind == Assessment.Kind.YEARLY
    agree_label = "同意镇级考核" if shows_town else "同意自评"
    editable = _review_open(assessment, stage)
    rows = []
    for criterion in criteria:
        form = None
        if criterion.is_judged:
            form = FindingForm(
                request.POST if posted else None,
                criterion=criterion,
                agree_label=agree_label,
                prefix=f"c{criterion.pk}",
                initial=_finding_initial(findings.get(criterion.pk)),
            )
        rows.append(
            {
                "criterion": criterion,
                "answer": answers.get(criterion.pk),
                "evidence": evidence_by_criterion.get(criterion.pk, []),
                "town_finding": town_findings.get(criterion.pk),
                "finding": findings.get(criterion.pk),
                "form": form,
                "unassessed": criterion.pk in unassessed_ids,
            }
        )
    errors = []
    if unassessed:
        errors.append(
            f"尚有 {len(unassessed)} 条未{stage.title}，已在下方标出；"
            f"请逐条填写，或点“其余条目均{agree_label}”，再完成{stage.title}。"
        )
    if posted and request.POST.get("agree_remaining"):
        remaining = [
            {"criterion_id": c.pk, "agrees": True}
            for c in criteria
            if c.is_judged and c.pk not in findings
        ]
        try:
            services.save_findings(
                actor=request.user,
                assessment_id=assessment.pk,
                findings=remaining,
                stage=stage.stage,
            )
        except InvalidInput as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"已对其余 {len(remaining)} 条{agree_label}。")
        return redirect(stage.url_name, assessment.pk)
    if posted:
        forms_ = [row["form"] for row in rows if row["form"] is not None]
        if all(form.is_valid() for form in forms_):
            submitted = [form.finding() for form in forms_ if form.finding() is not None]
            try:
                services.save_findings(
                    actor=request.user,
                    assessment_id=assessment.pk,
                    findings=submitted,
                    stage=stage.stage,
                )
            except InvalidInput as error:
                errors.append(error.message)
            else:
                messages.success(request, f"已保存 {len(submitted)} 条{stage.title}意见。")
                return redirect(stage.url_name, assessment.pk)
        else:
            errors.append("部分条目填写有误，请检查标红的内容。")
    verdict = services.verdict_of(assessment, stage.stage, criteria, findings)
    assessed_keys = {c.key for c in criteria if c.pk in findings}
    return render(
        request,
        "assessments/review.html",
        {
            "assessment": assessment,
            "stage": stage,
            "rows": rows,
            "errors": errors,
            "editable": editable,
            "shows_town": shows_town,
            "agree_label": agree_label,
            "verdict": verdict,
            "assessed_reasons": [r for r in verdict.reasons if r.key in assessed_keys],
            "assessed_count": len(findings),
            "pending_count": sum(1 for c in criteria if c.is_judged and c.pk not in findings),
            "judged_count": sum(1 for c in criteria if c.is_judged),
            "reason_form": ReasonForm(),
            "not_submitted": assessment.submitted_at is None
            and Assessment.NOT_SUBMITTED_REASON in assessment.town_reasons,
            "can_reopen": stage is TOWN_REVIEW
            and assessment.status == Assessment.Status.TOWN_ASSESSED
            and assessment.campaign.status in Campaign.OPEN_FOR_WORK,
        },
        status=400 if errors else 200,
    )


@login_required
def town_assessment(request, assessment_id):
    return review_page(request, assessment_id, TOWN_REVIEW)


@login_required
@require_POST
def town_assessment_conclude(request, assessment_id):
    assessment = access_assessment_by_id(request.user, assessment_id)
    try:
        assessment = services.conclude_town_assessment(
            actor=request.user, assessment_id=assessment.pk
        )
    except UnassessedCriteria as error:
        return review_page(request, assessment.pk, TOWN_REVIEW, unassessed=error.criteria)
    messages.success(
        request, f"{assessment.village.name}镇级考核结果：{assessment.town_verdict_label}。"
    )
    return redirect("assessments:town_assessment", assessment.pk)


@login_required
@require_POST
def town_assessment_reopen(request, assessment_id):
    assessment = access_assessment_by_id(request.user, assessment_id)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.reopen_town_assessment(actor=request.user, assessment_id=assessment.pk, reason=reason)
    messages.success(request, f"已重新打开{assessment.village.name}的镇级考核。")
    return redirect("assessments:town_assessment", assessment.pk)


@login_required
@require_POST
def town_assessment_not_submitted(request, assessment_id):
    """The town concludes a village that let its deadline pass without submitting."""
    assessment = access_assessment_by_id(request.user, assessment_id)
    require_permission(request.user, "assessments.assess_assessment", assessment)
    board = reverse("assessments:campaign_detail", args=[assessment.campaign_id])
    question = Confirmation(
        title=f"认定{assessment.village.name}未按期提交自评",
        action="认定",
        cancel_url=board,
        effects=[
            f"{assessment.village.name}{assessment.campaign.year}年度镇级考核结果记为“不达标”，"
            f"原因“{Assessment.NOT_SUBMITTED_REASON}”(自评期限{assessment.effective_due:%Y年%m月%d日})。",
            "该村(社区)不能再提交本年度自评。",
        ],
        undo="领导小组审定前，可在该村(社区)的镇级考核页“重新考核”并写明原因，"
        "该村(社区)即可继续填报。",
    )
    if not is_confirmed(request):
        return ask(request, question)
    services.conclude_without_submission(actor=request.user, assessment_id=assessment.pk)
    messages.success(
        request, f"已认定{assessment.village.name}未按期提交自评，镇级考核结果：不达标。"
    )
    return redirect(board)


@login_required
def campaign_approve(request, campaign_id):
    """The leading group sees every village's result with reasons, then approves in one step."""
    campaign = access_campaign_by_id(request.user, campaign_id)
    require_permission(request.user, "assessments.approve_campaign", campaign)
    assessments = campaign_board(campaign)
    passed = [a for a in assessments if a.town_passed]
    failed = [a for a in assessments if a.town_passed is False]
    unfinished = [a for a in assessments if a.status != Assessment.Status.TOWN_ASSESSED]
    if request.method == "POST":
        # A refusal (villages unfinished, already approved) is shown before any question.
        if not is_confirmed(request) and not unfinished and campaign.approved_at is None:
            return ask(
                request,
                Confirmation(
                    title=f"审定{campaign.town.name}{campaign.year}年度考评结果",
                    action="审定",
                    cancel_url=reverse("assessments:campaign_approve", args=[campaign.pk]),
                    effects=[
                        f"{len(passed)} 个村(社区)年度考评结果确定为“达标”，"
                        f"{len(failed)} 个确定为“不达标”。",
                        "各村(社区)的自评和镇级考核意见从此不能再修改、退回或重新考核。",
                        "镇平安办随后拟制达标名单通报，报市委平安办备案。",
                    ],
                    items_title="不达标的村(社区)：" if failed else "",
                    items=[f"{a.village.name}：{'；'.join(a.town_reasons)}" for a in failed],
                ),
            )
        form = ApprovalForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        services.approve_campaign(actor=request.user, campaign_id=campaign.pk, reason=reason)
        messages.success(request, "考评结果已审定，各村(社区)年度结果已确定。")
        return redirect("assessments:campaign_detail", campaign.pk)
    return render(
        request,
        "assessments/campaign_approve.html",
        {
            "campaign": campaign,
            "passed": passed,
            "failed": failed,
            "unfinished": unfinished,
            "form": ApprovalForm(),
            "today": timezone.localdate(),
        },
    )


@login_required
def pass_list_edit(request, campaign_id):
    campaign = access_campaign_by_id(request.user, campaign_id)
    require_permission(request.user, "assessments.prepare_pass_list", campaign)
    existing = PassList.objects.filter(campaign=campaign).first()
    if existing:
        initial = {
            "document_number": existing.document_number,
            "title": existing.title,
            "body": existing.body,
            "issuer": existing.issuer,
            "issued_on": existing.issued_on,
        }
    else:
        passed = sum(1 for a in campaign_board(campaign) if a.result_passed)
        initial = {
            **services.default_pass_list_text(campaign, passed),
            "issued_on": timezone.localdate(),
        }
    form = PassListForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_pass_list(
                actor=request.user, campaign_id=campaign.pk, **form.cleaned_data
            )
        except InvalidInput as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "达标名单通报已保存，可预览 PDF 后报备。")
            return redirect("assessments:campaign_detail", campaign.pk)
    return render(
        request,
        "assessments/pass_list_form.html",
        {"campaign": campaign, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def pass_list_pdf(request, campaign_id):
    """The filed PDF once filed; before that, a preview of what would be filed."""
    campaign = access_campaign_by_id(request.user, campaign_id)
    pass_list = pass_list_of(campaign)
    filename = f"{campaign.town.name}{campaign.year}年度平安村(社区)达标名单通报.pdf"
    if pass_list.pdf:
        return FileResponse(
            pass_list.pdf.open("rb"), filename=filename, content_type="application/pdf"
        )
    require_draft_reader(request.user, campaign)
    pdf = render_pdf(
        "documents/pass_list.html",
        pass_list_document(pass_list, pass_list_entries(campaign), draft=True),
    )
    return pdf_download(pdf, f"(预览){filename}")


@login_required
def pass_list_xlsx(request, campaign_id):
    campaign = access_campaign_by_id(request.user, campaign_id)
    pass_list = pass_list_of(campaign)
    if not pass_list.pdf:
        require_draft_reader(request.user, campaign)
    entries = list(pass_list.entries.all()) or pass_list_entries(campaign)
    workbook = pass_list_workbook(campaign, pass_list, entries)
    return xlsx_download(
        workbook, f"{campaign.town.name}{campaign.year}年度平安村(社区)达标名单.xlsx"
    )


@login_required
@require_POST
def campaign_file(request, campaign_id):
    campaign = access_campaign_by_id(request.user, campaign_id)
    require_permission(request.user, "assessments.file_campaign", campaign)
    pass_list = PassList.objects.filter(campaign=campaign).first()
    if not is_confirmed(request) and pass_list and campaign.status == Campaign.Status.APPROVED:
        entries = pass_list_entries(campaign)
        return ask(
            request,
            Confirmation(
                title=f"报市委平安办备案：{pass_list.document_number}",
                action="报备",
                cancel_url=reverse("assessments:campaign_detail", args=[campaign.pk]),
                effects=[
                    f"《{pass_list.title}》及其所列 {len(entries)} 个达标村(社区)锁定，"
                    "通报 PDF 定稿，不能再修改。",
                    "市委平安办即可据此抽查复核。",
                ],
                items_title="达标名单：",
                items=[entry.village_name for entry in entries],
            ),
        )
    services.file_campaign(actor=request.user, campaign_id=campaign.pk)
    messages.success(request, "达标名单已报市委平安办备案，名单已锁定。")
    return redirect("assessments:campaign_detail", campaign.pk)
