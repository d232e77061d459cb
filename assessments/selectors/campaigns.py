"""Reads of campaigns and assessments within the user's reach, the progress board and
history."""

from django.db.models import Count
from django.http import Http404

from assessments.models import (
    Answer,
    Assessment,
    AssessmentEvent,
    Campaign,
)
from assessments.selectors.common import assessment_scope, scoped, with_team
from pingan.errors import NotFound
from villages.rules import home_village_of, region_scope


def visible_campaigns(user):
    return scoped(
        Campaign.objects.select_related("town", "standard"), region_scope(user, "town__")
    ).order_by("-year", "town__code")


def access_campaign_by_id(user, campaign_id):
    try:
        return visible_campaigns(user).get(pk=campaign_id)
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该创建活动。") from None


# What the assessment's pages show with it.
SHOWN_WITH_ASSESSMENT = ("campaign__town", "standard", "village__town", "plan_document")


def visible_assessments(user, related=SHOWN_WITH_ASSESSMENT):
    # select_related() without names would follow every foreign key.
    assessments = Assessment.objects.select_related(*related) if related else Assessment.objects
    return scoped(assessments.all(), with_team(assessment_scope(user), user))


def access_assessment_by_id(user, assessment_id, related=SHOWN_WITH_ASSESSMENT):
    """The assessment if the user may see it; 404 alike for missing and another place's."""
    try:
        return visible_assessments(user, related).get(pk=assessment_id)
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该村(社区)的创建考评。") from None


def lock_assessment_to_change(user, assessment_id):
    """The assessment, locked, with its campaign and places, if the user may see it: a change
    asks the scope of the row it locks, in the one read, so its request reads the row once.
    NotFound alike for missing and another place's, as `access_assessment_by_id`."""
    try:
        return (
            visible_assessments(user, ("campaign__town", "village__town"))
            .select_for_update(of=("self",))
            .get(pk=assessment_id)
        )
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该村(社区)的创建考评。") from None


def current_assessment_of_secretary(user):
    """The secretary's assessment in the most recent campaign that has left draft."""
    village = home_village_of(user)
    if village is None:
        return None
    return (
        visible_assessments(user)
        .filter(village=village, kind=Assessment.Kind.YEARLY)
        .exclude(campaign__status=Campaign.Status.DRAFT)
        .order_by("-campaign__year")
        .first()
    )


def assessment_history(assessment):
    return (
        AssessmentEvent.objects.filter(assessment=assessment)
        .select_related("actor")
        .prefetch_related("comments__criterion__parent")
    )


def campaign_board(campaign, user=None):
    """The campaign's yearly assessments (those the user may see, when given) with their
    answered count, in village order."""
    queryset = Assessment.objects.filter(campaign=campaign, kind=Assessment.Kind.YEARLY)
    if user is not None:
        queryset = scoped(queryset, assessment_scope(user))
    assessments = list(
        queryset.select_related("village")
        .annotate(answered=Count("answers", filter=Answer.complete_q("answers__")))
        .order_by("village__code")
    )
    for assessment in assessments:
        assessment.campaign = campaign
    return assessments
