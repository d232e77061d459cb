"""Pages of the village's self-assessment: the workspace, each criterion, the plan,
evidence, carry-over from last year, submission and return."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from assessments import services
from assessments.errors import IncompleteAssessment, StaleAnswer
from assessments.forms import (
    AnswerForm,
    EvidenceForm,
    ExtendDeadlineForm,
    PlanForm,
    ReturnForm,
    plain_number,
)
from assessments.models import Assessment, Criterion, Evidence
from assessments.selectors import (
    access_assessment_by_id,
    access_criterion_by_id,
    access_evidence_by_id,
    active_grids,
    assessment_history,
    assignment_of,
    assignments_of,
    criteria_by_id,
    current_assessment_of_secretary,
    grid_coverage,
    handed_in_waiting,
    latest_return_comments,
    may_write,
    new_or_changed_criteria,
    open_returned_criteria,
    previous_assessment_of,
    publicity_for_candidacy,
    stage_note,
    workspace_parts,
)
from assessments.verdict import threshold_shortfall
from pingan.confirmation import Confirmation, ask, is_confirmed
from pingan.errors import InvalidInput, InvalidTransition
from villages.rules import require_permission


@login_required
def my_assessment(request):
    assessment = current_assessment_of_secretary(request.user)
    if assessment is None:
        return render(request, "assessments/no_assessment.html")
    return redirect("assessments:assessment_detail", assessment.pk)


def _workspace_context(request, assessment):
    criteria, answers, evidence_by_criterion = workspace_parts(assessment)
    return_event, return_comments = latest_return_comments(assessment)
    open_returns = open_returned_criteria(assessment, return_comments)
    judged = [c for c in criteria if c.is_judged]
    answered = sum(1 for c in judged if c.pk in answers and answers[c.pk].is_complete(c.kind))
    previous = previous_assessment_of(assessment)
    changed = new_or_changed_criteria(assessment, previous)
    assignments = assignments_of(assessment)
    grids, grids_reached = grid_coverage(assessment)
    items = [
        {
            "criterion": criterion,
            "new_or_changed": criterion.pk in changed,
            "answer": answers.get(criterion.pk),
            "complete": criterion.pk in answers
            and answers[criterion.pk].is_complete(criterion.kind),
            "evidence": evidence_by_criterion.get(criterion.pk, []),
            "return_comment": return_comments.get(criterion.pk),
            "return_open": criterion.pk in open_returns,
            "assignment": assignments.get(criterion.pk),
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
        "returned_count": sum(1 for key in return_comments if key is not None),
        "open_veto_count": sum(
            1
            for item in items
            if item["criterion"].kind == Criterion.Kind.VETO
            and (not item["complete"] or item["answer"].carried_over)
        ),
        "open_return_count": len(open_returns),
        "history": assessment_history(assessment),
        "grids": grids,
        "grids_reached": grids_reached,
        "can_assign": assessment.is_editable
        and request.user.has_perm("assessments.assign_items", assessment),
        "can_edit": assessment.is_editable
        and request.user.has_perm("assessments.edit_assessment", assessment),
        "can_return": request.user.has_perm("assessments.return_assessment", assessment)
        and assessment.status == Assessment.Status.SUBMITTED,
        "can_extend": request.user.has_perm("assessments.extend_deadline", assessment)
        and assessment.status != Assessment.Status.SUBMITTED,
        "overdue": assessment.is_overdue(timezone.localdate()),
        "stage_note": stage_note(assessment, timezone.localdate()),
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


@login_required
def assessment_vetoes(request, assessment_id):
    """The 一票否决 items on one page: those not yet answered may be confirmed 未发生 at once."""
    assessment = access_assessment_by_id(request.user, assessment_id)
    require_permission(request.user, "assessments.edit_assessment", assessment)
    criteria, answers, _ = workspace_parts(assessment)
    vetoes = [c for c in criteria if c.kind == Criterion.Kind.VETO]
    error = ""
    if request.method == "POST":
        chosen = [c.pk for c in vetoes if request.POST.get(f"veto_{c.pk}") == "not_occurred"]
        try:
            saved = services.confirm_vetoes_not_occurred(
                actor=request.user, assessment_id=assessment.pk, criterion_ids=chosen
            )
        except InvalidInput as error_:
            error = error_.message
        else:
            messages.success(request, f"已确认 {len(saved)} 项未发生，每项单独记录。")
            return redirect("assessments:assessment_detail", assessment.pk)
    rows = [
        {
            "criterion": c,
            "answer": answers.get(c.pk),
            "open": c.pk not in answers
            or answers[c.pk].carried_over
            or not answers[c.pk].is_complete(c.kind),
        }
        for c in vetoes
    ]
    return render(
        request,
        "assessments/assessment_vetoes.html",
        {"assessment": assessment, "rows": rows, "error": error},
        status=400 if error else 200,
    )


def _criterion_for(assessment, criterion_id):
    try:
        return criteria_by_id(assessment.standard_id)[criterion_id]
    except KeyError:
        raise Http404("该条目不属于本年度创建标准。") from None


def _judged(criterion):
    if not criterion.is_judged:
        raise Http404("分组标题不单独作答。")
    return criterion


def _judged_criterion(assessment, criterion_id):
    return _judged(_criterion_for(assessment, criterion_id))


def _saved(request, answer, cleaned):
    """Where a saved answer goes: a member stays on their item (its evidence and hand-in are
    there), the secretary moves on to the next item."""
    assessment, criterion = answer.assessment, answer.criterion
    messages.success(request, f"{criterion.label} 已保存。")
    if criterion.kind == Criterion.Kind.THRESHOLD:
        short = threshold_shortfall(criterion.to_rule(), cleaned["value"])
        if short:
            messages.warning(request, f"{criterion.label}：{short}，本条目不达标。")
    if not request.user.has_perm("assessments.edit_assessment", assessment):
        return redirect("assessments:assessment_criterion", assessment.pk, criterion.pk)
    return redirect(_next_criterion_url(assessment, criterion))


def _judged_ids(assessment):
    """The ids of the standard's items that are answered, in print order."""
    return [c.pk for c in criteria_by_id(assessment.standard_id).values() if c.is_judged]


def _answer_initial(assessment, criterion, answer):
    if answer is not None:
        return {
            "veto_occurred": {True: "true", False: "false"}.get(answer.veto_occurred),
            "met": {True: "true", False: "false"}.get(answer.met),
            "value": plain_number(answer.value),
            "score": plain_number(answer.score),
            "narrative": answer.narrative,
            "base_version": answer.version,
        }
    if criterion.kind == Criterion.Kind.THRESHOLD and criterion.profile_field:
        return {"value": getattr(assessment.village, criterion.profile_field), "base_version": 0}
    return {"base_version": 0}


@login_required
@never_cache
def assessment_criterion(request, assessment_id, criterion_id):
    form = newer = None
    if request.method == "POST":
        # A save reads the assessment once, in the service, locked and scoped (its 404 and
        # 403); the form needs only the item. The whole page is read only when it is shown
        # again.
        criterion = _judged(access_criterion_by_id(criterion_id))
        form = AnswerForm(request.POST, criterion=criterion)
        if form.is_valid():
            try:
                answer = services.save_answer(
                    actor=request.user,
                    assessment_id=assessment_id,
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
                return _saved(request, answer, form.cleaned_data)
    assessment = access_assessment_by_id(request.user, assessment_id)
    criterion = _judged_criterion(assessment, criterion_id)
    assignment = assignment_of(assessment, criterion)
    writes = may_write(request.user, assessment, assignment)
    if form is not None and not writes:
        raise PermissionDenied
    can_edit = assessment.is_editable and writes
    answer = assessment.answers.filter(criterion=criterion).first()
    if form is None:
        form = AnswerForm(
            criterion=criterion, initial=_answer_initial(assessment, criterion, answer)
        )
    previous = previous_assessment_of(assessment)
    is_new_or_changed = criterion.pk in new_or_changed_criteria(assessment, previous)
    last_year_evidence = []
    if can_edit and previous is not None and not is_new_or_changed:
        kept = assessment.evidence.filter(withdrawn_at__isnull=True).values("carried_from")
        last_year_evidence = previous.evidence.filter(
            criterion__key=criterion.key, withdrawn_at__isnull=True
        ).exclude(pk__in=kept)
    _, return_comments = latest_return_comments(assessment)
    judged = _judged_ids(assessment)
    return render(
        request,
        "assessments/assessment_criterion.html",
        {
            "assessment": assessment,
            "criterion": criterion,
            "answer": answer,
            "form": form,
            "can_edit": can_edit,
            "assignment": assignment,
            "can_hand_in": assignment is not None
            and assessment.is_editable
            and request.user.has_perm("assessments.fill_assignment", assignment),
            "can_review": assignment is not None
            and assessment.is_editable
            and request.user.has_perm("assessments.review_assignment", assignment),
            "evidence_form": EvidenceForm(grids=active_grids(assessment.village_id)),
            "photo_long_side": settings.EVIDENCE_PHOTO_LONG_SIDE,
            "evidence": assessment.evidence.filter(
                criterion=criterion, withdrawn_at__isnull=True
            ).select_related("grid"),
            "refused_evidence": assessment.evidence.filter(
                criterion=criterion, status=Evidence.Status.REFUSED
            ),
            "return_comment": return_comments.get(criterion.pk)
            if assessment.status == Assessment.Status.RETURNED
            else None,
            "prefilled": answer is None and bool(criterion.profile_field),
            "newer": newer,
            "last_year_evidence": last_year_evidence,
            "carried": answer is not None and answer.carried_over,
            "is_new_or_changed": is_new_or_changed,
            "publicity": publicity_for_candidacy(assessment.village)
            if criterion.shows_publicity
            else None,
            "position": judged.index(criterion.pk) + 1,
            "judged_count": len(judged),
        },
        status=409 if newer else 400 if form.errors else 200,
    )


def _next_criterion_url(assessment, criterion):
    following = next(
        (
            c
            for c in criteria_by_id(assessment.standard_id).values()
            if c.is_judged and c.order > criterion.order
        ),
        None,
    )
    if following is None:
        return reverse("assessments:assessment_detail", args=[assessment.pk])
    return reverse("assessments:assessment_criterion", args=[assessment.pk, following.pk])


@login_required
@require_POST
def evidence_upload(request, assessment_id, criterion_id):
    # As a save: the service reads the assessment, locked and scoped (its 404 and 403). The
    # view reads it only to offer the village's grids to an upload that names one (the service
    # checks the grid is the village's) and to refuse a form with the service's 404 first.
    criterion = access_criterion_by_id(criterion_id)
    grids = ()
    if request.POST.get("grid"):
        grids = active_grids(
            access_assessment_by_id(request.user, assessment_id, related=()).village_id
        )
    form = EvidenceForm(request.POST, request.FILES, grids=grids)
    try:
        if not form.is_valid():
            access_assessment_by_id(request.user, assessment_id, related=())
            raise InvalidInput("请选择要上传的文件，并核对所涉期间和网格。")
        evidence = services.add_evidence(
            actor=request.user,
            assessment_id=assessment_id,
            criterion_id=criterion.pk,
            upload=form.cleaned_data["file"],
            covers_from=form.cleaned_data["covers_from"],
            covers_until=form.cleaned_data["covers_until"],
            grid_id=form.cleaned_data.get("grid"),
        )
    except InvalidInput as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已上传“{evidence.original_name}”。")
    return redirect("assessments:assessment_criterion", assessment_id, criterion.pk)


@login_required
def evidence_download(request, evidence_id):
    evidence = access_evidence_by_id(request.user, evidence_id)
    _require_ready(evidence)
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=not evidence.is_image,
        filename=download_name(evidence),
        content_type=evidence.content_type,
    )


SAME_EXTENSIONS = {"jpg": {"jpg", "jpeg"}}


def _require_ready(evidence):
    """A photo is served only once the worker has decoded and written it again."""
    if evidence.status == Evidence.Status.PROCESSING:
        raise InvalidTransition(f"照片“{evidence.original_name}”正在处理，请稍候刷新页面。")
    if evidence.status == Evidence.Status.REFUSED:
        raise InvalidTransition(f"“{evidence.original_name}”无法使用：{evidence.refusal}")


def download_name(evidence):
    """The name as uploaded, with the extension of the type the content was checked to be:
    a PDF sent as `report.html` downloads as `report.pdf`."""
    stem, dot, extension = evidence.original_name.rpartition(".")
    if dot and extension.lower() in SAME_EXTENSIONS.get(evidence.extension, {evidence.extension}):
        return evidence.original_name
    return f"{stem if dot else evidence.original_name}.{evidence.extension}"


@login_required
def evidence_thumbnail(request, evidence_id):
    evidence = access_evidence_by_id(request.user, evidence_id)
    if not evidence.thumbnail or evidence.status != Evidence.Status.READY:
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


def _missing(assessment):
    criteria, answers, evidence_by_criterion = workspace_parts(assessment)
    _, returned = latest_return_comments(assessment)
    return services.missing_for_submission(
        assessment,
        criteria,
        answers,
        evidence_by_criterion,
        open_returned_criteria(assessment, returned),
        handed_in_waiting(assessment),
    )


def _refused_submission(request, assessment, missing):
    context = _workspace_context(request, assessment)
    context["missing"] = missing
    return render(request, "assessments/assessment_detail.html", context, status=400)


@login_required
@require_POST
def assessment_submit(request, assessment_id):
    assessment = access_assessment_by_id(request.user, assessment_id)
    require_permission(request.user, "assessments.edit_assessment", assessment)
    if not is_confirmed(request):
        missing = _missing(assessment)
        if missing:
            return _refused_submission(request, assessment, missing)
        demonstration = assessment.kind == Assessment.Kind.DEMONSTRATION
        what = assessment.get_kind_display() if demonstration else "自评"
        late = timezone.localdate() > assessment.effective_due
        effects = [
            f"将{assessment.village.name}{assessment.campaign.year}年度{what}提交"
            + ("市委平安办复核。" if demonstration else "镇平安办进行镇级考核。"),
            "提交后各项答案、创建方案和佐证材料不能再修改。",
        ]
        if late:
            effects.append(
                f"期限为{assessment.effective_due:%Y年%m月%d日}，本次提交将记为逾期提交。"
            )
        return ask(
            request,
            Confirmation(
                title=f"提交{assessment.campaign.year}年度{what}",
                action="提交",
                cancel_url=reverse("assessments:assessment_detail", args=[assessment.pk]),
                effects=effects,
                undo="" if demonstration else "如需修改，请联系镇平安办退回后再改。",
            ),
        )
    try:
        event = services.submit_assessment(actor=request.user, assessment_id=assessment.pk)
    except IncompleteAssessment as error:
        return _refused_submission(request, assessment, error.missing)
    if event.reason:
        messages.warning(request, "自评已提交(逾期提交，已作记录)。")
    elif assessment.kind == Assessment.Kind.DEMONSTRATION:
        messages.success(request, "示范村推荐考评已提交，等待市委平安办复核。")
    else:
        messages.success(request, "自评已提交，等待镇级考核。")
    return redirect("assessments:assessment_detail", assessment.pk)


@login_required
@require_POST
def returned_answer_keep(request, assessment_id, criterion_id):
    """A returned criterion kept as it was, with the secretary's reason."""
    assessment = access_assessment_by_id(request.user, assessment_id)
    criterion = _criterion_for(assessment, criterion_id)
    services.keep_returned_answer(
        actor=request.user,
        assessment_id=assessment.pk,
        criterion_id=criterion.pk,
        note=request.POST.get("note", ""),
    )
    messages.success(request, f"{criterion.label} 已确认无需修改。")
    return redirect(_next_criterion_url(assessment, criterion))


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
