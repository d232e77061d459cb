"""What the dashboards show: each figure from a fixed number of queries, whatever the size."""

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q
from django.template.loader import render_to_string

from assessments import charts
from assessments.models import (
    Assessment,
    Campaign,
    Finding,
    Incident,
    RectificationOrder,
    SampleEntry,
)
from assessments.rates import DEFINITIONS, Rates
from assessments.selectors import (
    campaign_board,
    criteria_of,
    pass_rule_for,
    publicity_counts,
    rates_by_campaign,
    result_sentence,
    target_ratio_for,
    with_year_titles,
)
from assessments.tallies import COUNTS, sums_under
from assessments.verdict import evaluate
from pingan.freshness import kept_for_each_place, kept_for_place
from villages.models import Region

UPCOMING = timedelta(days=30)
STATE_COLOURS = {
    "未开始": "#9aa0a6",
    "填报中": "#f9a825",
    "已提交": "#5b8def",
    "已退回": "#ef6c00",
    "镇级已考核": "#00897b",
    "已审定": "#2e7d32",
}


def latest_campaign(town):
    return (
        Campaign.objects.filter(town=town)
        .exclude(status=Campaign.Status.DRAFT)
        .select_related("town", "standard")
        .order_by("-year")
        .first()
    )


def rates_history(town):
    """The town's three rates for every year it ran a campaign, oldest first."""
    campaigns = list(
        Campaign.objects.filter(town=town).exclude(status=Campaign.Status.DRAFT).order_by("year")
    )
    rates = rates_by_campaign(campaigns, target_ratio_for(town))
    return [(campaign.year, rates[campaign.pk]) for campaign in campaigns]


def failing_criteria(campaign):
    """How many villages each criterion failed, by the town's findings and the incidents."""
    criteria = criteria_of(campaign.standard)
    rule = pass_rule_for(campaign.standard, criteria)
    by_id = {c.pk: c for c in criteria}
    judgements = {}
    findings = Finding.objects.filter(
        assessment__campaign=campaign,
        assessment__kind=Assessment.Kind.YEARLY,
        stage=Finding.Stage.TOWN,
    ).values_list("assessment_id", "criterion_id", "veto_occurred", "met", "value", "score")
    for assessment_id, criterion_id, veto, met, value, score in findings:
        judgements.setdefault(assessment_id, {})[by_id[criterion_id].key] = Finding(
            veto_occurred=veto, met=met, value=value, score=score
        ).to_judgement()
    villages = dict(
        Assessment.objects.filter(pk__in=list(judgements)).values_list("pk", "village_id")
    )
    occurred = {}
    for village_id, code, name in Incident.objects.filter(
        village__town=campaign.town,
        occurred_on__year=campaign.year,
        status=Incident.Status.RECORDED,
        category__disqualifying=True,
    ).values_list("village_id", "category__code", "category__name"):
        occurred.setdefault(village_id, {})[code] = name
    failures = Counter()
    for assessment_id, given in judgements.items():
        verdict = evaluate(rule, given, occurred.get(villages[assessment_id], {}))
        failures.update(reason.key for reason in verdict.reasons if reason.key)
    by_key = {c.key: c for c in criteria}
    return [(by_key[key], count) for key, count in failures.most_common()]


@dataclass
class TownDashboard:
    campaign: Campaign | None
    rows: list
    rates: object
    history: list
    failures: list
    open_orders: int
    overdue_orders: int
    incidents: list
    deadlines: list
    state_counts: dict


def town_dashboard(town, today):
    campaign = latest_campaign(town)
    open_statuses = [RectificationOrder.Status.OPEN, RectificationOrder.Status.REPORTED]
    orders = RectificationOrder.objects.filter(village__town=town).aggregate(
        open=Count("id", filter=Q(status__in=open_statuses)),
        overdue=Count("id", filter=RectificationOrder.overdue_q(today)),
    )
    deadlines = [
        (order.deadline, f"{order.village.name}整改期限：{order.problem[:20]}", order)
        for order in RectificationOrder.objects.filter(
            village__town=town,
            status=RectificationOrder.Status.OPEN,
            deadline__gte=today,
            deadline__lte=today + UPCOMING,
        ).select_related("village")
    ]
    history = rates_history(town)
    if campaign is None:
        return TownDashboard(
            None, [], None, history, [], orders["open"], orders["overdue"], [], deadlines, {}
        )
    for due, label in (
        (campaign.self_assessment_due, "村(社区)自评截止"),
        (campaign.town_assessment_due, "镇级考核截止"),
        (campaign.city_review_due, "市级复核截止"),
    ):
        if today <= due <= today + UPCOMING:
            deadlines.append((due, label, None))
    deadlines.sort(key=lambda item: item[0])
    sampled = set(
        SampleEntry.objects.filter(sample__campaign=campaign, sample__is_current=True).values_list(
            "assessment_id", flat=True
        )
    )
    board = with_year_titles(campaign_board(campaign))
    publicity = publicity_counts(town, campaign.year)
    rows = [
        {
            "assessment": assessment,
            "overdue": assessment.is_overdue(today),
            "sampled": assessment.pk in sampled,
            "title": next(iter(assessment.year_titles), None),
            "result": result_sentence(assessment),
            "publicity": publicity.get(assessment.village_id, (0, 0)),
        }
        for assessment in board
    ]
    state_counts = Counter(assessment.get_status_display() for assessment in board)
    incidents = list(
        Incident.objects.filter(village__town=town, occurred_on__year=campaign.year)
        .select_related("village", "category")
        .order_by("-occurred_on")[:20]
    )
    return TownDashboard(
        campaign=campaign,
        rows=rows,
        rates=dict(history)[campaign.year],
        history=history,
        failures=failing_criteria(campaign),
        open_orders=orders["open"],
        overdue_orders=orders["overdue"],
        incidents=incidents,
        deadlines=deadlines,
        state_counts=dict(state_counts),
    )


def _history_chart(history, target, title):
    series = {
        "达标率": [(year, rates.pass_rate.percent) for year, rates in history],
        "复核合格率": [(year, rates.review_pass_rate.percent) for year, rates in history],
        "称号保有率": [(year, rates.holding_rate.percent) for year, rates in history],
    }
    return charts.rates_over_years(series, target, title)


def _overview_html(town, dashboard, today):
    campaign = dashboard.campaign
    failure_rows = [
        (f"{criterion.label} {criterion.title}", count, "")
        for criterion, count in dashboard.failures[:15]
    ]
    return render_to_string(
        "assessments/town_overview.html",
        {
            "town": town,
            "campaign": campaign,
            "dashboard": dashboard,
            "today": today,
            "definitions": DEFINITIONS,
            "history_chart": _history_chart(
                dashboard.history, dashboard.rates.target, f"{town.name}历年达标率、复核合格率"
            ),
            "failure_chart": charts.horizontal_bars(
                failure_rows, f"{campaign.year}年度各条目不达标村(社区)数", unit="个"
            ),
            "state_chart": charts.stacked_states(
                [
                    (label, dashboard.state_counts.get(label, 0), colour)
                    for label, colour in STATE_COLOURS.items()
                ],
                f"{campaign.year}年度创建进度",
            ),
        },
    )


@dataclass
class TownOverview:
    campaign: Campaign | None
    assessed: int
    total: int
    html: str


def town_overview(town, today):
    """The workbench as every reader of the town sees it: its latest campaign, how many of the
    villages the town has assessed, and the page's body, kept until a change filed at the town
    (or a rule above it) and made again on the next day (the overdue marks, the deadlines)."""

    def compute():
        dashboard = town_dashboard(town, today)
        if dashboard.campaign is None:
            return TownOverview(None, 0, 0, "")
        return TownOverview(
            campaign=dashboard.campaign,
            assessed=dashboard.state_counts.get(Assessment.Status.TOWN_ASSESSED.label, 0),
            total=len(dashboard.rows),
            html=_overview_html(town, dashboard, today),
        )

    return kept_for_place(f"workbench:{town.pk}:{today.isoformat()}", town, compute)


SORT_KEYS = {
    "pass_rate": lambda rates: rates.pass_rate.value,
    "review_pass_rate": lambda rates: rates.review_pass_rate.value,
    "holding_rate": lambda rates: rates.holding_rate.value,
}


def campaign_years(region):
    """The years of the campaigns under `region`, newest first, kept between changes below it."""
    return kept_for_place(
        f"years:{region.pk}",
        region,
        lambda: list(
            Campaign.objects.filter(town__path__startswith=region.path)
            .values_list("year", flat=True)
            .distinct()
            .order_by("-year")
        ),
    )


def _sums_of(region, year, children):
    """Each child's sums, kept until a change below that child: after a save in one town, a
    province's ranking sums that town's city again, not the province."""

    def compute(missing):
        within = None if len(missing) == len(children) else [child.path for child in missing]
        sums = sums_under(year, region, missing, within)
        return {child.pk: sums.get(child.pk, dict.fromkeys(COUNTS, 0)) for child in missing}

    return kept_for_each_place(f"sums:{year}", children, compute)


def _ranked(region, year):
    children = list(Region.objects.filter(parent=region).order_by("code"))
    target = target_ratio_for(region) if region.level != Region.Level.TOWN else None
    empty = Rates.none(target)
    sums = _sums_of(region, year, children)
    rows = [(child, Rates(target=target, **sums[child.pk])) for child in children]
    return rows, sum((rates for _, rates in rows), empty)


def _sorted(rows, sort):
    if sort not in SORT_KEYS:
        return rows
    return sorted(
        rows, key=lambda row: (SORT_KEYS[sort](row[1]) is None, -(SORT_KEYS[sort](row[1]) or 0))
    )


def region_ranking(region, year, sort=None):
    """Each child region of `region` with its rates for the year, and the region's sum."""
    rows, total = _ranked(region, year)
    return _sorted(rows, sort), total


@dataclass
class RankingOverview:
    rows: list
    total: object
    html: str


def ranking_overview(region, year, sort=None):
    """The ranking and its table as every reader of the region sees them, kept until a change
    below the region or to a rule above it (the target ratio), one copy per sort order."""
    sort = sort if sort in SORT_KEYS else None

    def compute():
        rows, total = region_ranking(region, year, sort)
        html = render_to_string(
            "assessments/region_ranking.html",
            {
                "region": region,
                "year": year,
                "sort": sort,
                "rows": rows,
                "total": total,
                "definitions": DEFINITIONS,
            },
        )
        return RankingOverview(rows, total, html)

    return kept_for_place(f"ranking:{region.pk}:{year}:{sort}", region, compute)
