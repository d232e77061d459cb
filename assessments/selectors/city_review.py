"""Reads of the city's re-review: sampling rules, draws, and the three rates against the
target."""

from decimal import Decimal

from django.http import Http404

from assessments.models import (
    Assessment,
    Campaign,
    RecommendationList,
    Sample,
    SamplingRule,
)
from assessments.rates import Rates
from assessments.selectors.campaigns import visible_campaigns
from assessments.selectors.common import ancestor_paths, scoped
from assessments.tallies import counts_of
from villages.rules import region_scope

DEFAULT_TARGET = Decimal("0.7")


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


def rates_by_campaign(campaigns, target):
    """The three rates of each campaign from its kept counts (assessments.tallies): 达标率
    over the town's verdicts, 复核合格率 over the re-review outcomes, and 称号保有率 over the
    valid 平安村 titles of the campaign's year, so that a revoked title counts at once."""
    counts = counts_of(campaigns)
    return {pk: Rates(target=target, **numbers) for pk, numbers in counts.items()}


def campaign_rates(campaign):
    return rates_by_campaign([campaign], target_ratio_for(campaign.town))[campaign.pk]


def _rows_and_total(campaigns):
    campaigns = list(campaigns)
    target = target_ratio_for(campaigns[0].town) if campaigns else DEFAULT_TARGET
    by_campaign = rates_by_campaign(campaigns, target)
    rows = [(c, by_campaign[c.pk]) for c in campaigns]
    total = sum((rates for _, rates in rows), Rates.none(target))
    return rows, total


def city_rates(user, year):
    """Each town's rates for the year within the user's reach, and their sum."""
    return _rows_and_total(visible_campaigns(user).filter(year=year))


def region_standing(region, year):
    """A region's standing for the year: each of its towns' campaigns with their rates, and
    their sum, counted as everywhere else (rates_by_campaign)."""
    return _rows_and_total(
        Campaign.objects.filter(year=year, town__path__startswith=region.path)
        .select_related("town")
        .order_by("town__code")
    )


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


def issued_recommendation_list(campaign):
    """The city's recommendation list for the campaign's year, once issued: candidacies of
    its towns are prepared and re-reviewed until then, and stay as they are after."""
    return (
        RecommendationList.objects.filter(
            year=campaign.year, city__path__in=ancestor_paths(campaign.town)
        )
        .order_by("created_at", "id")
        .first()
    )


def candidacies_of(campaign):
    """Each re-review passer of the campaign, in village order, with its 示范村 candidacy or
    None while the town has not prepared one."""
    passers = Assessment.objects.filter(
        campaign=campaign, kind=Assessment.Kind.YEARLY, city_passed=True
    ).select_related("village")
    candidacies = {
        a.village_id: a
        for a in Assessment.objects.filter(campaign=campaign, kind=Assessment.Kind.DEMONSTRATION)
    }
    return [
        (yearly, candidacies.get(yearly.village_id)) for yearly in passers.order_by("village__code")
    ]


def candidacy_waits_for(candidacy):
    """What a re-review passer's 示范村 candidacy still waits for, or None when re-reviewed."""
    if candidacy is None:
        return "镇平安办尚未准备示范村推荐考评"
    if candidacy.status in Assessment.EDITABLE_STATUSES:
        return "镇平安办尚未提交示范村推荐考评"
    if candidacy.city_passed is None:
        return "市委平安办尚未复核示范村推荐考评"
    return None


def open_candidacies(campaign):
    """The campaign's re-review passers whose 示范村 candidacy is not yet prepared, submitted
    or re-reviewed, each with what it still waits for."""
    return [
        (yearly.village, waits_for)
        for yearly, candidacy in candidacies_of(campaign)
        if (waits_for := candidacy_waits_for(candidacy))
    ]


def visible_recommendation_lists(user):
    """The recommendation lists of the cities the user works in or above, newest first."""
    return scoped(
        RecommendationList.objects.select_related("city"), region_scope(user, "city__")
    ).order_by("-year", "-id")


def access_recommendation_list_by_id(user, recommendation_list_id):
    try:
        return visible_recommendation_lists(user).get(pk=recommendation_list_id)
    except (RecommendationList.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该推荐名单。") from None


def latest_recommended_year(province):
    """The latest year the province's cities have recommended demonstration villages for:
    the naming period starts there."""
    return (
        RecommendationList.objects.filter(city__path__startswith=province.path)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
