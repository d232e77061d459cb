"""Reads of 责任到人: who holds which item of the village's assessment, a member's own items,
and how far the evidence reached the village's grids."""

from django.db.models import Count, Max, Q
from django.http import Http404

from assessments.models import Assignment, Evidence
from assessments.selectors.common import team_scope
from villages.models import Grid


def assignments_of(assessment):
    """The assessment's assignments (withdrawn ones too) by criterion id."""
    return {
        assignment.criterion_id: assignment
        for assignment in Assignment.objects.filter(assessment=assessment).select_related(
            "assignee"
        )
    }


def my_assignments(user):
    """The items assigned to the user on the assessments they still work on, the nearest
    due first, with the latest state change."""
    scope = team_scope(user, "assessment__")
    if scope is None:
        return []
    return list(
        Assignment.objects.filter(scope, assignee=user)
        .exclude(status=Assignment.Status.WITHDRAWN)
        .select_related("assessment__campaign", "assessment__village", "criterion__parent")
        .order_by("due_on", "criterion__order", "id")
    )


def assignment_to_fill(user, assessment, criterion_id):
    """The user's assignment of the criterion, if the rules let them fill it now."""
    if not str(criterion_id).isdigit():
        return None
    assignment = Assignment.objects.filter(
        assessment=assessment, criterion_id=criterion_id, assignee_id=user.pk
    ).first()
    if assignment is None:
        return None
    assignment.assessment = assessment
    return assignment if user.has_perm("assessments.fill_assignment", assignment) else None


def may_write(user, assessment, assignment):
    """Whether the rules let the user write a criterion's answer and evidence: the secretary
    any, a member of the team the item assigned to them (`assignment`, the criterion's or
    None) and not yet handed in."""
    return user.has_perm("assessments.edit_assessment", assessment) or (
        assignment is not None and user.has_perm("assessments.fill_assignment", assignment)
    )


def assignment_of(assessment, criterion):
    """The criterion's assignment (of any state) with its assessment already at hand."""
    assignment = (
        Assignment.objects.filter(assessment=assessment, criterion=criterion)
        .select_related("assignee")
        .first()
    )
    if assignment is not None:
        assignment.assessment = assessment
    return assignment


def active_grids(village_id):
    return list(Grid.objects.filter(village_id=village_id, is_active=True).order_by("name", "id"))


def access_assignment_by_id(user, assignment_id):
    """The assignment for its member or its village's secretary; 404 alike for missing and
    anyone else's."""
    assignment = (
        Assignment.objects.filter(pk=assignment_id)
        .select_related("assessment__campaign__town", "assessment__village__town", "criterion")
        .select_related("assignee")
        .first()
        if str(assignment_id).isdigit()
        else None
    )
    if assignment is None or not (
        (
            assignment.assignee_id == user.pk
            and user.has_perm("assessments.view_assessment", assignment.assessment)
        )
        or user.has_perm("assessments.review_assignment", assignment)
    ):
        raise Http404("未找到该分工。")
    return assignment


def handed_in_waiting(assessment):
    """{criterion id: member} of the items handed in that the secretary has not yet accepted
    or sent back: the assessment is not submitted past them."""
    return {
        assignment.criterion_id: assignment.assignee
        for assignment in Assignment.objects.filter(
            assessment=assessment, status=Assignment.Status.HANDED_IN
        ).select_related("assignee")
    }


def grid_coverage(assessment):
    """Each active grid of the village with the live evidence of the assessment tagged with
    it, and how many grids the work reached."""
    grids = list(
        Grid.objects.filter(village_id=assessment.village_id, is_active=True)
        .select_related("grid_worker")
        .annotate(
            evidence_count=Count(
                "evidence",
                filter=Q(evidence__assessment=assessment, evidence__withdrawn_at__isnull=True)
                & ~Q(evidence__status=Evidence.Status.REFUSED),
            )
        )
        .order_by("name", "id")
    )
    return grids, sum(1 for grid in grids if grid.evidence_count)


def latest_assignment_events(assignments):
    """{assignment id: id of its latest event}, for reminders that are sent once a move."""
    return dict(
        Assignment.objects.filter(pk__in=[a.pk for a in assignments])
        .annotate(latest=Max("events__pk"))
        .values_list("pk", "latest")
    )
