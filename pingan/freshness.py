"""What every page reads about its reader (their roles, the counts in the menu) is kept in the
cache between requests, under a version that moves whenever the audit trail records a change
to what it is made of. Every change passes the trail, so nothing is kept past its change; a
change that touches none of it (an answer saved, a photo uploaded) keeps everyone's copy.

What a page shows of a place (a town's workbench, a region's ranking) is kept the same way,
under the versions of the places it is made of: each entry the trail records is filed under a
region, and moves that region's own version and the version of everything below each region
above it, so a save in one town retires its workbench and the rankings above it, and no other
town's workbench."""

import time

from django.core.cache import cache

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
    if any(entry.object_type in KEPT_FROM and entry.action not in UNCHANGING for entry in entries):
        move_on()


def _place_keys(region):
    """The keys of what is filed at `region` itself, and at it or anywhere below it."""
    return f"freshness:at:{region.code}", f"freshness:under:{region.code}"


def _codes_above(region):
    """The codes of `region` and of every region above it (its path is their codes)."""
    return region.path.strip("/").split("/")


def retire_places(entries):
    """Audit watcher and listener: moves the versions of the places the entries are filed
    under. A new version is the clock, never an increment: two writers moving it at once each
    leave a version unlike the one before, where an increment of a file could be lost."""
    changed = [entry for entry in entries if entry.action not in UNCHANGING]
    if any(entry.region_id is None for entry in changed):
        # Filed under no place (a standard, the holiday calendar): it may show anywhere.
        move_on()
    moved = {}
    for entry in changed:
        if entry.region_id is not None:
            moved[f"freshness:at:{entry.region.code}"] = None
            for code in _codes_above(entry.region):
                moved[f"freshness:under:{code}"] = None
    if moved:
        cache.set_many(dict.fromkeys(moved, time.time_ns()), timeout=None)


def kept_for_place(key, region, compute, timeout=3600):
    """`compute()`, or its value kept under `key` since the last change filed at `region` or
    below it, at a region above it, or under no place: what a page shows of `region`."""
    above = _codes_above(region)[:-1]
    names = [_place_keys(region)[1], *(f"freshness:at:{code}" for code in above)]
    found = cache.get_many(names)
    missing = {name: _fresh_start() for name in names if name not in found}
    if missing:
        cache.set_many(missing, timeout=None)
    versions = ":".join(str(found.get(name) or missing[name]) for name in names)
    return kept(f"{key}:{versions}", compute, timeout)


def kept(key, compute, timeout=3600):
    """`compute()`, or its value kept under `key` since the last change of what it reads."""
    versioned = f"{key}:v{current_version()}"
    value = cache.get(versioned)
    if value is None:
        value = compute()
        cache.set(versioned, value, timeout)
    return value
