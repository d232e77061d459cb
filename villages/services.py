"""Writes to the administrative tree. Each records who changed what, from what, and why."""

import re
import secrets

from django.db import transaction

from audit.trail import record, record_many
from pingan.errors import InvalidInput, InvalidTransition, NotPermitted
from villages.models import Grid, Membership, User, Village, VillageEvent
from villages.rules import is_administrator

# Letters and digits that cannot be mistaken for one another when read aloud or off a screen.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
PASSWORD_LENGTH = 10
MOBILE = re.compile(r"^1\d{10}$")

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


def _lock_team_village(actor, village_id):
    village = Village.objects.select_for_update().select_related("town").filter(pk=village_id)
    village = village.first()
    if village is None or not actor.has_perm("villages.manage_team", village):
        raise NotPermitted("只有本村(社区)党组织书记或镇平安办可以维护工作人员和网格。")
    return village


def _one_time_password():
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


@transaction.atomic
def add_team_member(*, actor, village_id, full_name, phone, post):
    """A member of the village's team (村(社区)工作人员), signing in with their phone number.

    Returns (membership, password): a new account gets a one-time password, shown once and
    changed at the first sign-in; an account the phone number already has keeps its own
    (password None)."""
    village = _lock_team_village(actor, village_id)
    full_name, phone, post = full_name.strip(), phone.strip(), post.strip()
    if not full_name:
        raise InvalidInput("请填写工作人员姓名。")
    if not MOBILE.match(phone):
        raise InvalidInput(f"手机号码“{phone}”不是 11 位手机号，请核对。")
    if not post:
        raise InvalidInput("请填写工作人员的岗位，如网格员、辅警、治保调解主任。")
    user = User.objects.select_for_update().filter(username=phone).first()
    password = None
    if user is None:
        password = _one_time_password()
        user = User(username=phone, full_name=full_name, phone=phone, password_must_change=True)
        user.set_password(password)
        user.save()
        record(
            action="user.created",
            actor=actor,
            target=user,
            after={"username": phone, "full_name": full_name, "for": village.code},
        )
    membership, created = Membership.objects.get_or_create(
        user=user,
        role=Membership.Role.VILLAGE_STAFF,
        village=village,
        region=None,
        defaults={"post": post},
    )
    if not created and membership.is_active:
        raise InvalidTransition(f"{user.display_name}已是{village.name}的工作人员。")
    before = None if created else {"is_active": False, "post": membership.post}
    membership.post, membership.is_active = post, True
    membership.save()
    record(
        action="team.member_added",
        actor=actor,
        target=membership,
        before=before,
        after={"user": user.username, "full_name": user.full_name, "post": post},
    )
    return membership, password


@transaction.atomic
def end_team_membership(*, actor, membership_id, village_id, reason):
    """A member leaves the team: they lose their reach at once; what they did stays theirs."""
    _lock_team_village(actor, village_id)
    membership = (
        Membership.objects.select_for_update()
        .filter(pk=membership_id, role=Membership.Role.VILLAGE_STAFF, village_id=village_id)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise InvalidInput("未找到该工作人员。")
    if not membership.is_active:
        raise InvalidTransition(f"{membership.user.display_name}已不在工作人员名单中。")
    if not reason.strip():
        raise InvalidInput("请说明调整原因，如岗位变动、离任。")
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    record(
        action="team.member_left",
        actor=actor,
        target=membership,
        before={"is_active": True},
        after={"is_active": False, "reason": reason.strip()},
    )
    return membership


@transaction.atomic
def save_grid(*, actor, village_id, name, households, grid_worker_id=None):
    """Register a 网格 of the village, or change the one of that name; its 网格员 is a member
    of the village's team."""
    village = _lock_team_village(actor, village_id)
    name = name.strip()
    if not name:
        raise InvalidInput("请填写网格名称。")
    if households is None or households < 0:
        raise InvalidInput("户数须为不小于 0 的整数。")
    worker = None
    if grid_worker_id:
        worker = User.objects.filter(
            pk=grid_worker_id,
            memberships__village=village,
            memberships__role=Membership.Role.VILLAGE_STAFF,
            memberships__is_active=True,
        ).first()
        if worker is None:
            raise InvalidInput("网格员须是本村(社区)在册的工作人员。")
    grid = Grid.objects.select_for_update().filter(village=village, name=name).first()
    before = _grid_values(grid) if grid else None
    grid = grid or Grid(village=village, name=name)
    grid.households, grid.grid_worker, grid.is_active = households, worker, True
    grid.save()
    record(action="grid.saved", actor=actor, target=grid, before=before, after=_grid_values(grid))
    return grid


def _grid_values(grid):
    return {
        "name": grid.name,
        "households": grid.households,
        "grid_worker": grid.grid_worker.username if grid.grid_worker_id else None,
    }


@transaction.atomic
def change_own_password(*, actor, new_password):
    """The user's own password, checked by the form; a one-time password is then spent."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    was_one_time = user.password_must_change
    user.set_password(new_password)
    user.password_must_change = False
    user.save(update_fields=["password", "password_must_change"])
    record(
        action="user.password_changed",
        actor=user,
        target=user,
        before={"password_must_change": was_one_time},
        after={"password_must_change": False},
    )
    return user
