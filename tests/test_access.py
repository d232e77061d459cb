"""Who sees which page: every role, on its own place and on another place."""

import pytest
from django.urls import reverse

from tests.factories import RegionFactory, VillageFactory
from villages.models import Region


@pytest.fixture
def foreign_village(wangchang):
    """A village of another city, beyond every Wangchang role but the province's."""
    province = wangchang.parent.parent
    city = RegionFactory(code="429005", name="潜江市", level=Region.Level.CITY, parent=province)
    town = RegionFactory(code="429005100", name="园林街道", level=Region.Level.TOWN, parent=city)
    return VillageFactory(code="429005100001", name="园林社区", town=town)


@pytest.fixture
def foreign_province_village(db):
    province = RegionFactory(code="43", name="湖南省", level=Region.Level.PROVINCE)
    town = RegionFactory(code="430100100", name="某镇", level=Region.Level.TOWN, parent=province)
    return VillageFactory(code="430100100001", name="某村", town=town)


# role → expected status for: own village, another Wangchang village, another city's
# village, another province's village, the admin index.
MATRIX = {
    "secretary": (200, 404, 404, 404, 302),
    "town_office": (200, 200, 404, 404, 302),
    "town_leading_group": (200, 200, 404, 404, 302),
    "city_office": (200, 200, 404, 404, 302),
    "province_office": (200, 200, 200, 404, 302),
    "administrator": (200, 200, 200, 200, 200),
}


@pytest.mark.parametrize("role", MATRIX)
def test_role_matrix(
    client, people, xingou, cuiwang, foreign_village, foreign_province_village, role
):
    client.force_login(people[role])
    targets = [xingou, cuiwang, foreign_village, foreign_province_village]
    expected = MATRIX[role]
    for village, status in zip(targets, expected[:4], strict=True):
        response = client.get(reverse("villages:detail", args=[village.pk]))
        assert response.status_code == status, (role, village.name)
    assert client.get(reverse("admin:index")).status_code == expected[4]
    assert client.get(reverse("home"), follow=True).status_code == 200
    assert client.get(reverse("villages:list")).status_code == 200


def test_missing_and_foreign_village_answer_alike(client, people, cuiwang):
    client.force_login(people["secretary"])
    foreign = client.get(reverse("villages:detail", args=[cuiwang.pk]))
    missing = client.get(reverse("villages:detail", args=[999999]))
    assert foreign.status_code == missing.status_code == 404
    assert "崔王村" not in foreign.content.decode()


@pytest.mark.parametrize(
    "url",
    [reverse("home"), reverse("villages:list"), reverse("villages:detail", args=[1])],
)
def test_anonymous_is_sent_to_login(client, wangchang, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_secretary_lists_only_own_village(client, people, xingou):
    client.force_login(people["secretary"])
    response = client.get(reverse("villages:list"))
    assert [v.name for v in response.context["villages"]] == ["新沟村"]


@pytest.mark.parametrize("role", ["town_office", "town_leading_group", "city_office"])
def test_town_and_city_roles_list_all_seventeen(client, people, foreign_village, role):
    client.force_login(people[role])
    villages = client.get(reverse("villages:list")).context["villages"]
    assert len(villages) == 17
    assert foreign_village not in villages


def test_province_lists_every_village_of_the_province(client, people, foreign_village):
    client.force_login(people["province_office"])
    villages = client.get(reverse("villages:list")).context["villages"]
    assert len(villages) == 18


def test_village_list_queries_do_not_grow_with_villages(
    client, people, wangchang, django_assert_max_num_queries
):
    client.force_login(people["town_office"])
    with django_assert_max_num_queries(12):
        client.get(reverse("villages:list"))
    VillageFactory.create_batch(60, town=wangchang)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("villages:list"))
    assert len(response.context["villages"]) == 77


def test_village_detail_queries_are_constant(client, people, xingou, django_assert_max_num_queries):
    client.force_login(people["town_office"])
    with django_assert_max_num_queries(11):
        client.get(reverse("villages:detail", args=[xingou.pk]))
