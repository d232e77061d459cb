"""The one permission module of the portal.

Every view, selector and template asks these predicates and scopes; nothing else looks at
roles. A user's reach is the union of their active memberships: a secretary reaches one
village, a regional role reaches every village under its region, an administrator all.
"""

import rules
from django.db.models import Q

from villages.models import Membership, Village

Role = Membership.Role
REGIONAL_ROLES = (
    Role.TOWN_OFFICE,
    Role.TOWN_LEADING_GROUP,
    Role.CITY_OFFICE,
    Role.PROVINCE_OFFICE,
)

_CACHE_ATTRIBUTE = "_pingan_memberships"


def memberships_of(user):
    """Active memberships of the user, loaded once per request-bound user object."""
    if not user or not user.is_authenticated:
        return []
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, is_active=True)
            .select_related("region", "village", "village__town")
            .order_by("role", "id")
        )
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def forget_memberships(user):
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


@rules.predicate
def is_administrator(user):
    if not user or not user.is_authenticated:
        return False
    return user.is_superuser or any(m.role == Role.ADMINISTRATOR for m in memberships_of(user))


@rules.predicate
def has_regional_role(user):
    return any(m.role in REGIONAL_ROLES for m in memberships_of(user))


@rules.predicate
def village_in_scope(user, village):
    if village is None:
        return False
    for membership in memberships_of(user):
        if membership.role == Role.SECRETARY and membership.village_id == village.pk:
            return True
        if membership.role in REGIONAL_ROLES and village.town.is_within(membership.region):
            return True
    return False


def villages_visible_to(user):
    """Queryset of the villages the user may see; agrees with `village_in_scope`."""
    if is_administrator(user):
        return Village.objects.all()
    condition = Q(pk__in=[])
    for membership in memberships_of(user):
        if membership.role == Role.SECRETARY:
            condition |= Q(pk=membership.village_id)
        elif membership.role in REGIONAL_ROLES:
            condition |= Q(town__path__startswith=membership.region.path)
    return Village.objects.filter(condition)


def home_village_of(user):
    """The village a secretary works for, the landing place of their workspace."""
    for membership in memberships_of(user):
        if membership.role == Role.SECRETARY:
            return membership.village
    return None


rules.add_perm("villages.list_villages", is_administrator | has_regional_role)
rules.add_perm("villages.view_village", is_administrator | village_in_scope)
rules.add_perm("villages.use_admin_site", is_administrator)
rules.add_perm("assessments.view_standard", rules.is_authenticated)
rules.add_perm("assessments.manage_standards", is_administrator)
rules.add_perm("assessments.pin_standard", is_administrator | has_regional_role)
