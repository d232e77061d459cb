"""Reads of the standards: criteria in order, as a tree, and the pass rule."""

from django.db import connection
from django.http import Http404

from assessments.models import (
    Criterion,
    Standard,
)
from assessments.verdict import PassRule

_pinned_criteria = {}
_standard_of_pinned_criterion = {}


def _with_parents(criteria):
    """{id: criterion} in print order, each criterion's parent attached from the same read."""
    by_id = {criterion.pk: criterion for criterion in criteria.order_by("order", "id")}
    for criterion in by_id.values():
        criterion.parent = by_id.get(criterion.parent_id)
    return by_id


def criteria_of(standard):
    """All criteria of a version in print order, parents attached without further queries."""
    criteria = list(
        _with_parents(
            Criterion.objects.filter(standard=standard).select_related("incident_category")
        ).values()
    )
    for criterion in criteria:
        criterion.standard = standard
    return criteria


def criteria_by_id(standard_id):
    """The criteria of a version by id, in print order, each with its standard and parent.
    A pinned version never changes again (Standard.TRANSITIONS), so each process reads its
    criteria once, for every request that answers or reviews an item; an editable version is
    read afresh."""
    kept = _pinned_criteria.get(standard_id)
    if kept is not None:
        return kept
    by_id = _with_parents(
        Criterion.objects.filter(standard_id=standard_id).select_related(
            "standard", "incident_category"
        )
    )
    first = next(iter(by_id.values()), None)
    # Kept only from committed rows: a pin inside a transaction that then rolls back leaves
    # the version editable.
    if first is not None and not first.standard.is_editable and not connection.in_atomic_block:
        _pinned_criteria[standard_id] = by_id
        _standard_of_pinned_criterion.update(dict.fromkeys(by_id, standard_id))
    return by_id


def access_criterion_by_id(criterion_id):
    """An item by its id alone, as `criteria_by_id` keeps it, for a request that builds its
    form from the item before the change reads the assessment (and checks the item is of its
    standard). Items are not secret; 404 when there is none."""
    standard_id = _standard_of_pinned_criterion.get(criterion_id)
    if standard_id is None:
        standard_id = (
            Criterion.objects.filter(pk=criterion_id).values_list("standard_id", flat=True).first()
        )
    if standard_id is None:
        raise Http404("未找到该条目。")
    return criteria_by_id(standard_id)[criterion_id]


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


def judged_criteria_count(standard):
    return Criterion.objects.filter(standard=standard).exclude(kind=Criterion.Kind.GROUP).count()
