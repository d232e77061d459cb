"""Reads of the city's re-review: sampling rules, draws, and the three rates against the
target."""

from decimal import Decimal

from assessments.models import (
    Assessment,
    Sample,
    SamplingRule,
)
from assessments.rates import count_rates
from assessments.selectors.campaigns import visible_campaigns
from assessments.selectors.common import ancestor_paths

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
