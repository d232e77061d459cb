from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments import services
from assessments.documents import assessment_reports, pass_list_document
from assessments.errors import IncompleteAssessment, StaleAnswer
from assessments.forms import (
    AnswerForm,
    ApprovalForm,
    CampaignForm,
    EvidenceForm,
    ExtendDeadlineForm,
    FindingForm,
    PassListForm,
    PlanForm,
    ReasonForm,
    ReturnForm,
)
from assessments.models import Assessment, Campaign, Criterion, Finding, PassList
from assessments.selectors import (
    access_assessment_by_id,
    access_campaign_by_id,
    access_evidence_by_id,
    access_standard_by_id,
    assessment_history,
    campaign_board,
    criteria_tree,
    current_assessment_of_secretary,
    judged_criteria_count,
    latest_return_comments,
    new_or_changed_criteria,
    previous_assessment_of,
    visible_campaigns,
    visible_standards,
    workspace_parts,
)
from assessments.spreadsheets import pass_list_workbook
from pingan.pagination import page_of
from pingan.pdf import render_pdf
from pingan.responses import pdf_download, xlsx_download
from villages.errors import InvalidInput
from villages.rules import require_permission


@login_required
def standard_list(request):
    return render(
        request,
        "assessments/standard_list.html",
        {"standards": visible_standards(request.user)},
    )


@login_required
def standard_detail(request, standard_id):
    standard = access_standard_by_id(request.user, standard_id)
    return render(
        request,
        "assessments/standard_detail.html",
        {"standard": standard, "tree": criteria_tree(standard)},
    )


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
def my_assessment(request):
    assessment = current_assessment_of_secretary(request.user)
    if assessment is None:
        return render(request, "assessments/no_assessment.html")
    return redirect("assessments:assessment_detail", assessment.pk)


def _workspace_context(request, assessment):
    criteria, answers, evidence_by_criterion = workspace_parts(assessment)
    return_event, return_comments = latest_return_comments(assessment)
    judged = [c for c in criteria if c.is_judged]
    answered = sum(1 for c in judged if c.pk in answers and answers[c.pk].is_complete(c.kind))
    previous = previous_assessment_of(assessment)
    changed = new_or_changed_criteria(assessment, previous)
    items = [
        {
            "criterion": criterion,
            "new_or_changed": criterion.pk in changed,
            "answer": answers.get(criterion.pk),
            "complete": criterion.pk in answers
            and answers[criterion.pk].is_complete(criterion.kind),
            "evidence": evidence_by_criterion.get(criterion.pk, []),
            "return_comment": return_comments.get(criterion.pk),
        }
        for criterion in criteria
    ]
    return {
        "assessment": assessment,
        "items": items,
        "answered": answered,
        "judged": len(judged),
        "return_event": return_event if assessment.status == Assessment.Status.RETURNED else None,
        "return_general": return_comments.get(None),
        "history": assessment_history(assessment),
        "can_edit": assessment.is_editable
        and request.user.has_perm("assessments.edit_assessment", assessment),
        "can_return": request.user.has_perm("assessments.return_assessment", assessment)
        and assessment.status == Assessment.Status.SUBMITTED,
        "can_extend": request.user.has_perm("assessments.extend_deadline", assessment)
        and assessment.status != Assessment.Status.SUBMITTED,
        "overdue": assessment.is_overdue(timezone.localdate()),
        "extend_form": ExtendDeadlineForm(),
        "previous": previous,
        "carried_count": sum(1 for answer in answers.values() if answer.carried_over),
    }


@login_required
@require_POST
def assessment_carry_over(request, assessment_id):
    assessment = access_assessment_by_id(request.user, assessment_id)
    carried, fresh = services.start_from_last_year(actor=request.user, assessment_id=assessment.pk)
    note = f"已沿用上年度答案 {len(carried)} 项，请逐项确认或修改。"
    if fresh:
        note += f"新增或修改的 {len(fresh)} 个条目须重新作答。"
    messages.success(request, note)
    return redirect("assessments:assessment_detail", assessment.pk)


@login_required
@require_POST
def answer_confirm(request, assessment_id, criterion_id):
    assessment = access_assessment_by_id(request.user, assessment_id)
    criterion = _criterion_for(assessment, criterion_id)
    services.confirm_carried_answer(
        actor=request.user, assessment_id=assessment.pk, criterion_id=criterion.pk
    )
    messages.success(request, f"{criterion.label} 已确认沿用上年答案。")
    return redirect(_next_criterion_url(assessment, criterion))


@login_required
@require_POST
def evidence_carry(request, assessment_id, evidence_id):
    assessment = access_assessment_by_id(request.user, assessment_id)
    copy = services.carry_evidence(
        actor=request.user, assessment_id=assessment.pk, evidence_id=evidence_id
    )
    messages.success(request, f"已沿用上年材料“{copy.original_name}”。")
    return redirect("assessments:assessment_criterion", assessment.pk, copy.criterion_id)


@login_required
def assessment_detail(request, assessment_id):
    assessment = access_assessment_by_id(request.user, assessment_id)
    return render(
        request, "assessments/assessment_detail.html", _workspace_context(request, assessment)
    )


@login_required
def assessment_plan(request, assessment_id):
    assessment = access_assessment_by_id(request.user, assessment_id)
    require_permission(request.user, "assessments.edit_assessment", assessment)
    initial = {"plan_text": assessment.plan_text, "outreach_text": assessment.outreach_text}
    form = PlanForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_plan(
                actor=request.user,
                assessment_id=assessment.pk,
                plan_text=form.cleaned_data["plan_text"],
                outreach_text=form.cleaned_data["outreach_text"],
                plan_upload=form.cleaned_data["plan_file"],
            )
        except InvalidInput as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "创建方案已保存。")
            return redirect("assessments:assessment_detail", assessment.pk)
    return render(
        request,
        "assessments/assessment_plan.html",
        {"assessment": assessment, "form": form},
        status=400 if form.errors else 200,
    )


def _criterion_for(assessment, criterion_id):
    try:
        return Criterion.objects.select_related("parent").get(
            pk=criterion_id, standard_id=assessment.standard_id
        )
    except Criterion.DoesNotExist:
        raise Http404("该条目不属于本年度创建标准。") from None


def _answer_initial(assessment, criterion, answer):
    if answer is not None:
        return {
            "veto_occurred": {True: "true", False: "false"}.get(answer.veto_occurred),
            "met": {True: "true", False: "false"}.get(answer.met),
            "value": answer.value,
            "score": answer.score,
            "narrative": answer.narrative,
            "base_version": answer.version,
        }
    if criterion.kind == Criterion.Kind.THRESHOLD and criterion.profile_field:
        return {"value": getattr(assessment.village, criterion.profile_field), "base_version": 0}
    return {"base_version": 0}


@login_required
def assessment_criterion(request, assessment_id, criterion_id):
    assessment = access_assessment_by_id(request.user, assessment_id)
    criterion = _criterion_for(assessment, criterion_id)
    if not criterion.is_judged:
        raise Http404("分组标题不单独作答。")
    answer = assessment.answers.filter(criterion=criterion).first()
    can_edit = assessment.is_editable and request.user.has_perm(
        "assessments.edit_assessment", assessment
    )
    previous = previous_assessment_of(assessment)
    is_new_or_changed = criterion.pk in new_or_changed_criteria(assessment, previous)
    last_year_evidence = []
    if can_edit and previous is not None and not is_new_or_changed:
        kept = assessment.evidence.filter(withdrawn_at__isnull=True).values("carried_from")
        last_year_evidence = previous.evidence.filter(
            criterion__key=criterion.key, withdrawn_at__isnull=True
        ).exclude(pk__in=kept)
    form = AnswerForm(
        request.POST or None,
        criterion=criterion,
        initial=_answer_initial(assessment, criterion, answer),
    )
    newer = None
    if request.method == "POST":
        require_permission(request.user, "assessments.edit_assessment", assessment)
        if form.is_valid():
            try:
                services.save_answer(
                    actor=request.user,
                    assessment_id=assessment.pk,
                    criterion_id=criterion.pk,
                    **form.cleaned_data,
                )
            except StaleAnswer as stale:
                # Shown beside what was typed; saving again, knowingly, replaces it.
                newer = stale.current
                form.add_error(None, stale.message)
                form.data = form.data.copy()
                form.data["base_version"] = newer.version
            except InvalidInput as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, f"{criterion.label} 已保存。")
                return redirect(_next_criterion_url(assessment, criterion))
    _, return_comments = latest_return_comments(assessment)
    return render(
        request,
        "assessments/assessment_criterion.html",
        {
            "assessment": assessment,
            "criterion": criterion,
            "answer": answer,
            "form": form,
            "can_edit": can_edit,
            "evidence_form": EvidenceForm(),
            "evidence": assessment.evidence.filter(criterion=criterion, withdrawn_at__isnull=True),
            "return_comment": return_comments.get(criterion.pk)
            if assessment.status == Assessment.Status.RETURNED
            else None,
            "prefilled": answer is None and bool(criterion.profile_field),
            "newer": newer,
            "last_year_evidence": last_year_evidence,
            "carried": answer is not None and answer.carried_over,
            "is_new_or_changed": is_new_or_changed,
        },
        status=409 if newer else 400 if form.errors else 200,
    )


def _next_criterion_url(assessment, criterion):
    following = (
        Criterion.objects.filter(standard_id=criterion.standard_id, order__gt=criterion.order)
        .exclude(kind=Criterion.Kind.GROUP)
        .order_by("order", "id")
        .first()
    )
    if following is None:
        return reverse("assessments:assessment_detail", args=[assessment.pk])
    return reverse("assessments:assessment_criterion", args=[assessment.pk, following.pk])


@login_required
@require_POST
def evidence_upload(request, assessment_id, criterion_id):
    assessment = access_assessment_by_id(request.user, assessment_id)
    criterion = _criterion_for(assessment, criterion_id)
    form = EvidenceForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise InvalidInput("请选择要上传的文件。")
        evidence = services.add_evidence(
            actor=request.user,
            assessment_id=assessment.pk,
            criterion_id=criterion.pk,
            upload=form.cleaned_data["file"],
            covers_from=form.cleaned_data["covers_from"],
            covers_until=form.cleaned_data["covers_until"],
        )
    except InvalidInput as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已上传“{evidence.original_name}”。")
    return redirect("assessments:assessment_criterion", assessment.pk, criterion.pk)


@login_required
def evidence_download(request, evidence_id):
    evidence = access_evidence_by_id(request.user, evidence_id)
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=not evidence.is_image,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )


@login_required
def evidence_thumbnail(request, evidence_id):
    evidence = access_evidence_by_id(request.user, evidence_id)
    if not evidence.thumbnail:
        raise Http404("该文件没有缩略图。")
    return FileResponse(evidence.thumbnail.open("rb"), content_type="image/jpeg")


@login_required
@require_POST
def evidence_withdraw(request, evidence_id):
    evidence = access_evidence_by_id(request.user, evidence_id)
    services.withdraw_evidence(actor=request.user, evidence_id=evidence.pk)
    messages.success(request, f"已撤回“{evidence.original_name}”。")
    if evidence.criterion_id:
        return redirect(
            "assessments:assessment_criterion", evidence.assessment_id, evidence.criterion_id
        )
    return redirect("assessments:assessment_plan", evidence.assessment_id)


@login_required
@require_POST
def assessment_submit(request, assessment_id):
    assessment = access_assessment_by_id(request.user, assessment_id)
    try:
        event = services.submit_assessment(actor=request.user, assessment_id=assessment.pk)
    except IncompleteAssessment as error:
        context = _workspace_context(request, assessment)
        context["missing"] = error.missing
        return render(request, "assessments/assessment_detail.html", context, status=400)
    if event.reason:
        messages.warning(request, "自评已提交(逾期提交，已作记录)。")
    else:
        messages.success(request, "自评已提交，等待镇级考核。")
    return redirect("assessments:assessment_detail", assessment.pk)


@login_required
def assessment_return(request, assessment_id):
    assessment = access_assessment_by_id(request.user, assessment_id)
    require_permission(request.user, "assessments.return_assessment", assessment)
    criteria, answers, _ = workspace_parts(assessment)
    form = ReturnForm(request.POST or None, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        try:
            services.return_assessment(
                actor=request.user,
                assessment_id=assessment.pk,
                comments=form.comments(),
                general_reason=form.cleaned_data["general_reason"],
            )
        except InvalidInput as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"已将{assessment.village.name}的自评退回修改。")
            return redirect("assessments:assessment_detail", assessment.pk)
    rows = [(form[name], answers.get(pk)) for pk, name in form.criterion_fields]
    return render(
        request,
        "assessments/assessment_return.html",
        {"assessment": assessment, "form": form, "rows": rows},
        status=400 if form.errors else 200,
    )


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
    if (
        assessment.campaign.status != Campaign.Status.CITY_REVIEW
        or assessment.city_passed is not None
    ):
        return False
    if assessment.kind == Assessment.Kind.DEMONSTRATION:
        return assessment.status == Assessment.Status.SUBMITTED
    return services.is_sampled(assessment)


def _review_page(request, assessment_id, stage):
    """A reviewer scores an assessment criterion by criterion beside what came before."""
    assessment = access_assessment_by_id(request.user, assessment_id)
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
                request.POST if request.method == "POST" else None,
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
            }
        )
    errors = []
    if request.method == "POST" and request.POST.get("agree_remaining"):
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
    if request.method == "POST":
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
            "can_reopen": stage is TOWN_REVIEW
            and assessment.status == Assessment.Status.TOWN_ASSESSED
            and assessment.campaign.status in Campaign.OPEN_FOR_WORK,
        },
        status=400 if errors else 200,
    )


@login_required
def town_assessment(request, assessment_id):
    return _review_page(request, assessment_id, TOWN_REVIEW)


@login_required
def city_review(request, assessment_id):
    return _review_page(request, assessment_id, CITY_REVIEW)


@login_required
@require_POST
def city_review_conclude(request, assessment_id):
    assessment = access_assessment_by_id(request.user, assessment_id)
    assessment = services.conclude_city_review(actor=request.user, assessment_id=assessment.pk)
    messages.success(request, f"{assessment.village.name}{assessment.city_verdict_label}。")
    return redirect("assessments:city_review", assessment.pk)


@login_required
@require_POST
def town_assessment_conclude(request, assessment_id):
    assessment = access_assessment_by_id(request.user, assessment_id)
    assessment = services.conclude_town_assessment(actor=request.user, assessment_id=assessment.pk)
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
def campaign_close_self_assessment(request, campaign_id):
    campaign = access_campaign_by_id(request.user, campaign_id)
    services.close_self_assessment(actor=request.user, campaign_id=campaign.pk)
    messages.success(request, "已结束自评阶段，进入镇级考核。")
    return redirect("assessments:campaign_detail", campaign.pk)


@login_required
def campaign_approve(request, campaign_id):
    """The leading group sees every village's result with reasons, then approves in one step."""
    campaign = access_campaign_by_id(request.user, campaign_id)
    require_permission(request.user, "assessments.approve_campaign", campaign)
    if request.method == "POST":
        form = ApprovalForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        services.approve_campaign(actor=request.user, campaign_id=campaign.pk, reason=reason)
        messages.success(request, "考评结果已审定，各村(社区)年度结果已确定。")
        return redirect("assessments:campaign_detail", campaign.pk)
    assessments = campaign_board(campaign)
    return render(
        request,
        "assessments/campaign_approve.html",
        {
            "campaign": campaign,
            "passed": [a for a in assessments if a.town_passed],
            "failed": [a for a in assessments if a.town_passed is False],
            "unfinished": [a for a in assessments if a.status != Assessment.Status.TOWN_ASSESSED],
            "form": ApprovalForm(),
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


def _pass_list_of(campaign):
    pass_list = PassList.objects.filter(campaign=campaign).select_related("campaign__town")
    pass_list = pass_list.first()
    if pass_list is None:
        raise Http404("尚未拟制达标名单通报。")
    return pass_list


@login_required
def pass_list_pdf(request, campaign_id):
    """The filed PDF once filed; before that, a preview of what would be filed."""
    campaign = access_campaign_by_id(request.user, campaign_id)
    pass_list = _pass_list_of(campaign)
    filename = f"{campaign.town.name}{campaign.year}年度平安村(社区)达标名单通报.pdf"
    if pass_list.pdf:
        return FileResponse(
            pass_list.pdf.open("rb"), filename=filename, content_type="application/pdf"
        )
    require_permission(request.user, "assessments.prepare_pass_list", campaign)
    pdf = render_pdf(
        "documents/pass_list.html",
        pass_list_document(pass_list, services.pass_list_entries(campaign)),
    )
    return pdf_download(pdf, f"(预览){filename}")


@login_required
def pass_list_xlsx(request, campaign_id):
    campaign = access_campaign_by_id(request.user, campaign_id)
    pass_list = _pass_list_of(campaign)
    entries = list(pass_list.entries.all()) or services.pass_list_entries(campaign)
    workbook = pass_list_workbook(campaign, pass_list, entries)
    return xlsx_download(
        workbook, f"{campaign.town.name}{campaign.year}年度平安村(社区)达标名单.xlsx"
    )


@login_required
@require_POST
def campaign_file(request, campaign_id):
    campaign = access_campaign_by_id(request.user, campaign_id)
    services.file_campaign(actor=request.user, campaign_id=campaign.pk)
    messages.success(request, "达标名单已报市委平安办备案，名单已锁定。")
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
