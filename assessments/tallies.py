"""Each campaign's counts behind the three rates, kept in CampaignTally.

The audit trail is the one place every change passes: as it records a change to an
assessment, a campaign or a title, `mark_stale` marks the campaigns concerned in the same
transaction, and the next reader (`counts_of`) counts those again in two grouped queries and
keeps the result. A ranking over a province then reads a row a town."""

from functools import reduce
from operator import or_

from django.db.models import Case, Count, F, Q, Sum, Value, When
from django.db.models.functions import StrIndex, Substr

from assessments.models import Assessment, Campaign, CampaignTally, Title

COUNTS = ("total", "passed", "reviewed", "review_passed", "holding")
# Counts written back in one statement per this many campaigns (SQLite parses the guard, an OR
# of one condition a campaign, within its expression depth).
WRITE_BACK_BATCH = 300


def mark_stale(entries):
    """Audit watcher: the campaigns whose counts the recorded entries may change."""
    if any(e.object_type in ("villages.Village", "villages.Region") for e in entries):
        # A village moved or merged moves its titles between towns: rare, so everything.
        CampaignTally.objects.update(stale=True, version=F("version") + 1)
        return
    assessments = [e.object_id for e in entries if e.object_type == "assessments.Assessment"]
    campaigns = {e.object_id for e in entries if e.object_type == "assessments.Campaign"}
    # A title counts for its village's town and year: every campaign of that town.
    towns = {e.region_id for e in entries if e.object_type == "assessments.Title" and e.region_id}
    if not (assessments or campaigns or towns):
        return
    ids = set(
        Campaign.objects.filter(
            Q(pk__in=[int(pk) for pk in campaigns])
            | Q(town_id__in=towns)
            | Q(assessments__pk__in=[int(pk) for pk in assessments])
        ).values_list("pk", flat=True)
    )
    # Inserted first, then marked: a reader's row committed in between is marked too.
    CampaignTally.objects.bulk_create(
        [CampaignTally(campaign_id=pk) for pk in ids], ignore_conflicts=True
    )
    CampaignTally.objects.filter(campaign_id__in=ids).update(stale=True, version=F("version") + 1)


def count(campaigns):
    """The counts of each campaign from the assessments and titles themselves."""
    campaigns = list(campaigns)
    outcomes = {
        row.pop("campaign_id"): row
        for row in Assessment.objects.filter(campaign__in=campaigns, kind=Assessment.Kind.YEARLY)
        .values("campaign_id")
        .annotate(
            total=Count("id"),
            passed=Count("id", filter=Q(town_passed=True)),
            reviewed=Count("id", filter=Q(city_passed__isnull=False)),
            review_passed=Count("id", filter=Q(city_passed=True)),
        )
    }
    # A yearly title belongs to its village and year; counting by the village's town and the
    # year joins the village table, not the far larger one of assessments.
    held = {
        (town_id, year): number
        for town_id, year, number in Title.objects.filter(
            kind=Title.Kind.SAFE_VILLAGE,
            status=Title.Status.VALID,
            first_year__in={campaign.year for campaign in campaigns},
            village__town_id__in={campaign.town_id for campaign in campaigns},
        )
        .values("village__town_id", "first_year")
        .annotate(number=Count("id"))
        .values_list("village__town_id", "first_year", "number")
    }
    empty = dict.fromkeys(COUNTS[:-1], 0)
    return {
        campaign.pk: {
            **empty,
            **outcomes.get(campaign.pk, {}),
            "holding": held.get((campaign.town_id, campaign.year), 0),
        }
        for campaign in campaigns
    }


def counts_of(campaigns):
    """{campaign id: counts}, from the kept rows; the stale or missing ones counted again and
    kept, unless a change marked them meanwhile."""
    campaigns = list(campaigns)
    kept = {
        tally.campaign_id: tally for tally in CampaignTally.objects.filter(campaign__in=campaigns)
    }
    counts = {
        pk: {name: getattr(tally, name) for name in COUNTS}
        for pk, tally in kept.items()
        if not tally.stale
    }
    todo = [campaign for campaign in campaigns if campaign.pk not in counts]
    if not todo:
        return counts
    counted = count(todo)
    CampaignTally.objects.bulk_create(
        [
            CampaignTally(campaign_id=campaign.pk, stale=False, **counted[campaign.pk])
            for campaign in todo
            if campaign.pk not in kept
        ],
        ignore_conflicts=True,
    )
    stale = [campaign.pk for campaign in todo if campaign.pk in kept]
    for start in range(0, len(stale), WRITE_BACK_BATCH):
        batch = stale[start : start + WRITE_BACK_BATCH]
        # Each row only if no change marked it since it was read (its version unchanged).
        unchanged = reduce(or_, (Q(campaign_id=pk, version=kept[pk].version) for pk in batch))
        CampaignTally.objects.filter(unchanged).update(
            stale=False,
            **{
                name: Case(*(When(campaign_id=pk, then=Value(counted[pk][name])) for pk in batch))
                for name in COUNTS
            },
        )
    return counts | counted


def _under_any(paths, prefix=""):
    return reduce(or_, (Q(**{f"{prefix}town__path__startswith": path}) for path in paths))


def sums_under(year, region, children, within=None):
    """{child region id: counts} summed over the year's campaigns (out of draft) of the towns
    under each child of `region`; `within`, the paths the campaigns are read under (the
    region's own by default, the children's when only some are summed).

    The kept rows are summed by the database, grouped by the child a town's path falls
    under; the stale or missing ones are counted again first (counts_of) and added from that
    count, so that a change landing meanwhile never mixes old and new figures."""
    if not children:
        return {}
    within = within or [region.path]
    recounted = list(
        Campaign.objects.filter(_under_any(within), year=year)
        .exclude(status=Campaign.Status.DRAFT)
        .filter(Q(tally__isnull=True) | Q(tally__stale=True))
        .select_related("town")
    )
    counted = counts_of(recounted)
    # The segment of the town's path just below `region`: the child's code.
    below = Substr("campaign__town__path", len(region.path) + 1)
    by_code = {child.code: child.pk for child in children}
    sums = {}
    for row in (
        CampaignTally.objects.filter(_under_any(within, "campaign__"), campaign__year=year)
        .exclude(campaign__status=Campaign.Status.DRAFT)
        .exclude(campaign__in=[campaign.pk for campaign in recounted])
        .annotate(child=Substr(below, 1, StrIndex(below, Value("/")) - 1))
        .values("child")
        .annotate(**{name: Sum(name) for name in COUNTS})
        .order_by()
    ):
        if row["child"] in by_code:
            sums[by_code[row.pop("child")]] = row
    for campaign in recounted:
        child = next((r for r in children if campaign.town.path.startswith(r.path)), None)
        if child is not None:
            kept = sums.setdefault(child.pk, dict.fromkeys(COUNTS, 0))
            for name in COUNTS:
                kept[name] += counted[campaign.pk][name]
    return sums
