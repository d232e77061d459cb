"""Writes to the administrative tree. Each records who changed what, from what, and why."""

from django.db import transaction

from audit.trail import record_many
from pingan.errors import InvalidInput, InvalidTransition, NotPermitted
from villages.models import Village, VillageEvent
from villages.rules import is_administrator

PROFILE_FIELDS = (
    "kind",
    "secretary_name",
    "secretary_phone",
    "grid_count",
    "camera_count",
    "grid_worker_count",
    "auxiliary_police_count",
    "legal_adviser_count",
    "mediation_director_count",
    "patrol_team_size",
)


def _require_administrator(actor):
    if not is_administrator(actor):
        raise NotPermitted("只有系统管理员可以维护行政区划和村(社区)名录。")


def record_village_events(events, batch_size=None):
    """Save `events` (unsaved VillageEvent rows of one actor) and give each its audit entry."""
    events = VillageEvent.objects.bulk_create(events, batch_size=batch_size)
    by_kind = {}
    for event in events:
        by_kind.setdefault(event.kind, []).append(event)
    for kind, same in by_kind.items():
        record_many(
            action=f"village.{kind}",
            actor=same[0].actor,
            changes=[
                (
                    event.village,
                    {"value": event.from_value} if event.from_value else None,
                    {"value": event.to_value, "reason": event.reason},
                )
                for event in same
            ],
        )
    return events


def _describe(village, fields):
    return "；".join(
        f"{Village._meta.get_field(name).verbose_name}：{getattr(village, name)}" for name in fields
    )


@transaction.atomic
def create_village(*, actor, code, name, town, reason="", **profile):
    _require_administrator(actor)
    if Village.objects.filter(code=code).exists():
        raise InvalidInput(f"统计用区划代码 {code} 已被其他村(社区)使用。")
    unknown = set(profile) - set(PROFILE_FIELDS)
    if unknown:
        raise InvalidInput("未知的村(社区)信息项：" + "、".join(sorted(unknown)))
    village = Village(code=code, name=name, town=town, **profile)
    village.full_clean()
    village.save()
    record_village_events(
        [
            VillageEvent(
                village=village,
                kind=VillageEvent.Kind.CREATED,
                actor=actor,
                to_value=f"{village.code} {village.name}",
                reason=reason,
            )
        ]
    )
    return village


@transaction.atomic
def update_village(*, actor, village_id, changes, reason=""):
    """Apply `changes` (field name → new value); a rename keeps the old name in history."""
    _require_administrator(actor)
    village = Village.objects.select_for_update().get(pk=village_id)
    unknown = set(changes) - {"name", "town", "is_active", *PROFILE_FIELDS}
    if unknown:
        raise InvalidInput("不能通过此操作修改：" + "、".join(sorted(unknown)))
    if changes.get("is_active") and village.merged_into_id:
        raise InvalidTransition(f"{village.name}已并入{village.merged_into}，不能恢复参与创建。")

    before = {name: getattr(village, name) for name in changes}
    for name, value in changes.items():
        setattr(village, name, value)
    village.full_clean()
    village.save()

    events = []
    if "name" in changes and before["name"] != village.name:
        events.append((VillageEvent.Kind.RENAMED, before["name"], village.name))
    if "town" in changes and before["town"] != village.town:
        events.append((VillageEvent.Kind.PROFILE_CHANGED, str(before["town"]), str(village.town)))
    if "is_active" in changes and before["is_active"] != village.is_active:
        kind = VillageEvent.Kind.ACTIVATED if village.is_active else VillageEvent.Kind.DEACTIVATED
        events.append((kind, "", ""))
    changed_profile = [
        name for name in PROFILE_FIELDS if name in changes and before[name] != changes[name]
    ]
    if changed_profile:
        old = Village(**{name: before[name] for name in changed_profile})
        events.append(
            (
                VillageEvent.Kind.PROFILE_CHANGED,
                _describe(old, changed_profile),
                _describe(village, changed_profile),
            )
        )
    record_village_events(
        [
            VillageEvent(
                village=village,
                kind=kind,
                actor=actor,
                from_value=from_value,
                to_value=to_value,
                reason=reason,
            )
            for kind, from_value, to_value in events
        ]
    )
    return village


@transaction.atomic
def merge_village(*, actor, village_id, into_village_id, reason):
    """Fold one village into another: it stops taking part, its history stays."""
    _require_administrator(actor)
    if not reason.strip():
        raise InvalidInput("合并村(社区)须说明原因(如区划调整文件)。")
    if village_id == into_village_id:
        raise InvalidInput("不能将村(社区)并入其自身。")
    locked = {
        v.pk: v
        for v in Village.objects.select_for_update()
        .filter(pk__in=[village_id, into_village_id])
        .order_by("pk")
    }
    village, target = locked.get(village_id), locked.get(into_village_id)
    if village is None or target is None:
        raise InvalidInput("未找到要合并的村(社区)。")
    if village.merged_into_id:
        raise InvalidTransition(f"{village.name}已并入{village.merged_into}。")
    if not target.is_active:
        raise InvalidTransition(f"{target.name}已停止参与创建，不能作为合并目标。")
    village.merged_into = target
    village.is_active = False
    village.save(update_fields=["merged_into", "is_active"])
    record_village_events(
        [
            VillageEvent(
                village=village,
                kind=VillageEvent.Kind.MERGED,
                actor=actor,
                from_value=village.name,
                to_value=f"并入{target.name}({target.code})",
                reason=reason,
            )
        ]
    )
    return village
