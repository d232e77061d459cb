"""The permission rules of the places: who reaches which village and region.

Every view, selector and template asks these predicates and scopes (assessments/rules.py
builds its rules on them); nothing else looks at roles. A user's reach is the union of their
active memberships: a secretary reaches one village, a regional role every village under its
region, an administrator all. A member of a village's team (村(社区)工作人员) reaches only
what assessments/rules.py grants on their own village: the year's assessment in progress
(writing the items assigned to them) and the village's publicity.
"""

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from pingan.freshness import kept
from villages.models import Membership

Role = Membership.Role
REGIONAL_ROLES = (
    Role.TOWN_OFFICE,
    Role.TOWN_LEADING_GROUP,
    Role.CITY_OFFICE,
    Role.PROVINCE_OFFICE,
)

# Roles held at one village rather than at a region.
VILLAGE_ROLES = (Role.SECRETARY, Role.VILLAGE_STAFF)

_CACHE_ATTRIBUTE = "_pingan_memberships"


def memberships_of(user):
    """Active memberships of the user, loaded once per request-bound user object."""
    if not user or not user.is_authenticated:
        return []
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = kept(
            f"memberships:{user.pk}",
            lambda: list(
                Membership.objects.filter(user_id=user.pk, is_active=True)
                .select_related("region", "village", "village__town")
                .order_by("role", "id")
            ),
        )
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


@rules.predicate
def is_administrator(user):
    if not user or not user.is_authenticated:
        return False
    return user.is_superuser or any(m.role == Role.ADMINISTRATOR for m in memberships_of(user))


@rules.predicate
def has_regional_role(user):
    return any(m.role in REGIONAL_ROLES for m in memberships_of(user))


def holds_role_over_village(user, village, roles, town=None):
    """True when one of the user's memberships in `roles` covers the village: a secretary's
    (or team member's) own village, or a region above `town`, the town whose record it is (the
    village's town today unless a record of an earlier year names the town that ran that
    year)."""
    town = town or village.town
    for membership in memberships_of(user):
        if membership.role not in roles:
            continue
        if membership.role in VILLAGE_ROLES:
            if membership.village_id == village.pk:
                return True
        elif town.is_within(membership.region):
            return True
    return False


def holds_role_over_region(user, region, roles):
    """True when a regional membership in `roles` sits at or above the region."""
    return any(
        membership.role in roles and region.is_within(membership.region)
        for membership in memberships_of(user)
        if membership.region_id
    )


@rules.predicate
def village_in_scope(user, village):
    if village is None:
        return False
    return holds_role_over_village(user, village, (Role.SECRETARY, *REGIONAL_ROLES))


@rules.predicate
def region_in_scope(user, region):
    """A region the user works in or above; a secretary sees their own town."""
    if region is None:
        return False
    if holds_role_over_region(user, region, REGIONAL_ROLES):
        return True
    return any(
        m.role == Role.SECRETARY and m.village.town_id == region.pk for m in memberships_of(user)
    )


@rules.predicate
def region_under_regional_role(user, region):
    return region is not None and holds_role_over_region(user, region, REGIONAL_ROLES)


def village_scope(user, prefix=""):
    """A Q over villages (reached through `prefix`) the user may see; None means all."""
    return record_scope(user, prefix, f"{prefix}town__")


def record_scope(user, village_prefix, town_prefix):
    """A Q over records of a village the user may see; None means all. A secretary reaches
    their village's records (through `village_prefix`); a regional role those whose town
    (through `town_prefix`) lies under its region: for a year's records, the town that ran
    that year, so moving a village hands over its future years only."""
    if is_administrator(user):
        return None
    condition = Q(**{f"{village_prefix}pk__in": []})
    for membership in memberships_of(user):
        if membership.role == Role.SECRETARY:
            condition |= Q(**{f"{village_prefix}pk": membership.village_id})
        elif membership.role in REGIONAL_ROLES:
            condition |= Q(**{f"{town_prefix}path__startswith": membership.region.path})
    return condition


def region_scope(user, prefix=""):
    """A Q over towns (reached through `prefix`) the user may see; None means all."""
    if is_administrator(user):
        return None
    condition = Q(**{f"{prefix}pk__in": []})
    for membership in memberships_of(user):
        if membership.role == Role.SECRETARY:
            condition |= Q(**{f"{prefix}pk": membership.village.town_id})
        elif membership.role in REGIONAL_ROLES:
            condition |= Q(**{f"{prefix}path__startswith": membership.region.path})
    return condition


def staffed_villages_of(user):
    """The ids of the villages whose team the user belongs to."""
    return [m.village_id for m in memberships_of(user) if m.role == Role.VILLAGE_STAFF]


def works_only_in_teams(user):
    """A user whose every role is on a village's team (and who is no administrator)."""
    held = memberships_of(user)
    return bool(held) and not user.is_superuser and all(m.role == Role.VILLAGE_STAFF for m in held)


@rules.predicate
def manages_team_of(user, village):
    """The secretary keeps their village's team; the town office may too."""
    return village is not None and holds_role_over_village(
        user, village, (Role.SECRETARY, Role.TOWN_OFFICE)
    )


def home_village_of(user):
    """The village a secretary works for, the landing place of their workspace."""
    for membership in memberships_of(user):
        if membership.role == Role.SECRETARY:
            return membership.village
    return None


rules.add_perm("villages.list_villages", is_administrator | has_regional_role)
rules.add_perm("villages.view_village", is_administrator | village_in_scope)
rules.add_perm("villages.use_admin_site", is_administrator)
rules.add_perm("villages.import_villages", is_administrator)
rules.add_perm("villages.manage_team", is_administrator | manages_team_of)
rules.add_perm("villages.view_region", is_administrator | region_in_scope)
rules.add_perm("villages.view_region_dashboard", is_administrator | region_under_regional_role)


def require_permission(user, permission, obj=None):
    """Refuse with 403 a user who lacks a permission (objects out of reach are 404 earlier)."""
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def home_region_of(user):
    """The region a regional role works in (the lowest, for a user holding several)."""
    regions = [m.region for m in memberships_of(user) if m.role in REGIONAL_ROLES]
    return max(regions, key=lambda region: len(region.path), default=None)
