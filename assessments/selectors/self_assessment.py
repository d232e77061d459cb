"""Reads of a self-assessment: the workspace, returned items, evidence, last year's answers."""

from django.http import Http404

from assessments.models import (
    Answer,
    Assessment,
    AssessmentEvent,
    Evidence,
)
from assessments.selectors.common import scoped
from assessments.selectors.standards import criteria_of
from villages.rules import village_scope


def access_evidence_by_id(user, evidence_id):
    evidence = scoped(Evidence.objects.select_related("village"), village_scope(user, "village__"))
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
    """The reasons of the most recent return, by criterion id (None for the whole)."""
    event = (
        AssessmentEvent.objects.filter(
            assessment=assessment, action=AssessmentEvent.Action.RETURNED
        )
        .order_by("-occurred_at", "-id")
        .first()
    )
    if event is None:
        return None, {}
    return event, {c.criterion_id: c.text for c in event.comments.all()}


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
