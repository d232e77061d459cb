"""What every page reads about its reader (their roles, the counts in the menu) is kept in the
cache between requests, under a version that moves whenever the audit trail records a change
to what it is made of. Every change passes the trail, so nothing is kept past its change; a
change that touches none of it (an answer saved, a photo uploaded) keeps everyone's copy.

What a page shows of a place (a town's workbench, a region's ranking) is kept the same way,
under the numbers of the last entries filed at the places it is made of (audit.models.
PlaceVersion), read in one query: a save in one town retires its workbench and the rankings
above it, and no other town's workbench."""

import time

from django.core.cache import cache
from django.db.models import Q

from audit.models import PlaceVersion

VERSION_KEY = "freshness:version"
# The records the kept reads are made of: places, people and roles (the scope of every read),
# rectification orders (the overdue count) and titles (the revocation banner).
KEPT_FROM = frozenset(
    {
        "villages.Region",
        "villages.Village",
        "villages.User",
        "villages.Membership",
        "assessments.RectificationOrder",
        "assessments.Title",
        "assessments.Incident",
    }
)


# Entries about a person that change none of it: signing in and out, and tokens.
UNCHANGING = frozenset(
    {"login", "logout", "login_failed", "token.created", "token.revoked", "token.used"}
)


def _fresh_start():
    # A version lost (evicted, the cache restarted) starts again above every version used
    # before, never at one whose kept reads could still be there.
    return time.time_ns()


def current_version():
    return cache.get_or_set(VERSION_KEY, _fresh_start, timeout=None)


def move_on():
    """Retire every kept read (after an import, a seed, or anything outside the trail)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, _fresh_start(), timeout=None)


def retire_on_change(entries):
    """Audit watcher and listener: called as entries are recorded, so the writer's own next
    read is fresh, and again after their commit, so a read made meanwhile from the old rows
    is not kept under the new version."""
    if any(
        entry.action not in UNCHANGING
        # Filed under no place (a standard, the holiday calendar), it may show anywhere.
        and (entry.object_type in KEPT_FROM or entry.region_id is None)
        for entry in entries
    ):
        move_on()


def kept_for_place(key, region, compute, timeout=3600):
    """`compute()`, or its value kept under `key` since the last change filed at `region` or
    below it, at a region above it, or under no place: what a page shows of `region`."""
    above = region.path_codes[:-1]
    moved = sorted(
        PlaceVersion.objects.filter(
            Q(place=region.code, scope=PlaceVersion.Scope.UNDER)
            | Q(place__in=above, scope=PlaceVersion.Scope.AT)
        ).values_list("place", "scope", "sequence")
    )
    versions = ":".join(f"{place}{scope}{sequence}" for place, scope, sequence in moved)
    return kept(f"{key}:{versions}", compute, timeout)


def kept_for_each_place(key, regions, compute, timeout=3600):
    """{region id: value} for each of `regions`, each kept since the last change at or below
    it or under no place; `compute(regions)` gives {region id: value} for those not kept. The
    versions come in one query and the kept values in one cache read, so a change in one
    region makes only its own value again."""
    moved = dict(
        PlaceVersion.objects.filter(
            place__in=[region.code for region in regions], scope=PlaceVersion.Scope.UNDER
        ).values_list("place", "sequence")
    )
    version = current_version()
    keys = {
        region.pk: f"{key}:{region.pk}:{moved.get(region.code, 0)}:v{version}" for region in regions
    }
    found = cache.get_many(list(keys.values()))
    values = {pk: found[name] for pk, name in keys.items() if name in found}
    missing = [region for region in regions if region.pk not in values]
    if missing:
        computed = compute(missing)
        cache.set_many({keys[pk]: value for pk, value in computed.items()}, timeout)
        values |= computed
    return values


def kept(key, compute, timeout=3600):
    """`compute()`, or its value kept under `key` since the last change of what it reads."""
    versioned = f"{key}:v{current_version()}"
    value = cache.get(versioned)
    if value is None:
        value = compute()
        cache.set(versioned, value, timeout)
    return value
