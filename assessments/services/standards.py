"""Writes of the standards: pinning a version, copying it as a new version."""

from django.db import transaction

from assessments.models import (
    Criterion,
    Standard,
    StandardEvent,
)
from assessments.services.common import move_state, record_event, require
from pingan.errors import InvalidInput


@transaction.atomic
def pin_standard(*, actor, standard_id, reason):
    """Freeze a version once a campaign relies on it; its results are judged by it forever."""
    require(actor, "assessments.pin_standard", "您没有启用创建标准的权限。")
    standard = Standard.objects.select_for_update().get(pk=standard_id)
    if standard.status == Standard.Status.PINNED:
        return standard
    if not standard.criteria.exclude(kind=Criterion.Kind.GROUP).exists():
        raise InvalidInput(f"标准“{standard}”没有可评判的条目，不能启用。")
    move_state(
        standard,
        Standard.Status.PINNED,
        StandardEvent,
        actor=actor,
        reason=reason,
        kind=StandardEvent.Kind.PINNED,
        refusal=f"标准“{standard}”当前为{standard.get_status_display()}，"
        f"不能变更为{Standard.Status.PINNED.label}。",
    )
    standard.save(update_fields=["status"])
    return standard


@transaction.atomic
def copy_standard_as_new_version(*, actor, standard_id, effective_year=None):
    """Make the next, editable version; criteria keep their keys so years stay comparable."""
    require(actor, "assessments.manage_standards", "只有系统管理员可以维护创建标准。")
    source = Standard.objects.select_for_update().get(pk=standard_id)
    latest = Standard.objects.filter(code=source.code).order_by("-version").first()
    copy = Standard.objects.create(
        code=source.code,
        name=source.name,
        kind=source.kind,
        version=latest.version + 1,
        effective_year=effective_year or source.effective_year + 1,
        source_document=source.source_document,
        pass_mark=source.pass_mark,
        copied_from=source,
    )
    criteria = list(source.criteria.order_by("order", "id"))
    parent_of = {c.pk: c.parent_id for c in criteria}

    def depth(pk):
        levels = 0
        while parent_of.get(pk):
            pk, levels = parent_of[pk], levels + 1
        return levels

    copies = {}
    for criterion in sorted(criteria, key=lambda c: depth(c.pk)):
        old_pk = criterion.pk
        criterion.pk = None
        criterion.standard = copy
        criterion.parent = copies.get(criterion.parent_id)
        criterion.save()
        copies[old_pk] = criterion
    record_event(
        StandardEvent,
        copy,
        actor,
        "",
        f"复制自第{source.version}版",
        kind=StandardEvent.Kind.COPIED,
    )
    return copy
