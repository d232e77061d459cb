from decimal import Decimal

from django.db.models import Count
from django.http import Http404

from assessments.models import (
    Answer,
    Assessment,
    AssessmentEvent,
    Bulletin,
    Campaign,
    Criterion,
    Evidence,
    Inspection,
    RectificationOrder,
    Sample,
    SamplingRule,
    Standard,
)
from assessments.rates import count_rates
from assessments.verdict import PassRule
from villages.rules import home_village_of, region_scope, village_scope

DEFAULT_TARGET = Decimal("0.7")


def criteria_of(standard):
    """All criteria of a version in print order, parents attached without further queries."""
    criteria = list(
        Criterion.objects.filter(standard=standard)
        .select_related("incident_category")
        .order_by("order", "id")
    )
    by_id = {criterion.pk: criterion for criterion in criteria}
    for criterion in criteria:
        criterion.standard = standard
        criterion.parent = by_id.get(criterion.parent_id)
    return criteria


def criteria_tree(standard):
    """(criterion, depth) pairs, depth-first, for printing a standard."""
    criteria = criteria_of(standard)
    children = {}
    for criterion in criteria:
        children.setdefault(criterion.parent_id, []).append(criterion)
    ordered = []

    def walk(parent_id, depth):
        for criterion in children.get(parent_id, []):
            ordered.append((criterion, depth))
            walk(criterion.pk, depth + 1)

    walk(None, 0)
    return ordered


def pass_rule_for(standard, criteria=None):
    """The engine's view of a standard version."""
    criteria = criteria if criteria is not None else criteria_of(standard)
    return PassRule(
        criteria=tuple(c.to_rule() for c in criteria if c.is_judged),
        pass_mark=standard.pass_mark,
    )


def visible_standards(user):
    return Standard.objects.all().order_by("kind", "code", "-version")


def access_standard_by_id(user, standard_id):
    try:
        return visible_standards(user).get(pk=standard_id)
    except Standard.DoesNotExist:
        raise Http404("未找到该标准。") from None


def _scoped(queryset, scope):
    return queryset if scope is None else queryset.filter(scope)


def visible_campaigns(user):
    return _scoped(
        Campaign.objects.select_related("town", "standard"), region_scope(user, "town__")
    ).order_by("-year", "town__code")


def access_campaign_by_id(user, campaign_id):
    try:
        return visible_campaigns(user).get(pk=campaign_id)
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该创建活动。") from None


def visible_assessments(user):
    return _scoped(
        Assessment.objects.select_related(
            "campaign__town", "standard", "village__town", "plan_document"
        ),
        village_scope(user, "village__"),
    )


def access_assessment_by_id(user, assessment_id):
    """The assessment if the user may see it; 404 alike for missing and another place's."""
    try:
        return visible_assessments(user).get(pk=assessment_id)
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该村(社区)的创建考评。") from None


def access_evidence_by_id(user, evidence_id):
    evidence = _scoped(Evidence.objects.select_related("village"), village_scope(user, "village__"))
    try:
        return evidence.get(pk=evidence_id)
    except (Evidence.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该佐证材料。") from None


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


def assessment_history(assessment):
    return (
        AssessmentEvent.objects.filter(assessment=assessment)
        .select_related("actor")
        .prefetch_related("comments__criterion")
    )


def judged_criteria_count(standard):
    return Criterion.objects.filter(standard=standard).exclude(kind=Criterion.Kind.GROUP).count()


def campaign_board(campaign):
    """Every assessment of the campaign with its answered count, in village order."""
    assessments = list(
        Assessment.objects.filter(campaign=campaign, kind=Assessment.Kind.YEARLY)
        .select_related("village")
        .annotate(answered=Count("answers", filter=Answer.complete_q("answers__")))
        .order_by("village__code")
    )
    for assessment in assessments:
        assessment.campaign = campaign
    return assessments


def visible_orders(user):
    return _scoped(
        RectificationOrder.objects.select_related(
            "village__town", "inspection_finding__criterion", "inspection_finding__inspection"
        ),
        village_scope(user, "village__"),
    ).order_by("status", "deadline", "id")


def access_order_by_id(user, order_id):
    try:
        return visible_orders(user).get(pk=order_id)
    except (RectificationOrder.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该整改通知。") from None


def overdue_orders(user, today):
    return visible_orders(user).filter(RectificationOrder.overdue_q(today))


def visible_inspections(user):
    return _scoped(
        Inspection.objects.select_related("village", "recorded_by"),
        village_scope(user, "village__"),
    ).order_by("-inspected_on", "-id")


def access_inspection_by_id(user, inspection_id):
    try:
        return visible_inspections(user).get(pk=inspection_id)
    except (Inspection.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该抽查检查记录。") from None


def visible_bulletins(user):
    return _scoped(Bulletin.objects.select_related("town"), region_scope(user, "town__"))


def access_bulletin_by_id(user, bulletin_id):
    try:
        return visible_bulletins(user).get(pk=bulletin_id)
    except (Bulletin.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该通报。") from None


def order_history(order):
    return order.events.select_related("actor")


def sampling_rule_for(town):
    """The nearest sampling rule above the town (its city's, else its province's), or None."""
    return (
        SamplingRule.objects.filter(region__path__in=ancestor_paths(town))
        .order_by("-region__path")
        .first()
    )


def target_ratio_for(town):
    rule = sampling_rule_for(town)
    return rule.target_ratio if rule else DEFAULT_TARGET


def ancestor_paths(region):
    parts = region.path.strip("/").split("/")
    return ["/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def campaign_rates(campaign):
    outcomes = Assessment.objects.filter(
        campaign=campaign, kind=Assessment.Kind.YEARLY
    ).values_list("town_passed", "city_passed", "result_passed")
    return count_rates(outcomes, target_ratio_for(campaign.town))


def city_rates(user, year):
    """Each town's rates for the year within the user's reach, and their sum, in one query."""
    campaigns = list(visible_campaigns(user).filter(year=year))
    by_campaign = {}
    outcomes = Assessment.objects.filter(
        campaign__in=campaigns, kind=Assessment.Kind.YEARLY
    ).values_list("campaign_id", "town_passed", "city_passed", "result_passed")
    for campaign_id, *outcome in outcomes:
        by_campaign.setdefault(campaign_id, []).append(outcome)
    target = target_ratio_for(campaigns[0].town) if campaigns else DEFAULT_TARGET
    rows = [(c, count_rates(by_campaign.get(c.pk, []), target)) for c in campaigns]
    total = sum((rates for _, rates in rows), count_rates([], target))
    return rows, total


def current_sample(campaign):
    return (
        Sample.objects.filter(campaign=campaign, is_current=True).select_related("drawn_by").first()
    )


def sample_entries(sample):
    return (
        list(sample.entries.select_related("assessment__village").order_by("position"))
        if sample
        else []
    )


def past_samples(campaign):
    return Sample.objects.filter(campaign=campaign, is_current=False).select_related("drawn_by")
