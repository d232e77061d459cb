"""Reads of the audit trail, scoped to the offices' places."""

from datetime import datetime, time

from django.db.models import Q
from django.utils import timezone

from audit.models import AuditEntry
from pingan.params import text_param
from villages.rules import has_regional_role, is_administrator, region_scope


def may_read_trail(user):
    return is_administrator(user) or has_regional_role(user)


def visible_entries(user):
    """The administrator reads the whole trail; an office the entries about its own place."""
    entries = AuditEntry.objects.select_related("village", "region").order_by("-sequence")
    scope = region_scope(user, "region__")
    return entries if scope is None else entries.filter(scope)


def _day(text, end=False):
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except (TypeError, ValueError):
        return None
    return timezone.make_aware(datetime.combine(day, time.max if end else time.min))


def filtered_entries(user, params):
    """`visible_entries` narrowed by the page's filters: village (code or name), person
    (account or name), action (its beginning), and dates from and until."""
    entries = visible_entries(user)
    if village := text_param(params, "village"):
        entries = entries.filter(Q(village__code=village) | Q(village__name__contains=village))
    if person := text_param(params, "person"):
        entries = entries.filter(Q(actor_name=person) | Q(actor__full_name__contains=person))
    if action := text_param(params, "action"):
        entries = entries.filter(action__startswith=action)
    if since := _day(params.get("since")):
        entries = entries.filter(occurred_at__gte=since)
    if until := _day(params.get("until"), end=True):
        entries = entries.filter(occurred_at__lte=until)
    return entries
