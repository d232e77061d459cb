"""Reads of a self-assessment: the workspace, returned items, evidence, last year's answers."""

from django.http import Http404

from assessments.models import (
    Answer,
    Assessment,
    AssessmentEvent,
    Campaign,
    Evidence,
)
from assessments.selectors.common import assessed_record_scope, scoped, with_team
from assessments.selectors.standards import criteria_of


def access_evidence_by_id(user, evidence_id):
    evidence = scoped(
        Evidence.objects.select_related("village", "assessment__campaign__town"),
        with_team(assessed_record_scope(user), user, "assessment__"),
    )
    try:
        return evidence.get(pk=evidence_id)
    except (Evidence.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该佐证材料。") from None


def workspace_parts(assessment):
    """Criteria (print order), answers by criterion id, live evidence by criterion id."""
    criteria = criteria_of(assessment.standard)
    answers = {a.criterion_id: a for a in Answer.objects.filter(assessment=assessment)}
    evidence_by_criterion = {}
    for evidence in Evidence.objects.filter(assessment=assessment, withdrawn_at__isnull=True):
        evidence_by_criterion.setdefault(evidence.criterion_id, []).append(evidence)
    return criteria, answers, evidence_by_criterion


def latest_return_comments(assessment):
    """The comments of the most recent return, by criterion id (None for the whole)."""
    event = (
        AssessmentEvent.objects.filter(
            assessment=assessment, action=AssessmentEvent.Action.RETURNED
        )
        .order_by("-occurred_at", "-id")
        .first()
    )
    if event is None:
        return None, {}
    return event, {c.criterion_id: c for c in event.comments.all()}


def open_returned_criteria(assessment, comments):
    """The ids of returned criteria the secretary has neither saved again nor kept with a
    note, while the assessment is back with the village."""
    if assessment.status != Assessment.Status.RETURNED:
        return set()
    return {
        criterion_id
        for criterion_id, comment in comments.items()
        if criterion_id is not None and comment.answered_at is None
    }


def previous_assessment_of(assessment):
    """The village's assessment of the same kind in the latest earlier year, if any."""
    return (
        Assessment.objects.filter(
            village_id=assessment.village_id,
            kind=assessment.kind,
            campaign__year__lt=assessment.campaign.year,
        )
        .select_related("campaign", "standard")
        .order_by("-campaign__year")
        .first()
    )


def new_or_changed_criteria(assessment, previous):
    """The ids of this year's criteria that last year's standard did not ask the same way."""
    if previous is None:
        return set()
    earlier = {c.key: c for c in previous.standard.criteria.all()}
    return {
        c.pk
        for c in assessment.standard.criteria.all()
        if c.is_judged and (c.key not in earlier or not c.asks_the_same_as(earlier[c.key]))
    }


def stage_note(assessment, today):
    """Where the village stands with its deadline, as the secretary should read it."""
    due = assessment.effective_due
    if assessment.status in Assessment.EDITABLE_STATUSES:
        if not assessment.is_editable:
            return f"{assessment.campaign.year}年度填报已结束，不能再提交。"
        if today <= due:
            left = (due - today).days
            return f"截止{due:%Y年%m月%d日}，" + (f"还有{left}天。" if left else "今天截止。")
        late = f"已超过截止日期({due:%Y年%m月%d日}){(today - due).days}天，仍可提交，记为逾期提交"
        if assessment.campaign.status == Campaign.Status.TOWN_ASSESSMENT:
            return late + "；镇平安办可随时认定为“未按期提交自评”(不达标)，请尽快提交。"
        return late + "。"
    if Assessment.NOT_SUBMITTED_REASON in assessment.town_reasons:
        return "镇平安办已认定本年度“未按期提交自评”，镇级考核结果为不达标。"
    return ""
