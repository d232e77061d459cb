"""Writes of the village's self-assessment: the plan, answers, evidence, carry-over from
last year, submission and return."""

import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from assessments.errors import IncompleteAssessment, StaleAnswer
from assessments.models import (
    Answer,
    Assessment,
    AssessmentEvent,
    Criterion,
    Evidence,
    ReturnComment,
)
from assessments.selectors import (
    assignment_to_fill,
    criteria_of,
    handed_in_waiting,
    latest_return_comments,
    lock_assessment_to_change,
    open_returned_criteria,
    previous_assessment_of,
    status_before_town_conclusion,
    workspace_parts,
)
from assessments.services.common import (
    audit,
    criterion_in_standard,
    decimal_input,
    files_removed_on_failure,
    lock_assessment,
    mark_started,
    move_assessment,
    plain_text,
    record_event,
    require_campaign_open,
    require_candidacies_open,
    store_evidence,
)
from audit.trail import record_many
from pingan.errors import InvalidInput, InvalidTransition, NotPermitted
from villages.models import Grid


def _lock_for_editing(actor, assessment_id, criterion_id=None):
    """The assessment, locked, for its secretary (any part) or, for the item `criterion_id`,
    the member of the team it is assigned to while it is theirs to fill; NotFound for one out
    of the actor's reach."""
    assessment = lock_assessment_to_change(actor, assessment_id)
    if not actor.has_perm("assessments.edit_assessment", assessment) and (
        criterion_id is None or assignment_to_fill(actor, assessment, criterion_id) is None
    ):
        raise NotPermitted(
            "只有本村(社区)党组织书记可以填报自评，工作人员只能填报交办给自己、尚未交回的条目；"
            "示范村推荐考评由镇平安办填报。"
        )
    if not assessment.is_editable:
        if assessment.status in Assessment.EDITABLE_STATUSES:
            raise InvalidTransition(
                f"创建活动当前为“{assessment.campaign.get_status_display()}”，不能修改自评。"
            )
        raise InvalidTransition(
            f"自评已{assessment.get_status_display()}，不能再修改；如需修改请联系镇平安办退回。"
        )
    if assessment.kind == Assessment.Kind.DEMONSTRATION:
        require_candidacies_open(assessment.campaign)
    return assessment


def save_plan(*, actor, assessment_id, plan_text, outreach_text, plan_upload=None):
    """The village's 创建方案 (text and/or a document) and how the work reaches households."""
    with files_removed_on_failure() as written, transaction.atomic():
        assessment = _lock_for_editing(actor, assessment_id)
        before = {"plan_text": assessment.plan_text, "outreach_text": assessment.outreach_text}
        assessment.plan_text = plain_text(plan_text, "创建方案")
        assessment.outreach_text = plain_text(outreach_text, "向小区、湾组、网格、家庭延伸情况")
        if plan_upload is not None:
            replaced = assessment.plan_document_id
            assessment.plan_document = store_evidence(actor, assessment, None, plan_upload, written)
            if replaced:
                Evidence.objects.filter(pk=replaced).update(withdrawn_at=timezone.now())
        after = {
            "plan_text": assessment.plan_text,
            "outreach_text": assessment.outreach_text,
            "plan_document": assessment.plan_document_id,
        }
        audit(actor, "assessment.plan_saved", assessment, before, after)
        mark_started(assessment, actor, changed=["plan_text", "outreach_text", "plan_document"])
        return assessment


@transaction.atomic
def save_answer(
    *,
    actor,
    assessment_id,
    criterion_id,
    veto_occurred=None,
    met=None,
    value=None,
    score=None,
    narrative="",
    base_version=None,
):
    """Save one answer as a draft; only the field of the criterion's kind is kept. A save that
    names the version it was made from (`base_version`) is refused when the server holds a
    newer one, so an older copy never overwrites a newer."""
    assessment = _lock_for_editing(actor, assessment_id, criterion_id)
    criterion = criterion_in_standard(assessment, criterion_id)
    if not criterion.is_judged:
        raise InvalidInput(f"“{criterion.title}”是分组标题，请逐项填写其下各条。")
    answer = Answer.objects.filter(assessment=assessment, criterion=criterion).first() or Answer()
    # The locked rows, so that the audit entry names the answer without fetching them again.
    answer.assessment, answer.criterion = assessment, criterion
    if base_version is not None and answer.pk and answer.version != base_version:
        raise StaleAnswer(answer)
    before = answer_values(answer) if answer.pk else None
    answer.veto_occurred = answer.met = answer.value = answer.score = None
    label = f"{criterion.number} {criterion.title}"
    answer.narrative = plain_text(narrative, f"{label}：说明")
    if criterion.kind == Criterion.Kind.VETO:
        answer.veto_occurred = veto_occurred
        if veto_occurred and not answer.narrative:
            raise InvalidInput(f"{label}：选择“已发生”时须说明发生的案事件情况。")
    elif criterion.kind == Criterion.Kind.REQUIREMENT:
        answer.met = met
    elif criterion.kind == Criterion.Kind.THRESHOLD:
        answer.value = decimal_input(value, label)
    else:
        answer.score = decimal_input(score, label)
        if answer.score is not None and answer.score > criterion.max_score:
            raise InvalidInput(f"{label}：自评得分不能超过满分 {criterion.max_score} 分。")
    answer.updated_by = actor
    answer.carried_over = False
    answer.version += 1
    answer.save()
    _mark_return_answered(assessment, criterion, actor)
    mark_started(assessment, actor)
    # Last, so the audit trail's lock, which every writer waits for, is held the least.
    audit(actor, "answer.saved", answer, before, answer_values(answer))
    return answer


def answer_values(answer):
    return {
        "criterion": answer.criterion.key,
        "veto_occurred": answer.veto_occurred,
        "met": answer.met,
        "value": answer.value,
        "score": answer.score,
        "narrative": answer.narrative,
        "carried_over": answer.carried_over,
        "version": answer.version,
    }


def _mark_return_answered(assessment, criterion, actor, note=""):
    """A returned criterion saved again (or kept, with `note`) no longer holds up resubmission."""
    if assessment.status != Assessment.Status.RETURNED:
        return 0
    _, comments = latest_return_comments(assessment)
    comment = comments.get(criterion.pk)
    if comment is None:
        return 0
    return ReturnComment.objects.filter(pk=comment.pk, answered_at__isnull=True).update(
        answered_at=timezone.now(), answered_by=actor, kept_note=note
    )


@transaction.atomic
def keep_returned_answer(*, actor, assessment_id, criterion_id, note):
    """The secretary answers a returned criterion by keeping the answer as it is, and says why."""
    assessment = _lock_for_editing(actor, assessment_id)
    criterion = criterion_in_standard(assessment, criterion_id)
    note = plain_text(note, "确认无需修改的说明")
    if not note:
        raise InvalidInput(f"{criterion.label} {criterion.title}：确认无需修改时须说明理由。")
    if not _mark_return_answered(assessment, criterion, actor, note):
        raise InvalidTransition(f"{criterion.label} {criterion.title}没有待处理的退回意见。")
    audit(actor, "answer.kept", assessment, None, {"criterion": criterion.key, "note": note})
    return assessment


@transaction.atomic
def confirm_vetoes_not_occurred(*, actor, assessment_id, criterion_ids):
    """The secretary confirms on one page that none of the chosen 一票否决 items occurred; each
    is saved as its own answer, as if answered one by one."""
    if not criterion_ids:
        raise InvalidInput("请勾选确认未发生的事项。")
    vetoes = set(
        Criterion.objects.filter(
            standard__assessments=assessment_id, kind=Criterion.Kind.VETO
        ).values_list("pk", flat=True)
    )
    if not set(criterion_ids) <= vetoes:
        raise InvalidInput("只能一次确认本年度标准中的一票否决事项。")
    return [
        save_answer(actor=actor, assessment_id=assessment_id, criterion_id=pk, veto_occurred=False)
        for pk in criterion_ids
    ]


@transaction.atomic
def start_from_last_year(*, actor, assessment_id):
    """Carry last year's answers into the criteria not yet answered that ask the same question,
    each marked 沿用上年 until the secretary confirms or changes it; returns (carried, fresh):
    the carried answers and the criteria left blank because they are new or changed."""
    assessment = _lock_for_editing(actor, assessment_id)
    previous = previous_assessment_of(assessment)
    if previous is None:
        raise InvalidInput("没有上年度的自评可以沿用。")
    earlier = {a.criterion.key: a for a in previous.answers.select_related("criterion")}
    answered = set(assessment.answers.values_list("criterion_id", flat=True))
    carried, fresh = [], []
    for criterion in criteria_of(assessment.standard):
        if not criterion.is_judged or criterion.pk in answered:
            continue
        answer = earlier.get(criterion.key)
        if answer is None or not criterion.asks_the_same_as(answer.criterion):
            fresh.append(criterion)
            continue
        carried.append(
            Answer(
                assessment=assessment,
                criterion=criterion,
                veto_occurred=answer.veto_occurred,
                met=answer.met,
                value=answer.value,
                score=answer.score,
                narrative=answer.narrative,
                carried_over=True,
                version=1,
                updated_by=actor,
            )
        )
    if not carried:
        raise InvalidInput(f"{previous.campaign.year}年度没有可以沿用的答案。")
    Answer.objects.bulk_create(carried)
    record_many(
        action="answer.carried_over",
        actor=actor,
        changes=[(answer, None, answer_values(answer)) for answer in carried],
    )
    mark_started(assessment, actor)
    reason = f"沿用{previous.campaign.year}年度答案{len(carried)}项"
    if fresh:
        reason += "；新增或修改的条目须重新作答：" + "、".join(c.label for c in fresh)
    record_event(
        AssessmentEvent,
        assessment,
        actor,
        assessment.status,
        reason,
        action=AssessmentEvent.Action.CARRIED_OVER,
    )
    return carried, fresh


@transaction.atomic
def confirm_carried_answer(*, actor, assessment_id, criterion_id):
    """The secretary confirms that last year's answer still holds."""
    assessment = _lock_for_editing(actor, assessment_id, criterion_id)
    criterion = criterion_in_standard(assessment, criterion_id)
    answer = Answer.objects.filter(
        assessment=assessment, criterion=criterion, carried_over=True
    ).first()
    if answer is None:
        raise InvalidTransition(f"{criterion.label}没有待确认的沿用答案。")
    answer.carried_over = False
    answer.version += 1
    answer.updated_by = actor
    answer.save()
    audit(actor, "answer.confirmed", answer, {"carried_over": True}, answer_values(answer))
    return answer


def carry_evidence(*, actor, assessment_id, evidence_id):
    """Keep one of last year's files for the same criterion: a copy, marked where it came from."""
    with files_removed_on_failure() as written, transaction.atomic():
        assessment = _lock_for_editing(actor, assessment_id)
        previous = previous_assessment_of(assessment)
        source = (
            Evidence.objects.filter(pk=evidence_id, assessment=previous, withdrawn_at__isnull=True)
            .select_related("criterion")
            .first()
            if previous
            else None
        )
        if source is None or source.criterion is None:
            raise InvalidInput("只能沿用本村(社区)上年度自评中仍有效的佐证材料。")
        criterion = assessment.standard.criteria.filter(key=source.criterion.key).first()
        if criterion is None:
            raise InvalidInput(f"本年度标准已没有“{source.criterion.title}”这一条目。")
        if Evidence.objects.filter(
            assessment=assessment, carried_from=source, withdrawn_at__isnull=True
        ).exists():
            raise InvalidTransition(f"“{source.original_name}”已经沿用。")
        copy = Evidence(
            token=uuid.uuid4(),
            village=assessment.village,
            assessment=assessment,
            criterion=criterion,
            carried_from=source,
            original_name=source.original_name,
            extension=source.extension,
            content_type=source.content_type,
            size=source.size,
            covers_from=source.covers_from,
            covers_until=source.covers_until,
            captured_at=source.captured_at,
            uploaded_by=actor,
        )
        with source.file.open("rb") as stored:
            copy.file.save(copy.token.hex, ContentFile(stored.read()), save=False)
        written.append(copy.file.name)
        if source.thumbnail:
            with source.thumbnail.open("rb") as stored:
                copy.thumbnail.save(f"{copy.token}.jpg", ContentFile(stored.read()), save=False)
            written.append(copy.thumbnail.name)
        copy.save()
        audit(actor, "evidence.carried", copy, None, evidence_values(copy))
        mark_started(assessment, actor)
        return copy


def add_evidence(
    *,
    actor,
    assessment_id,
    criterion_id,
    upload,
    covers_from=None,
    covers_until=None,
    grid_id=None,
):
    """A file for one criterion, optionally from one of the village's grids (网格)."""
    with files_removed_on_failure() as written, transaction.atomic():
        assessment = _lock_for_editing(actor, assessment_id, criterion_id)
        criterion = criterion_in_standard(assessment, criterion_id)
        grid = None
        if grid_id is not None:
            grid = Grid.objects.filter(
                pk=grid_id, village_id=assessment.village_id, is_active=True
            ).first()
            if grid is None:
                raise InvalidInput("所选网格不属于本村(社区)。")
        evidence = store_evidence(
            actor, assessment, criterion, upload, written, covers_from, covers_until, grid
        )
        _mark_return_answered(assessment, criterion, actor)
        mark_started(assessment, actor)
        audit(actor, "evidence.added", evidence, None, evidence_values(evidence))
        return evidence


@transaction.atomic
def withdraw_evidence(*, actor, evidence_id):
    """Take a file out of the assessment; the record and the file stay for the history."""
    evidence = Evidence.objects.select_for_update().get(pk=evidence_id)
    if evidence.assessment_id is None:
        raise InvalidTransition("这是整改报告的材料，随整改报告留档，不能在自评中撤回。")
    assessment = _lock_for_editing(actor, evidence.assessment_id, evidence.criterion_id)
    if evidence.withdrawn_at is not None:
        raise InvalidTransition(f"“{evidence.original_name}”已撤回。")
    evidence.withdrawn_at = timezone.now()
    evidence.save(update_fields=["withdrawn_at"])
    audit(actor, "evidence.withdrawn", evidence, evidence_values(evidence), None)
    if assessment.plan_document_id == evidence.pk:
        assessment.plan_document = None
        assessment.save(update_fields=["plan_document"])
    return evidence


def evidence_values(evidence):
    return {
        "name": evidence.original_name,
        "grid": evidence.grid.name if evidence.grid_id else None,
        "criterion": evidence.criterion.key if evidence.criterion_id else None,
        "size": evidence.size,
        "sha": evidence.token.hex,
    }


def missing_for_submission(
    assessment,
    criteria,
    answers,
    evidence_by_criterion,
    open_returns=(),
    handed_in=None,
    check_plan=True,
):
    """Every reason, in Chinese, why the assessment (or, without `check_plan`, the items of
    `criteria`) cannot be submitted yet; `open_returns` are the returned criteria not yet
    saved again or kept, `handed_in` the items members handed in that the secretary has not
    yet accepted or sent back ({criterion id: member})."""
    handed_in = handed_in or {}
    missing = []
    if check_plan and assessment.kind == Assessment.Kind.YEARLY and not assessment.has_plan:
        missing.append("尚未填写或上传创建方案。")
    for criterion in criteria:
        if not criterion.is_judged:
            continue
        label = f"{criterion.label} {criterion.title}"
        answer = answers.get(criterion.pk)
        if answer is None or not answer.is_complete(criterion.kind):
            missing.append(f"{label}：尚未作答。")
        elif answer.carried_over:
            missing.append(f"{label}：沿用上年的答案尚未确认。")
        evidence = evidence_by_criterion.get(criterion.pk, [])
        if criterion.evidence_required and not evidence:
            missing.append(f"{label}：须上传佐证材料。")
        if any(item.status == Evidence.Status.PROCESSING for item in evidence):
            missing.append(f"{label}：照片正在处理，请稍候片刻再提交。")
        if criterion.pk in open_returns:
            missing.append(f"{label}：镇平安办退回的条目，须修改后保存，或确认无需修改并说明理由。")
        if criterion.pk in handed_in:
            missing.append(
                f"{label}：{handed_in[criterion.pk].display_name}已交回，请先验收或退回。"
            )
    return missing


@transaction.atomic
def submit_assessment(*, actor, assessment_id):
    assessment = _lock_for_editing(actor, assessment_id)
    criteria, answers, evidence_by_criterion = workspace_parts(assessment)
    _, returned = latest_return_comments(assessment)
    missing = missing_for_submission(
        assessment,
        criteria,
        answers,
        evidence_by_criterion,
        open_returned_criteria(assessment, returned),
        handed_in_waiting(assessment),
    )
    if missing:
        raise IncompleteAssessment(missing)
    now = timezone.now()
    late = timezone.localdate(now) > assessment.effective_due
    event = move_assessment(
        assessment,
        actor,
        Assessment.Status.SUBMITTED,
        AssessmentEvent.Action.SUBMITTED,
        "逾期提交" if late else "",
    )
    assessment.submitted_at = now
    assessment.submitted_late = late
    assessment.save()
    return event


@transaction.atomic
def return_assessment(*, actor, assessment_id, comments, general_reason=""):
    """Send a submitted assessment back, with the reason for each criterion concerned."""
    assessment = lock_assessment(
        actor, assessment_id, "assessments.return_assessment", "只有镇平安办可以退回自评。"
    )
    require_campaign_open(assessment.campaign)
    comments = {key: text.strip() for key, text in comments.items() if text and text.strip()}
    general_reason = general_reason.strip()
    if not comments and not general_reason:
        raise InvalidInput("退回修改须写明原因：请至少对一个条目或整体填写退回意见。")
    criteria = {
        c.pk: c
        for c in Criterion.objects.filter(standard_id=assessment.standard_id, pk__in=list(comments))
    }
    if set(comments) - set(criteria):
        raise InvalidInput("退回意见中含有不属于本年度创建标准的条目。")
    if (
        assessment.status == Assessment.Status.TOWN_ASSESSED
        and status_before_town_conclusion(assessment) != Assessment.Status.SUBMITTED
    ):
        raise InvalidTransition(
            f"{assessment.village.name}未提交自评即被认定，没有可退回的内容；"
            "如属误认定，请先重新考核。"
        )
    event = move_assessment(
        assessment,
        actor,
        Assessment.Status.RETURNED,
        AssessmentEvent.Action.RETURNED,
        general_reason or "见各条目退回意见",
    )
    assessment.save()
    notes = [
        ReturnComment(event=event, criterion=criteria[key], text=text)
        for key, text in comments.items()
    ]
    if general_reason:
        notes.insert(0, ReturnComment(event=event, criterion=None, text=general_reason))
    ReturnComment.objects.bulk_create(notes)
    return event
