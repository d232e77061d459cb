"""Reads of inspections, rectification orders and bulletins within the user's reach."""

from django.http import Http404

from assessments.models import (
    Bulletin,
    Inspection,
    RectificationOrder,
)
from assessments.selectors.common import scoped
from villages.rules import region_scope, village_scope


def visible_orders(user):
    return scoped(
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
