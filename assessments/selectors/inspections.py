"""Reads of inspections, rectification orders and bulletins within the user's reach."""

from django.http import Http404

from assessments.models import (
    Assessment,
    Bulletin,
    Campaign,
    Inspection,
    RectificationOrder,
)
from assessments.selectors.common import scoped
from villages.rules import region_scope, village_scope


def visible_orders(user):
    return scoped(
        RectificationOrder.objects.select_related(
            "village__town",
            "inspection_finding__criterion__parent",
            "inspection_finding__inspection",
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
    return scoped(
        Inspection.objects.select_related("village", "recorded_by"),
        village_scope(user, "village__"),
    ).order_by("-inspected_on", "-id")


def access_inspection_by_id(user, inspection_id):
    try:
        return visible_inspections(user).get(pk=inspection_id)
    except (Inspection.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该抽查检查记录。") from None


def visible_bulletins(user):
    return scoped(Bulletin.objects.select_related("town"), region_scope(user, "town__"))


def access_bulletin_by_id(user, bulletin_id):
    try:
        return visible_bulletins(user).get(pk=bulletin_id)
    except (Bulletin.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该通报。") from None


def order_history(order):
    return order.events.select_related("actor")


def open_orders_of(villages):
    """Each village's rectification orders not yet accepted, by village id, earliest first."""
    orders = {}
    for order in RectificationOrder.objects.filter(
        village__in=villages,
        status__in=[RectificationOrder.Status.OPEN, RectificationOrder.Status.REPORTED],
    ).order_by("deadline", "id"):
        orders.setdefault(order.village_id, []).append(order)
    return orders


def failing_reasons_of(villages, today):
    """Why each village stands out in its latest year, by village id: a self-assessment
    overdue or submitted late, or a result of 不达标 with its reasons."""
    latest = {}
    for assessment in (
        Assessment.objects.filter(village__in=villages, kind=Assessment.Kind.YEARLY)
        .exclude(campaign__status=Campaign.Status.DRAFT)
        .select_related("campaign")
        .order_by("village_id", "-campaign__year")
    ):
        latest.setdefault(assessment.village_id, assessment)
    reasons = {}
    for village_id, assessment in latest.items():
        year = assessment.campaign.year
        found = []
        if assessment.status in Assessment.EDITABLE_STATUSES and assessment.is_overdue(today):
            found.append(
                f"{year}年度自评逾期未提交(期限{assessment.effective_due:%Y年%m月%d日}，"
                f"{assessment.get_status_display()})"
            )
        elif assessment.submitted_late:
            found.append(f"{year}年度自评逾期提交")
        if assessment.result_passed is False:
            found.append(f"{year}年度考评不达标：" + "；".join(assessment.result_reasons))
        elif assessment.result_passed is None and assessment.town_passed is False:
            found.append(f"{year}年度镇级考核不达标：" + "；".join(assessment.town_reasons))
        if found:
            reasons[village_id] = found
    return reasons
