"""Reads of titles and incidents within the user's reach, and a village's timeline."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from assessments.models import (
    Assessment,
    AssessmentEvent,
    Campaign,
    Incident,
    NamingBatch,
    RectificationEvent,
    Title,
    TitleEvent,
)
from assessments.selectors.common import assessed_record_scope, assessment_scope, scoped
from villages.rules import village_scope
from villages.selectors import visible_regions


def occurred_categories(village, year):
    """{code: name} of the disqualifying categories of the village's standing incidents in the
    year: what the verdict engine vetoes on."""
    return dict(
        Incident.objects.filter(
            village=village,
            occurred_on__year=year,
            status=Incident.Status.RECORDED,
            category__disqualifying=True,
        ).values_list("category__code", "category__name")
    )


def visible_incidents(user):
    return scoped(
        Incident.objects.select_related("village__town", "category", "recorded_by"),
        village_scope(user, "village__"),
    )


def access_incident_by_id(user, incident_id):
    try:
        return visible_incidents(user).get(pk=incident_id)
    except (Incident.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该案事件。") from None


def visible_titles(user):
    return scoped(
        Title.objects.select_related("village__town", "naming", "assessment__campaign__town"),
        assessed_record_scope(user),
    )


def visible_namings(user):
    """The province's naming batches, public to everyone working in the province."""
    return (
        NamingBatch.objects.filter(province__in=visible_regions(user))
        .select_related("province")
        .order_by("-first_year", "-id")
    )


def access_naming_by_id(user, naming_id):
    try:
        return visible_namings(user).get(pk=naming_id)
    except (NamingBatch.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该命名批次。") from None


def access_title_by_id(user, title_id):
    try:
        return visible_titles(user).get(pk=title_id)
    except (Title.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该称号。") from None


def title_revocation(title, events):
    """The event that took a revoked title away, with its incident; None while it is valid."""
    if title.status != Title.Status.REVOKED:
        return None
    return next((e for e in reversed(events) if e.action == TitleEvent.Action.REVOKED), None)


def with_year_titles(assessments):
    """Assessments (a queryset or a list) with the 平安村 title each one earned and the events
    that revoked it, fetched in two more queries whatever their number, for result_sentence."""
    revocations = (
        TitleEvent.objects.filter(action=TitleEvent.Action.REVOKED)
        .select_related("incident__category")
        .order_by("occurred_at")
    )
    titles = Title.objects.filter(kind=Title.Kind.SAFE_VILLAGE).prefetch_related(
        Prefetch("events", queryset=revocations, to_attr="revocations")
    )
    lookup = Prefetch("titles", queryset=titles, to_attr="year_titles")
    if isinstance(assessments, QuerySet):
        return assessments.prefetch_related(lookup)
    prefetch_related_objects(assessments, lookup)
    return assessments


def _day(moment):
    return f"{moment.year}年{moment.month}月{moment.day}日"


def result_sentence(assessment):
    """A village's result of a year in one sentence, its reasons in order: the town's verdict,
    the city's re-review, a result withdrawn afterwards, and what became of the title
    (`达标，市级复核合格；2026年10月1日因命案撤销称号`). Reads what with_year_titles fetched."""
    if assessment.town_passed is None:
        return f"{assessment.get_status_display()}，尚未考核"
    sentence = assessment.town_verdict_label
    if assessment.town_passed is False and assessment.town_reasons:
        sentence += f"（{'；'.join(assessment.town_reasons)}）"
    if assessment.city_passed is True:
        sentence += "，市级复核合格"
    elif assessment.city_passed is False:
        sentence += f"，市级复核不合格（{'；'.join(assessment.city_reasons)}）"
    withdrawn = [
        reason
        for reason in assessment.result_reasons
        if reason not in assessment.town_reasons and not reason.startswith("市级复核不合格")
    ]
    if assessment.result_passed is False and withdrawn:
        sentence += f"；年度结果取消（{'；'.join(withdrawn)}）"
    for title in getattr(assessment, "year_titles", []):
        if title.status == Title.Status.VALID:
            sentence += f"；获{title.period_label}{title.get_kind_display()}称号"
        elif title.revocations:
            revocation = title.revocations[-1]
            incident = revocation.incident
            if incident:
                sentence += f"；{_day(incident.occurred_on)}因{incident.category.name}撤销称号"
            else:
                revoked_on = _day(timezone.localtime(revocation.occurred_at))
                sentence += f"；{revoked_on}撤销称号（{revocation.reason}）"
    return sentence


def village_results(village, user):
    """(assessment, result sentence) of each year of the village the user may see, newest
    first; the village is one the caller already reached through an access_* selector."""
    assessments = with_year_titles(
        scoped(
            Assessment.objects.filter(village=village, kind=Assessment.Kind.YEARLY),
            assessment_scope(user),
        )
        .exclude(campaign__status=Campaign.Status.DRAFT)
        .select_related("campaign")
        .order_by("-campaign__year")
    )
    return [(assessment, result_sentence(assessment)) for assessment in assessments]


def recent_revocations(user, since):
    """Titles revoked by incidents since a moment, within the user's reach."""
    return scoped(
        TitleEvent.objects.filter(
            action=TitleEvent.Action.REVOKED, incident__isnull=False, occurred_at__gte=since
        ),
        assessed_record_scope(user, "title__"),
    )


@dataclass(frozen=True)
class TimelineEntry:
    moment: datetime
    year: int
    kind: str
    text: str
    url: str = ""


def village_timeline(village, user):
    """Everything that happened to a village that the user may see, oldest first, for reading
    before a meeting: the years another town ran stay with that town."""
    entries = []
    assessment_events = scoped(
        AssessmentEvent.objects.filter(assessment__village=village),
        assessment_scope(user, "assessment__"),
    ).select_related("assessment__campaign", "actor")
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
    title_events = scoped(
        TitleEvent.objects.filter(title__village=village), assessed_record_scope(user, "title__")
    )
    for event in title_events.select_related("title"):
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


def titles_an_incident_revokes(village, occurred_on):
    """The valid titles a disqualifying incident on `occurred_on` takes from the village: its
    示范村 naming, and its 平安村 title of that year."""
    return Title.objects.filter(
        Q(kind=Title.Kind.DEMONSTRATION)
        | Q(kind=Title.Kind.SAFE_VILLAGE, first_year=occurred_on.year),
        village=village,
        status=Title.Status.VALID,
    )
