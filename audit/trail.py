"""Writing to the audit trail and proving it whole.

The services call `record` (or `record_many` for a bulk write) inside the transaction of the
change, so an entry exists exactly when its change was committed. Entries are numbered without
gaps and chained by an HMAC keyed outside the database; checkpoints (a number and a hash,
signed with an Ed25519 key also kept outside) are made at least daily and whenever a document
is filed or issued, and printed on it, so the trail can be checked against paper.
"""

import contextvars
import json
from dataclasses import dataclass
from datetime import timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.constants import OnConflict
from django.db.models.sql.subqueries import InsertQuery, UpdateQuery
from django.utils import timezone

from audit.models import AuditCheckpoint, AuditEntry, AuditHead, PlaceVersion
from villages.models import Region, Village

GENESIS = "0" * 64
CHECKPOINT_EVERY = timedelta(days=1)
current_address = contextvars.ContextVar("audit_current_address", default=None)

# Where an audited object keeps the village or the region it belongs to, first match wins.
VILLAGE_PATHS = (
    "village",
    "assessment.village",
    "order.village",
    "title.village",
    "incident.village",
    "inspection.village",
)
REGION_PATHS = ("town", "campaign.town", "city", "province", "region", "pass_list.campaign.town")


def _plain(value):
    """JSON-safe data (dates, decimals and the like become strings)."""
    return None if value is None else json.loads(json.dumps(value, default=str))


def _to_milliseconds(moment):
    """Backups (dumpdata) keep milliseconds; a restored chain must hash the same."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _follow(target, path):
    value = target
    for name in path.split("."):
        value = getattr(value, name, None)
        if value is None:
            return None
    return value


def place_of(target):
    """(village, region) an entry about `target` is filed under, for the offices' pages."""
    if target is None:
        return None, None
    if isinstance(target, Village):
        return target, target.town
    if isinstance(target, Region):
        return None, target
    for path in VILLAGE_PATHS:
        village = _follow(target, path)
        if isinstance(village, Village):
            return village, village.town
    for path in REGION_PATHS:
        region = _follow(target, path)
        if isinstance(region, Region):
            return None, region
    return None, None


def _lock_head():
    head, _ = AuditHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_hash": GENESIS}
    )
    return head


def _moved_places(entries):
    """Each place an entry is filed under, and each region above it, now last changed with
    that entry (audit.models.PlaceVersion)."""
    moved = {}
    for entry in entries:
        if entry.region is None:
            continue
        moved[(entry.region.code, PlaceVersion.Scope.AT)] = entry.sequence
        for code in entry.region.path_codes:
            moved[(code, PlaceVersion.Scope.UNDER)] = entry.sequence
    return [
        PlaceVersion(place=place, scope=scope, sequence=sequence)
        for (place, scope), sequence in moved.items()
    ]


HEAD_FIELDS = ("count", "last_hash", "checkpointed_at")
# A place's version row is the one of its (place, scope); a later entry moves its sequence.
PLACE_KEY = ("place", "scope")


def _write(head, entries, places):
    """The entries, the places' versions and the head, written while the head is locked."""
    if connection.vendor == "postgresql":
        _write_at_once(head, entries, places)
        return
    AuditEntry.objects.bulk_create(entries)
    if places:
        PlaceVersion.objects.bulk_create(
            places,
            update_conflicts=True,
            unique_fields=PLACE_KEY,
            update_fields=["sequence"],
        )
    head.save(update_fields=HEAD_FIELDS)


def _insert_sql(model, rows, returning=(), **conflict):
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    query = InsertQuery(model, **conflict)
    query.insert_values(fields, rows)
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = list(returning)
    ((sql, params),) = compiler.as_sql()
    return sql, list(params)


def _write_at_once(head, entries, places):
    """On PostgreSQL the three writes are one statement: every writer waits for the head's
    lock, so each round trip saved while holding it is saved for every writer behind."""
    update = UpdateQuery(AuditHead)
    update.add_update_values({name: getattr(head, name) for name in HEAD_FIELDS})
    update.add_q(Q(pk=head.pk))
    head_sql, head_params = update.get_compiler(connection=connection).as_sql()
    parts, params = [f"moved_head AS ({head_sql})"], list(head_params)
    if places:
        meta = PlaceVersion._meta
        place_sql, place_params = _insert_sql(
            PlaceVersion,
            places,
            on_conflict=OnConflict.UPDATE,
            update_fields=[meta.get_field("sequence")],
            unique_fields=[meta.get_field(name) for name in PLACE_KEY],
        )
        parts.append(f"moved_places AS ({place_sql})")
        params += place_params
    entry_sql, entry_params = _insert_sql(AuditEntry, entries, returning=[AuditEntry._meta.pk])
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(parts)} {entry_sql}", params + entry_params)
        for entry, (pk,) in zip(entries, cursor.fetchall(), strict=True):
            entry.pk = pk
            entry._state.adding, entry._state.db = False, connection.alias


# Who hears of entries once their transaction commits (the API's webhooks): the trail is the
# one place every change passes, so integrators hear of exactly what was recorded.
_listeners = []
# Who hears of entries at once, inside the writing transaction: what must not wait for the
# commit, such as retiring a kept read (which its listener does again after the commit).
_watchers = []


def listen_to_entries(listener):
    """Call `listener(entries)` after each commit that recorded entries."""
    if listener not in _listeners:
        _listeners.append(listener)


def watch_entries(watcher):
    """Call `watcher(entries)` as soon as entries are recorded, before their commit."""
    if watcher not in _watchers:
        _watchers.append(watcher)


def _tell_listeners(entries):
    for listener in _listeners:
        listener(entries)


def record_many(*, action, actor=None, changes, address=None):
    """One entry per (target, before, after) in `changes`, all under one turn of the lock."""
    changes = list(changes)
    if not changes:
        return []
    # Their places are looked up before the lock every writer waits for is taken.
    places = [place_of(target) for target, _, _ in changes]
    # No savepoint of its own: an entry that fails to be written fails the change it records.
    with transaction.atomic(savepoint=False):
        head = _lock_head()
        now = _to_milliseconds(timezone.now())
        signed_in = actor is not None and actor.is_authenticated
        entries = []
        for (target, before, after), (village, region) in zip(changes, places, strict=True):
            entry = AuditEntry(
                sequence=head.count + 1,
                occurred_at=now,
                actor=actor if signed_in else None,
                actor_name=getattr(actor, "username", "") or "",
                address=address or current_address.get(),
                action=action,
                object_type=target._meta.label if target is not None else "",
                object_id=str(target.pk) if target is not None else "",
                object_repr=str(target)[:200] if target is not None else "",
                village=village,
                region=region,
                before=_plain(before),
                after=_plain(after),
                previous_hash=head.last_hash,
            )
            entry.entry_hash = entry.compute_hash()
            head.count, head.last_hash = entry.sequence, entry.entry_hash
            entries.append(entry)
        if head.checkpointed_at is None or now - head.checkpointed_at >= CHECKPOINT_EVERY:
            _sign(head, "每日检查点", now)
        _write(head, entries, _moved_places(entries))
        for watcher in _watchers:
            watcher(entries)
        if _listeners:
            transaction.on_commit(lambda: _tell_listeners(entries))
        return entries


def record(*, action, actor=None, target=None, before=None, after=None, address=None):
    return record_many(
        action=action, actor=actor, changes=[(target, before, after)], address=address
    )[0]


def _private_key():
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(settings.AUDIT_SIGNING_KEY))


def public_key_hex():
    key = _private_key().public_key()
    return key.public_bytes_raw().hex()


def _sign(head, reason, now):
    checkpoint = AuditCheckpoint(
        sequence=head.count,
        entry_hash=head.last_hash,
        signed_at=now.replace(microsecond=0),
        reason=reason[:200],
    )
    checkpoint.signature = _private_key().sign(checkpoint.message()).hex()
    checkpoint.save()
    head.checkpointed_at = now
    return checkpoint


def make_checkpoint(reason):
    """Sign where the trail stands now (the caller's entries included) and keep it."""
    with transaction.atomic():
        head = _lock_head()
        checkpoint = _sign(head, reason, timezone.now())
        head.save(update_fields=["checkpointed_at"])
        return checkpoint


def signature_holds(checkpoint, public_key=None):
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key or public_key_hex()))
    try:
        key.verify(bytes.fromhex(checkpoint.signature), checkpoint.message())
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class Claim:
    """What a checkpoint says, however it reached us: printed (a hash prefix), exported or
    kept in the database (the whole hash and a signature)."""

    sequence: int
    hash_prefix: str
    source: str

    @classmethod
    def parse(cls, text, source="打印件"):
        sequence, _, prefix = text.strip().partition(":")
        if not sequence.isdigit() or len(prefix) < 16:
            raise ValueError(f"检查点应写作“序号:摘要前16位”，如“1234:0f3a9c…”；收到“{text}”。")
        return cls(int(sequence), prefix.lower(), source)


def verify(claims=()):
    """The first problem with the trail as (sequence, message), or None when it is whole:
    the numbering without gaps, the keyed chain, the head, every stored checkpoint's
    signature, and each claim (stored, exported or printed) matched by the entry it names."""
    expected_previous, expected_sequence = GENESIS, 1
    hashes = {}
    wanted = {claim.sequence for claim in claims}
    stored = list(AuditCheckpoint.objects.order_by("sequence", "id"))
    wanted |= {checkpoint.sequence for checkpoint in stored}
    for entry in AuditEntry.objects.order_by("sequence").iterator():
        if entry.sequence != expected_sequence:
            return expected_sequence, f"第 {expected_sequence} 条记录缺失(序号不连续)"
        if entry.previous_hash != expected_previous:
            return entry.sequence, f"第 {entry.sequence} 条之前的记录被删除或篡改(前一条摘要不符)"
        if entry.compute_hash() != entry.entry_hash:
            return entry.sequence, f"第 {entry.sequence} 条记录被篡改(摘要不符)"
        if entry.sequence in wanted:
            hashes[entry.sequence] = entry.entry_hash
        expected_previous, expected_sequence = entry.entry_hash, expected_sequence + 1
    last = expected_sequence - 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != expected_previous or head.count != last):
        return last, "链尾的记录被删除(链头与最后一条不符)"
    for checkpoint in stored:
        if not signature_holds(checkpoint):
            return checkpoint.sequence, (
                f"检查点 {checkpoint.printed} 的签名无效(检查点被伪造或改动)"
            )
    everything = [Claim(c.sequence, c.entry_hash, "数据库中的检查点") for c in stored]
    for claim in [*everything, *claims]:
        if claim.sequence == 0:
            continue
        if claim.sequence > last:
            return last, (
                f"{claim.source}证明曾有第 {claim.sequence} 条记录，现仅余 {last} 条(记录被截断)"
            )
        if not hashes[claim.sequence].startswith(claim.hash_prefix):
            return claim.sequence, (
                f"第 {claim.sequence} 条记录的摘要与{claim.source}不符(此前的记录被改写)"
            )
    return None
