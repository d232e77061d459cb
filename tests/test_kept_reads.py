"""What every page reads about its reader (roles, menu counts, the session) is kept between
requests and retired by the audit trail's record of a change to it (pingan/freshness.py)."""

from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse

from audit.trail import record
from pingan import freshness
from tests.factories import user_with_role
from villages.models import Membership, Village


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
