"""What every page reads about its reader (roles, menu counts, the session), and what a page
shows of a place (a town's workbench, a region's ranking), is kept between requests and
retired by the audit trail's record of a change to it (pingan/freshness.py)."""

from datetime import date
from decimal import Decimal

from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, Criterion, SamplingRule
from audit.trail import record
from pingan import freshness
from tests.factories import RegionFactory, user_with_role
from villages.models import Membership, Region, Village


def test_a_signed_in_page_reads_only_its_reader_and_its_own_rows_once_warm(
    client, people, django_assert_max_num_queries
):
    client.force_login(people["secretary"])
    page = reverse("assessments:prepared_file_list")
    assert client.get(page).status_code == 200
    # The reader's row (its password stamp is checked on every request) and the page's list.
    with django_assert_max_num_queries(2):
        assert client.get(page).status_code == 200


def test_a_role_withdrawn_in_the_admin_ends_at_the_next_request(client, people, xingou):
    member = user_with_role(Membership.Role.SECRETARY, xingou)
    membership = Membership.objects.get(user=member)
    client.force_login(member)
    village_page = reverse("villages:detail", args=[xingou.pk])
    assert client.get(village_page).status_code == 200

    admin = type(client)()
    admin.force_login(people["administrator"])
    response = admin.post(
        reverse("admin:villages_membership_change", args=[membership.pk]),
        {"user": member.pk, "role": "secretary", "village": xingou.pk},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.is_active is False
    assert client.get(village_page).status_code in (403, 404)


def test_only_a_change_to_what_is_kept_retires_it(people):
    secretary = people["secretary"]
    version = freshness.current_version()
    record(action="login", actor=secretary, target=secretary)
    record(action="village.renamed", actor=people["administrator"], target=Village.objects.first())
    assert freshness.current_version() == version + 1
    version = freshness.current_version()
    record(action="login", actor=secretary, target=secretary)
    assert freshness.current_version() == version
    computed = []
    assert freshness.kept("probe", lambda: computed.append(1) or len(computed)) == 1
    assert freshness.kept("probe", lambda: computed.append(1) or len(computed)) == 1
    membership = Membership.objects.filter(user=secretary).first()
    record(action="admin.membership.changed", actor=people["administrator"], target=membership)
    assert freshness.kept("probe", lambda: computed.append(1) or len(computed)) == 2


def test_a_session_ended_by_signing_out_is_gone_from_the_cache_and_the_database(client, people):
    client.force_login(people["secretary"])
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("assessments:prepared_file_list")).status_code == 302


def test_a_version_lost_from_the_cache_never_brings_back_an_older_copy(people):
    first = freshness.current_version()
    freshness.kept("probe", lambda: "before the change")
    freshness.move_on()
    # The cache loses the version (evicted, restarted) while older copies are still there.
    cache.delete(freshness.VERSION_KEY)
    assert freshness.current_version() > first
    assert freshness.kept("probe", lambda: "after the change") == "after the change"


def test_a_workbench_is_kept_until_a_change_in_its_town(
    client, people, campaign, wangchang, xingou, django_assert_max_num_queries
):
    client.force_login(people["town_office"])
    page = reverse("assessments:town_dashboard", args=[wangchang.pk])
    in_progress = '<td data-label="状态">填报中'
    assert in_progress not in client.get(page).text
    # Kept: the reader, their place and their reminders, not the town's figures.
    with django_assert_max_num_queries(6):
        assert client.get(page).status_code == 200
    services.save_answer(
        actor=people["secretary"],
        assessment_id=campaign.assessments.get(village=xingou).pk,
        criterion_id=Criterion.objects.filter(standard=campaign.standard, kind="threshold")
        .first()
        .pk,
        value="6",
    )
    assert in_progress in client.get(page).text


def campaign_in(town, year, standard):
    services.create_campaign(
        actor=user_with_role(Membership.Role.TOWN_OFFICE, town),
        town=town,
        year=year,
        standard=standard,
        self_assessment_due=date(2099, 6, 30),
        town_assessment_due=date(2099, 7, 31),
        city_review_due=date(2099, 9, 30),
    )


def test_a_place_keeps_its_read_through_another_towns_changes_not_its_own_or_above(
    people, standards, wangchang
):
    city, province = wangchang.parent, wangchang.parent.parent
    other = RegionFactory(code="429006105", name="岳口镇", level=Region.Level.TOWN, parent=city)
    computed = []

    def probe(region):
        return freshness.kept_for_place(
            f"probe:{region.code}", region, lambda: computed.append(region) or 1
        )

    probe(wangchang), probe(province)
    campaign_in(other, 2030, standards[0])
    probe(wangchang), probe(province)
    # The other town's campaign retired the province's read, which sums it, not 汪场镇's.
    assert computed == [wangchang, province, province]
    campaign_in(wangchang, 2030, standards[0])
    probe(wangchang)
    assert computed[-1] == wangchang
    # A rule at the city (its sampling rule, its target) retires the reads of the towns below.
    rule = SamplingRule.objects.create(
        region=city, ratio=Decimal("0.3"), target_ratio=Decimal("0.8")
    )
    version = freshness.current_version()
    record(action="admin.samplingrule.changed", actor=people["administrator"], target=rule)
    probe(wangchang)
    assert computed.count(wangchang) == 3 and freshness.current_version() == version


def test_a_ranking_is_kept_until_a_change_below_it(
    client, people, campaign, wangchang, xingou, django_assert_max_num_queries
):
    client.force_login(people["province_office"])
    page = reverse("assessments:region_dashboard", args=[wangchang.parent.parent_id])
    response = client.get(page)
    first = response.context["rows"]
    assert '<table class="data rates">' in response.text and "湖北省合计" in response.text
    # Kept: the reader, their place, the two version reads and their reminders.
    with django_assert_max_num_queries(7):
        assert client.get(page).context["rows"] == first
    assessment = campaign.assessments.get(village=xingou)
    Assessment.objects.filter(pk=assessment.pk).update(town_passed=True)
    # A change outside the trail is not seen ...
    [(_, kept)] = client.get(page).context["rows"]
    assert kept.passed == 0
    # ... the next one recorded below the province retires the kept ranking.
    record(action="assessment.concluded", actor=people["town_office"], target=assessment)
    [(_, counted)] = client.get(page).context["rows"]
    assert counted.passed == 1


def test_each_place_keeps_its_own_value_through_a_change_in_another(standards, wangchang):
    """A province's ranking sums each city apart: a change in one city sums that city again."""
    city = wangchang.parent
    other_city = RegionFactory(
        code="429007", name="潜江市", level=Region.Level.CITY, parent=city.parent
    )
    other_town = RegionFactory(
        code="429007100", name="园林街道", level=Region.Level.TOWN, parent=other_city
    )
    computed = []

    def probe():
        return freshness.kept_for_each_place(
            "probe",
            [city, other_city],
            lambda missing: computed.append(missing) or {r.pk: r.code for r in missing},
        )

    assert probe() == {city.pk: city.code, other_city.pk: other_city.code}
    probe()
    campaign_in(other_town, 2030, standards[0])
    assert probe() == {city.pk: city.code, other_city.pk: other_city.code}
    assert computed == [[city, other_city], [other_city]]
