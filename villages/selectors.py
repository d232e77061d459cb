from django.http import Http404

from villages.models import Village, VillageEvent
from villages.rules import village_scope


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
