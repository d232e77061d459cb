"""What is due, and for whom: the notices on each home page and the daily reminder messages.

A deadline is announced at steps — 7, 3 and 1 day ahead, then once overdue — and each step
has its own key, so the daily command sends each step once even if a run is missed.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse

from assessments.models import (
    Assessment,
    AssessmentEvent,
    Assignment,
    Campaign,
    RectificationOrder,
    SampleEntry,
    SentReminder,
)
from assessments.selectors import latest_assignment_events, my_assignments
from villages.models import Membership, User
from villages.rules import memberships_of

STEPS = (1, 3, 7)
AHEAD = max(STEPS)
Role = Membership.Role


@dataclass(frozen=True)
class Reminder:
    key: str
    text: str
    url: str
    due: date | None = None


def step_of(due, today):
    """The step a deadline has reached (7, 3, 1 days ahead, 0 when past), or None if far."""
    days_left = (due - today).days
    if days_left < 0:
        return 0
    return next((step for step in STEPS if days_left <= step), None)


def _when(due, today):
    days_left = (due - today).days
    if days_left < 0:
        return f"已逾期{-days_left}天"
    if days_left == 0:
        return "今天截止"
    return f"还有{days_left}天"


def _secretary(village, today):
    reminders = []
    current = (
        Assessment.objects.filter(
            village=village,
            kind=Assessment.Kind.YEARLY,
            campaign__status__in=Campaign.OPEN_FOR_WORK,
            status__in=Assessment.EDITABLE_STATUSES,
        )
        .select_related("campaign")
        .order_by("-campaign__year")
        .first()
    )
    if current is not None:
        url = reverse("assessments:assessment_detail", args=[current.pk])
        due = current.effective_due
        step = step_of(due, today)
        if step is not None:
            reminders.append(
                Reminder(
                    f"self-assessment:{current.pk}:{due}:{step}",
                    f"{current.campaign.year}年度自评{due:%Y年%m月%d日}截止，{_when(due, today)}，"
                    "请填报完整后提交。",
                    url,
                    due,
                )
            )
        if current.status == Assessment.Status.RETURNED:
            event = (
                AssessmentEvent.objects.filter(
                    assessment=current, action=AssessmentEvent.Action.RETURNED
                )
                .order_by("-occurred_at", "-id")
                .first()
            )
            reminders.append(
                Reminder(
                    f"returned:{event.pk if event else current.pk}",
                    f"{current.campaign.year}年度自评已被镇平安办退回，请按意见修改后重新提交。",
                    url,
                    due,
                )
            )
        reminders += _handed_in(current)
    return reminders + _orders(Q(village=village), today, with_village=False)


def _handed_in(assessment):
    """Items members handed in, for the secretary to accept or send back: once a hand-in."""
    waiting = list(
        Assignment.objects.filter(
            assessment=assessment, status=Assignment.Status.HANDED_IN
        ).select_related("assignee", "criterion__parent")
    )
    latest = latest_assignment_events(waiting)
    url = reverse("assessments:assessment_assignments", args=[assessment.pk])
    return [
        Reminder(
            f"handed-in:{assignment.pk}:{latest[assignment.pk]}",
            f"{assignment.assignee.display_name}已交回“{assignment.criterion.label} "
            f"{assignment.criterion.title}”，请验收或退回。",
            url,
            assessment.effective_due,
        )
        for assignment in waiting
    ]


def _team_member(user, today):
    """A member's items: each newly assigned or sent back once, then at each step of its
    due date."""
    reminders = []
    assignments = my_assignments(user)
    latest = latest_assignment_events(assignments)
    for assignment in assignments:
        if not assignment.is_open:
            continue
        label = f"{assignment.criterion.label} {assignment.criterion.title}"
        url = reverse(
            "assessments:assessment_criterion",
            args=[assignment.assessment_id, assignment.criterion_id],
        )
        if assignment.status == Assignment.Status.SENT_BACK:
            text = f"书记退回了“{label}”：{assignment.note}"
        else:
            text = f"书记交办“{label}”，{assignment.due_on:%m月%d日}前完成。"
        reminders.append(
            Reminder(
                f"assignment:{assignment.pk}:{latest[assignment.pk]}", text, url, assignment.due_on
            )
        )
        step = step_of(assignment.due_on, today)
        if step is not None:
            reminders.append(
                Reminder(
                    f"assignment-due:{assignment.pk}:{assignment.due_on}:{step}",
                    f"“{label}”{assignment.due_on:%m月%d日}到期，"
                    f"{_when(assignment.due_on, today)}，请填报后交回书记。",
                    url,
                    assignment.due_on,
                )
            )
    return reminders


def _orders(scope, today, with_village):
    reminders = []
    orders = RectificationOrder.objects.filter(
        scope, status=RectificationOrder.Status.OPEN
    ).select_related("village")
    for order in orders.filter(deadline__lte=today + timedelta(days=AHEAD)):
        step = step_of(order.deadline, today)
        place = f"{order.village.name}：" if with_village else ""
        reminders.append(
            Reminder(
                f"order:{order.pk}:{order.deadline}:{step}",
                f"{place}限期整改“{order.problem[:20]}”期限{order.deadline:%m月%d日}，"
                f"{_when(order.deadline, today)}。",
                reverse("assessments:order_detail", args=[order.pk]),
                order.deadline,
            )
        )
    return reminders


def _town_office(town, today):
    reminders = []
    campaigns = Campaign.objects.filter(town=town, status__in=Campaign.OPEN_FOR_WORK).annotate(
        waiting=Count(
            "assessments",
            filter=Q(
                assessments__status=Assessment.Status.SUBMITTED,
                assessments__kind=Assessment.Kind.YEARLY,
            ),
        )
    )
    for campaign in campaigns:
        step = step_of(campaign.town_assessment_due, today)
        if step is not None and campaign.waiting:
            reminders.append(
                Reminder(
                    f"town-assessment:{campaign.pk}:{campaign.town_assessment_due}:{step}",
                    f"{campaign.year}年度镇级考核{campaign.town_assessment_due:%m月%d日}截止，"
                    f"{_when(campaign.town_assessment_due, today)}，"
                    f"尚有{campaign.waiting}个已提交的自评未考核。",
                    reverse("assessments:campaign_detail", args=[campaign.pk]),
                    campaign.town_assessment_due,
                )
            )
    return reminders + _orders(Q(village__town=town), today, with_village=True)


def _city_office(region, today):
    reminders = []
    pending = (
        SampleEntry.objects.filter(
            sample__is_current=True,
            sample__campaign__status=Campaign.Status.CITY_REVIEW,
            sample__campaign__town__path__startswith=region.path,
            assessment__city_passed__isnull=True,
        )
        .values("sample__campaign", "sample__campaign__year", "sample__campaign__town__name")
        .annotate(count=Count("pk"))
        .values_list(
            "sample__campaign",
            "sample__campaign__year",
            "sample__campaign__town__name",
            "sample__campaign__city_review_due",
            "count",
        )
    )
    for campaign_id, year, town_name, due, count in pending:
        step = step_of(due, today)
        if step is not None:
            reminders.append(
                Reminder(
                    f"re-review:{campaign_id}:{due}:{step}",
                    f"{town_name}{year}年度市级复核{due:%m月%d日}截止，{_when(due, today)}，"
                    f"尚有{count}个抽查村(社区)未复核。",
                    reverse("assessments:campaign_review", args=[campaign_id]),
                    due,
                )
            )
    return reminders


def reminders_for(user, today):
    """Everything due for the user, the nearest deadline first."""
    reminders = []
    if any(m.role == Role.VILLAGE_STAFF for m in memberships_of(user)):
        reminders += _team_member(user, today)
    for membership in memberships_of(user):
        if membership.role == Role.SECRETARY:
            reminders += _secretary(membership.village, today)
        elif membership.role == Role.TOWN_OFFICE:
            reminders += _town_office(membership.region, today)
        elif membership.role == Role.CITY_OFFICE:
            reminders += _city_office(membership.region, today)
    return sorted(reminders, key=lambda reminder: (reminder.due or today, reminder.key))


def send_reminders(today, channels):
    """Send each user, by every channel that reaches them, the reminders not sent before;
    returns (users reached, reminders sent)."""
    users_reached = reminders_sent = 0
    holders = (
        User.objects.filter(is_active=True, memberships__isnull=False).distinct().order_by("pk")
    )
    for user in holders:
        reaching = [channel for channel in channels if channel.reaches(user)]
        if not reaching:
            continue
        sent = set(SentReminder.objects.filter(user=user).values_list("key", flat=True))
        fresh = [r for r in reminders_for(user, today) if r.key not in sent]
        if not fresh:
            continue
        lines = [f"{number}. {r.text}" for number, r in enumerate(fresh, start=1)]
        lines.append("\n请登录平安村(社区)创建考评平台办理。")
        with transaction.atomic():
            SentReminder.objects.bulk_create(
                [
                    SentReminder(
                        user=user,
                        key=r.key,
                        text=r.text,
                        channels=",".join(c.name for c in reaching),
                    )
                    for r in fresh
                ]
            )
            for channel in reaching:
                channel.send(user, f"平安村创建待办提醒({len(fresh)}项)", lines)
        users_reached += 1
        reminders_sent += len(fresh)
    return users_reached, reminders_sent
