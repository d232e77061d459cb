from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from villages.figures import confirmed_figures
from villages.models import (
    NUMERIC_PROFILE_FIELDS,
    Grid,
    Membership,
    Region,
    Village,
    VillageEvent,
)
from villages.rules import REGIONAL_ROLES, is_administrator, memberships_of, village_scope


def visible_villages(user):
    scope = village_scope(user)
    villages = Village.objects.all() if scope is None else Village.objects.filter(scope)
    return villages.select_related("town", "merged_into").order_by("code")


def access_village_by_id(user, village_id):
    """The village if the user may see it; 404 alike for a missing and a foreign village."""
    try:
        return visible_villages(user).get(pk=village_id)
    except (Village.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该村(社区)。") from None


def team_of(village, include_former=False):
    """The village's team (村(社区)工作人员), by name; with `include_former` those who left
    too, after the others."""
    members = Membership.objects.filter(village=village, role=Membership.Role.VILLAGE_STAFF)
    if not include_former:
        members = members.filter(is_active=True)
    return list(
        members.select_related("user").order_by("-is_active", "user__full_name", "user__username")
    )


def grids_of(village):
    return list(
        Grid.objects.filter(village=village).select_related("grid_worker").order_by("name", "id")
    )


def village_history(village):
    return VillageEvent.objects.filter(village=village).select_related("actor")


def visible_regions(user):
    """The regions at or below the user's regional roles, and those above each of their places."""
    if is_administrator(user):
        return Region.objects.order_by("path")
    condition = Q(pk__in=[])
    for membership in memberships_of(user):
        place = membership.village.town if membership.village_id else membership.region
        if membership.role in REGIONAL_ROLES:
            condition |= Q(path__startswith=place.path)
        condition |= Q(code__in=place.path_codes)
    return Region.objects.filter(condition).order_by("path")


def access_region_in_tree_by_id(user, region_id):
    try:
        return visible_regions(user).get(pk=region_id)
    except (Region.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该区划。") from None


@dataclass(frozen=True)
class ProfileFigure:
    label: str
    value: object
    unit: str
    source: str = ""


UNITS = {"camera_count": "个", "grid_count": "个"}


@dataclass(frozen=True)
class RegisterRow:
    """A village as the register shows it: its secretary is the person holding the village's
    secretary role, and a count the profile lacks is the latest one a reviewer confirmed."""

    village: Village
    secretary_name: str
    secretary_phone: str
    figures: dict

    @property
    def cameras(self):
        return self.figures["camera_count"]


def register_rows(villages):
    """Register rows for a page of villages, in three queries whatever their number."""
    villages = list(villages)
    ids = [village.pk for village in villages]
    secretaries = {
        membership.village_id: membership.user
        for membership in Membership.objects.filter(
            role=Membership.Role.SECRETARY, village_id__in=ids, user__is_active=True
        )
        .select_related("user")
        .order_by("pk")
    }
    confirmed = confirmed_figures(ids)
    rows = []
    for village in villages:
        figures = {}
        for name in NUMERIC_PROFILE_FIELDS:
            label = Village._meta.get_field(name).verbose_name
            value = getattr(village, name)
            figure = confirmed.get((village.pk, name))
            unit = UNITS.get(name, "人")
            if value or figure is None:
                figures[name] = ProfileFigure(label, value, unit)
            else:
                figures[name] = ProfileFigure(label, figure.value, unit, figure.source)
        secretary = secretaries.get(village.pk)
        rows.append(
            RegisterRow(
                village=village,
                secretary_name=secretary.display_name if secretary else village.secretary_name,
                secretary_phone=secretary.phone if secretary else village.secretary_phone,
                figures=figures,
            )
        )
    return rows
