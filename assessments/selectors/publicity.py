"""Reads of 宣传与经验: a village's records, the practices within the reader's reach, and the
counts the town's workbench shows per village."""

from django.db.models import Count, Q
from django.http import Http404

from assessments.models import Practice, PublicityRecord
from villages.models import Village
from villages.rules import REGIONAL_ROLES, Role, is_administrator, memberships_of
from villages.selectors import visible_villages

RECENT = 100


def access_publicity_village(user, village_id):
    """The village whose publicity the user may read: any village within their reach, or the
    village whose team they are in; 404 alike for missing and out of reach."""
    village = (
        Village.objects.select_related("town").filter(pk=village_id).first()
        if str(village_id).isdigit()
        else None
    )
    if village is None or not (
        visible_villages(user).filter(pk=village.pk).exists()
        or any(
            m.role == Role.VILLAGE_STAFF and m.village_id == village.pk
            for m in memberships_of(user)
        )
    ):
        raise Http404("未找到该村(社区)。")
    return village


def publicity_of(village):
    return list(
        PublicityRecord.objects.filter(village=village)
        .select_related("recorded_by")
        .order_by("-held_on", "-id")[:RECENT]
    )


def practices_scope(user):
    """A Q over practices the user may read; None means all. A village reads its own and the
    典型经验 published to its town (and by its city); an office reads what its villages sent
    and published, and the city's 典型经验 of its own city."""
    if is_administrator(user):
        return None
    published = Q(status__in=Practice.PUBLISHED)
    city_published = Q(status=Practice.Status.CITY_PUBLISHED)
    condition = Q(pk__in=[])
    for membership in memberships_of(user):
        if membership.village_id:
            town = membership.village.town
            condition |= Q(village_id=membership.village_id)
            condition |= published & Q(village__town_id=town.pk)
            if town.parent_id:
                condition |= city_published & Q(village__town__parent_id=town.parent_id)
        elif membership.role in REGIONAL_ROLES:
            region = membership.region
            condition |= ~Q(status=Practice.Status.DRAFT) & Q(
                village__town__path__startswith=region.path
            )
            if region.parent_id:
                condition |= city_published & Q(village__town__parent_id=region.parent_id)
    return condition


def visible_practices(user):
    scope = practices_scope(user)
    practices = Practice.objects.select_related("village__town", "written_by")
    return practices if scope is None else practices.filter(scope)


def access_practice_by_id(user, practice_id):
    try:
        return visible_practices(user).get(pk=practice_id)
    except (Practice.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该经验做法。") from None


def publicity_counts(town, year):
    """{village id: (publicity records of the year, practices published)} for the workbench."""
    records = dict(
        PublicityRecord.objects.filter(village__town=town, held_on__year=year)
        .values("village_id")
        .annotate(number=Count("id"))
        .values_list("village_id", "number")
    )
    published = dict(
        Practice.objects.filter(village__town=town, status__in=Practice.PUBLISHED)
        .values("village_id")
        .annotate(number=Count("id"))
        .values_list("village_id", "number")
    )
    return {
        village_id: (records.get(village_id, 0), published.get(village_id, 0))
        for village_id in records.keys() | published.keys()
    }


def publicity_for_candidacy(village):
    """What item 五 of the 示范村 standard is judged beside: the village's media reports and
    other publicity, and its practices published as 典型经验."""
    return {
        "media": list(
            PublicityRecord.objects.filter(
                village=village, kind=PublicityRecord.Kind.MEDIA
            ).order_by("-held_on")[:RECENT]
        ),
        "other_count": PublicityRecord.objects.filter(village=village)
        .exclude(kind=PublicityRecord.Kind.MEDIA)
        .count(),
        "practices": list(
            Practice.objects.filter(village=village, status__in=Practice.PUBLISHED).order_by(
                "-published_on"
            )
        ),
    }
