from django.db.models import Q
from django.http import Http404

from villages.models import Region, Village, VillageEvent
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
        condition |= Q(code__in=[code for code in place.path.split("/") if code])
    return Region.objects.filter(condition).order_by("path")


def access_region_in_tree_by_id(user, region_id):
    try:
        return visible_regions(user).get(pk=region_id)
    except (Region.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该区划。") from None
