"""Lists that grow with the province are paged: the same cost for 17 villages or 27,000."""

from django.urls import reverse

from tests.factories import VillageFactory


def test_the_village_list_comes_a_hundred_at_a_time(client, people, wangchang):
    VillageFactory.create_batch(233, town=wangchang)
    client.force_login(people["town_office"])

    first = client.get(reverse("villages:list"))
    assert len(first.context["villages"]) == 100
    assert "第 1 / 3 页，共 250 条" in first.text
    assert "共 250 个，参与创建 250 个" in first.text
    assert 'href="?page=2" rel="next"' in first.text

    last = client.get(reverse("villages:list"), {"page": "3"})
    assert len(last.context["villages"]) == 50
    assert 'rel="next"' not in last.text

    assert client.get(reverse("villages:list"), {"page": "九"}).context["villages"].number == 1
    assert client.get(reverse("villages:list"), {"page": "99"}).context["villages"].number == 3


def test_a_page_link_keeps_the_filters(client, people, wangchang):
    client.force_login(people["province_office"])
    response = client.get(reverse("assessments:title_list"), {"kind": "safe_village"})
    page = response.context["titles"]
    assert page.other_parameters == "kind=safe_village"
