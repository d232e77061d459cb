"""Reads of titles and incidents within the user's reach, and a village's timeline."""

from dataclasses import dataclass
from datetime import datetime

from django.http import Http404
from django.urls import reverse

from assessments.models import (
    Assessment,
    AssessmentEvent,
    Incident,
    RectificationEvent,
    Title,
    TitleEvent,
)
from assessments.selectors.common import scoped
from villages.rules import village_scope


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
        Title.objects.select_related("village__town", "naming"),
        village_scope(user, "village__"),
    )


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


def recent_revocations(user, since):
    """Titles revoked by incidents since a moment, within the user's reach."""
    return scoped(
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
