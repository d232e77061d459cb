"""Writes of 责任到人: the secretary assigns items of the village's self-assessment to members
of the team, a member hands an item in, the secretary accepts it or sends it back."""

from django.db import transaction
from django.utils import timezone

from assessments.models import Assessment, Assignment, AssignmentEvent
from assessments.selectors import criteria_of, workspace_parts
from assessments.services.common import lock_assessment, move_state, plain_text, record_event
from assessments.services.self_assessment import missing_for_submission
from pingan.errors import InvalidInput, InvalidTransition, NotPermitted
from villages.models import Membership, User


def _lock_for_assigning(actor, assessment_id):
    assessment = lock_assessment(
        actor,
        assessment_id,
        "assessments.assign_items",
        "只有本村(社区)党组织书记可以交办、验收自评条目。",
    )
    if not assessment.is_editable:
        raise InvalidTransition(
            f"自评当前为“{assessment.get_status_display()}”，不能再交办或验收条目。"
        )
    return assessment


def _judged_under(criteria, chosen_ids):
    """The judged criteria chosen, a chosen group standing for every judged item under it."""
    chosen = set(chosen_ids)
    picked = []
    for criterion in criteria:
        ancestor, inside = criterion, False
        while ancestor is not None:
            if ancestor.pk in chosen:
                inside = True
                break
            ancestor = ancestor.parent
        if inside and criterion.is_judged:
            picked.append(criterion)
    return picked


@transaction.atomic
def assign_items(*, actor, assessment_id, criterion_ids, assignee_id, due_on):
    """Hand the chosen items (a group: every item under it) to a member of the team, to be
    done by `due_on`; an item already assigned passes to the new member, unless it waits
    for the secretary's acceptance."""
    assessment = _lock_for_assigning(actor, assessment_id)
    criteria = criteria_of(assessment.standard)
    known = {criterion.pk for criterion in criteria}
    if not criterion_ids:
        raise InvalidInput("请勾选要交办的条目。")
    if not set(criterion_ids) <= known:
        raise InvalidInput("只能交办本年度创建标准中的条目。")
    assignee = User.objects.filter(
        pk=assignee_id,
        is_active=True,
        memberships__village_id=assessment.village_id,
        memberships__role=Membership.Role.VILLAGE_STAFF,
        memberships__is_active=True,
    ).first()
    if assignee is None:
        raise InvalidInput("责任人须是本村(社区)在册的工作人员。")
    if due_on is None:
        raise InvalidInput("请填写完成期限。")
    if due_on < timezone.localdate():
        raise InvalidInput("完成期限不能早于今天。")
    picked = _judged_under(criteria, criterion_ids)
    existing = {
        a.criterion_id: a
        for a in Assignment.objects.select_for_update().filter(
            assessment=assessment, criterion__in=picked
        )
    }
    reason = f"交办给{assignee.display_name}，{due_on:%Y年%m月%d日}前完成"
    assignments = []
    for criterion in picked:
        assignment = existing.get(criterion.pk)
        if assignment is None:
            assignment = Assignment.objects.create(
                assessment=assessment,
                criterion=criterion,
                assignee=assignee,
                due_on=due_on,
                assigned_by=actor,
            )
            record_event(AssignmentEvent, assignment, actor, "", reason)
        else:
            move_state(
                assignment,
                Assignment.Status.ASSIGNED,
                AssignmentEvent,
                actor=actor,
                refusal=f"{criterion.label} {criterion.title}：{assignment.assignee.display_name}"
                "已交回，请先验收或退回，再改派。",
                reason=reason,
            )
            assignment.assignee, assignment.due_on, assignment.assigned_by = (
                assignee,
                due_on,
                actor,
            )
            assignment.note = ""
            assignment.save()
        assignments.append(assignment)
    return assignments


def _lock_assignment(actor, assignment_id, permission, message):
    """The assignment and its assessment, locked in the order every self-assessment write
    locks (the assessment first), if the actor holds the permission on it."""
    found = Assignment.objects.filter(pk=assignment_id).values_list("assessment_id", flat=True)
    assessment_id = found.first()
    if assessment_id is None:
        raise InvalidInput("未找到该分工。")
    assessment = (
        Assessment.objects.select_related("campaign__town", "village__town")
        .select_for_update(of=("self",))
        .get(pk=assessment_id)
    )
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("criterion", "assignee")
        .get(pk=assignment_id)
    )
    assignment.assessment = assessment
    if not actor.has_perm(permission, assignment):
        raise NotPermitted(message)
    if not assessment.is_editable:
        raise InvalidTransition(
            f"自评当前为“{assessment.get_status_display()}”，该条目不能再交回或验收。"
        )
    return assignment


def _label(criterion):
    return f"{criterion.label} {criterion.title}"


@transaction.atomic
def hand_in(*, actor, assignment_id, note=""):
    """The member hands the item in to the secretary once it is answered and evidenced."""
    assignment = _lock_assignment(
        actor,
        assignment_id,
        "assessments.fill_assignment",
        "只能交回交办给自己、尚未交回的条目。",
    )
    criteria, answers, evidence = workspace_parts(assignment.assessment)
    criterion = next(c for c in criteria if c.pk == assignment.criterion_id)
    missing = missing_for_submission(
        assignment.assessment, [criterion], answers, evidence, check_plan=False
    )
    if missing:
        raise InvalidInput("；".join(missing))
    note = plain_text(note, "交回说明")
    move_state(
        assignment,
        Assignment.Status.HANDED_IN,
        AssignmentEvent,
        actor=actor,
        refusal=f"{_label(criterion)}已{assignment.get_status_display()}。",
        reason=note,
    )
    assignment.note = note
    assignment.save()
    return assignment


@transaction.atomic
def accept_assignment(*, actor, assignment_id):
    assignment = _lock_assignment(
        actor, assignment_id, "assessments.review_assignment", "只有本村(社区)党组织书记可以验收。"
    )
    move_state(
        assignment,
        Assignment.Status.ACCEPTED,
        AssignmentEvent,
        actor=actor,
        refusal=f"{_label(assignment.criterion)}当前为“{assignment.get_status_display()}”，"
        "交回后才能验收。",
    )
    assignment.note = ""
    assignment.save()
    return assignment


@transaction.atomic
def send_back_assignment(*, actor, assignment_id, note):
    """The secretary sends an item back to its member with what to change."""
    assignment = _lock_assignment(
        actor, assignment_id, "assessments.review_assignment", "只有本村(社区)党组织书记可以退回。"
    )
    note = plain_text(note, "退回意见")
    if not note:
        raise InvalidInput(f"{_label(assignment.criterion)}：退回须写明要修改什么。")
    move_state(
        assignment,
        Assignment.Status.SENT_BACK,
        AssignmentEvent,
        actor=actor,
        refusal=f"{_label(assignment.criterion)}当前为“{assignment.get_status_display()}”，"
        "不能退回。",
        reason=note,
    )
    assignment.note = note
    assignment.save()
    return assignment


@transaction.atomic
def withdraw_assignment(*, actor, assignment_id, reason=""):
    """The secretary takes an item back to do it themselves."""
    assignment = _lock_assignment(
        actor, assignment_id, "assessments.review_assignment", "只有本村(社区)党组织书记可以收回。"
    )
    move_state(
        assignment,
        Assignment.Status.WITHDRAWN,
        AssignmentEvent,
        actor=actor,
        refusal=f"{_label(assignment.criterion)}当前为“{assignment.get_status_display()}”，"
        "请先验收或退回，再收回。",
        reason=plain_text(reason, "收回原因") or "书记收回自行填报",
    )
    assignment.save()
    return assignment
