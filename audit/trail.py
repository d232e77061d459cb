"""Writing to the audit trail; every entry extends the hash chain inside the caller's
transaction, so an entry exists exactly when the change it records was committed."""

import contextvars
import json

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry, AuditHead

GENESIS = "0" * 64
current_address = contextvars.ContextVar("audit_current_address", default=None)


def _plain(value):
    """JSON-safe data (dates, decimals and the like become strings)."""
    return None if value is None else json.loads(json.dumps(value, default=str))


def _to_milliseconds(moment):
    """Backups (dumpdata) keep milliseconds; a restored chain must hash the same."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def record(*, action, actor=None, target=None, before=None, after=None, address=None):
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS}
        )
        entry = AuditEntry(
            occurred_at=_to_milliseconds(timezone.now()),
            actor=actor if actor is not None and actor.is_authenticated else None,
            actor_name=getattr(actor, "username", "") or "",
            address=address or current_address.get(),
            action=action,
            object_type=target._meta.label if target is not None else "",
            object_id=str(target.pk) if target is not None else "",
            object_repr=str(target)[:200] if target is not None else "",
            before=_plain(before),
            after=_plain(after),
            previous_hash=head.last_hash,
        )
        entry.entry_hash = entry.compute_hash()
        entry.save()
        head.last_hash = entry.entry_hash
        head.save(update_fields=["last_hash"])
        return entry


def verify():
    """The first problem in the chain as (entry id, message), or None when it is whole."""
    expected_previous = GENESIS
    for entry in AuditEntry.objects.order_by("id").iterator():
        if entry.previous_hash != expected_previous:
            return entry.pk, f"第 {entry.pk} 条之前的记录被删除或篡改(前一条摘要不符)"
        if entry.compute_hash() != entry.entry_hash:
            return entry.pk, f"第 {entry.pk} 条记录被篡改(摘要不符)"
        expected_previous = entry.entry_hash
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != expected_previous:
        return None, "链尾的记录被删除(链头摘要与最后一条不符)"
    return None
