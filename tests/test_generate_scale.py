"""The synthetic province of `generate_scale`: the sizes asked for, and consistent records."""

import io

import pytest
from django.core.management import CommandError, call_command

from assessments.models import (
    Answer,
    Assessment,
    Campaign,
    Finding,
    Incident,
    SampleEntry,
    Title,
)
from villages.models import Region, Village


def generate(**options):
    call_command("generate_scale", verbosity=0, stdout=io.StringIO(), **options)


def test_a_province_grows_around_the_demo_town(wangchang, standards):
    generate(villages=400, years=3, last_year=2026)

    assert Village.objects.count() == 400
    assert Village.objects.filter(town=wangchang).count() == 17
    towns = Region.objects.filter(level=Region.Level.TOWN)
    assert all(len(t.code) == 9 and t.path.startswith("42/") for t in towns)
    assert all(len(v.code) == 12 and v.code.startswith(v.town.code) for v in Village.objects.all())
    assert Campaign.objects.count() == towns.count() * 3
    assert Assessment.objects.count() == 400 * 3
    closed = Assessment.objects.filter(campaign__status=Campaign.Status.CLOSED)
    judged = standards[0].criteria.exclude(kind="group").count()
    assert Answer.objects.filter(assessment__in=closed).count() == closed.count() * judged
    assert Finding.objects.filter(stage="town").count() == closed.count() * judged
    sampled = SampleEntry.objects.values_list("assessment", flat=True)
    assert not closed.filter(city_passed__isnull=False).exclude(pk__in=sampled).exists()
    failed_review = closed.filter(city_passed=False)
    assert not failed_review.filter(result_passed=True).exists()
    yearly = Title.objects.filter(kind=Title.Kind.SAFE_VILLAGE)
    assert yearly.count() == closed.filter(result_passed=True).count()
    revoked = yearly.filter(status=Title.Status.REVOKED)
    assert revoked.count() == Incident.objects.count()
    assert all(title.events.filter(action="revoked").exists() for title in revoked)
    current = Assessment.objects.filter(campaign__year=2026)
    assert not current.filter(town_passed__isnull=False).exists()


def test_a_second_run_grows_the_province_without_repeating_a_year(wangchang, standards):
    generate(villages=120, years=2, last_year=2026)
    generate(villages=300, years=2, last_year=2026)

    assert Village.objects.count() == 300
    towns = Region.objects.filter(level=Region.Level.TOWN).count()
    assert Campaign.objects.count() == towns * 2
    assert Assessment.objects.count() == 300 * 2


def test_without_a_standard_it_says_what_to_load(wangchang):
    with pytest.raises(CommandError, match="请先运行 seed_demo"):
        generate(villages=30, years=1)
