from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count
from django.http import Http404
from django.urls import reverse

from assessments.models import (
    Answer,
    Assessment,
    AssessmentEvent,
    Bulletin,
    Campaign,
    Criterion,
    Evidence,
    Incident,
    Inspection,
    PreparedFile,
    RectificationEvent,
    RectificationOrder,
    Sample,
    SamplingRule,
    Standard,
    Title,
    TitleEvent,
)
from assessments.rates import count_rates
from assessments.verdict import PassRule
from villages.models import Region
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


def campaign_board(campaign, user=None):
    """The campaign's yearly assessments (those the user may see, when given) with their
    answered count, in village order."""
    queryset = Assessment.objects.filter(campaign=campaign, kind=Assessment.Kind.YEARLY)
    if user is not None:
        queryset = _scoped(queryset, village_scope(user, "village__"))
    assessments = list(
        queryset.select_related("village")
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


def visible_incidents(user):
    return _scoped(
        Incident.objects.select_related("village__town", "category", "recorded_by"),
        village_scope(user, "village__"),
    )


def access_incident_by_id(user, incident_id):
    try:
        return visible_incidents(user).get(pk=incident_id)
    except (Incident.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该案事件。") from None


def visible_titles(user):
    return _scoped(
        Title.objects.select_related("village__town", "naming"),
        village_scope(user, "village__"),
    )


def access_title_by_id(user, title_id):
    try:
        return visible_titles(user).get(pk=title_id)
    except (Title.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该称号。") from None


def recent_revocations(user, since):
    """Titles revoked by incidents since a moment, within the user's reach."""
    return _scoped(
        TitleEvent.objects.filter(
            action=TitleEvent.Action.REVOKED, incident__isnull=False, occurred_at__gte=since
        ),
        village_scope(user, "title__village__"),
    )


@dataclass(frozen=True)
class TimelineEntry:
    moment: datetime
    year: int
    kind: str
    text: str
    url: str = ""


def village_timeline(village):
    """Everything that happened to a village, oldest first, for reading before a meeting."""
    entries = []
    assessment_events = AssessmentEvent.objects.filter(assessment__village=village).select_related(
        "assessment__campaign", "actor"
    )
    for event in assessment_events:
        assessment = event.assessment
        label = "示范村推荐考评" if assessment.kind == Assessment.Kind.DEMONSTRATION else "创建考评"
        entries.append(
            TimelineEntry(
                event.occurred_at,
                assessment.campaign.year,
                label,
                f"{assessment.campaign.year}年度{event.get_action_display()}"
                + (f"：{event.reason}" if event.reason else ""),
                reverse("assessments:assessment_detail", args=[assessment.pk]),
            )
        )
    for event in TitleEvent.objects.filter(title__village=village).select_related("title"):
        entries.append(
            TimelineEntry(
                event.occurred_at,
                event.title.first_year,
                "称号",
                f"{event.title.period_label}{event.title.get_kind_display()}"
                f"{event.get_action_display()}：{event.reason}",
                reverse("assessments:title_detail", args=[event.title.pk]),
            )
        )
    for incident in Incident.objects.filter(village=village).select_related("category"):
        entries.append(
            TimelineEntry(
                incident.recorded_at,
                incident.occurred_on.year,
                "案事件",
                f"{incident.occurred_on:%Y年%m月%d日}发生{incident.category.name}："
                f"{incident.description}",
                reverse("assessments:incident_detail", args=[incident.pk]),
            )
        )
        if incident.corrected_at:
            entries.append(
                TimelineEntry(
                    incident.corrected_at,
                    incident.occurred_on.year,
                    "案事件",
                    f"更正{incident.category.name}登记：{incident.correction_reason}",
                    reverse("assessments:incident_detail", args=[incident.pk]),
                )
            )
    order_events = RectificationEvent.objects.filter(order__village=village).select_related("order")
    for event in order_events:
        entries.append(
            TimelineEntry(
                event.occurred_at,
                event.occurred_at.year,
                "限期整改",
                f"{event.get_action_display()}：{event.order.problem}"
                + (f"({event.reason})" if event.reason else ""),
                reverse("assessments:order_detail", args=[event.order.pk]),
            )
        )
    return sorted(entries, key=lambda entry: entry.moment)


def prepared_files_of(user):
    """Files made in the background are their requester's alone."""
    return PreparedFile.objects.filter(requested_by=user)


def access_prepared_file_by_id(user, prepared_file_id):
    try:
        return prepared_files_of(user).get(pk=prepared_file_id)
    except (PreparedFile.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该文件。") from None


def access_region_by_id(user, region_id, levels=None):
    """A region whose dashboard the user may read: at or below one of their regional roles;
    404 alike for a missing region and one out of reach."""
    regions = Region.objects.select_related("parent")
    if levels is not None:
        regions = regions.filter(level__in=levels)
    region = regions.filter(pk=region_id).first()
    if region is None or not user.has_perm("villages.view_region_dashboard", region):
        raise Http404("未找到该区划。")
    return region


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
