"""Renaming, merging and adding villages: data, not code, and every change kept."""

import pytest
from django.urls import reverse

from pingan.errors import InvalidInput, InvalidTransition, NotPermitted
from villages import services
from villages.models import Village, VillageEvent


def test_rename_keeps_the_old_name_in_history(people, xingou):
    admin = people["administrator"]
    services.update_village(
        actor=admin, village_id=xingou.pk, changes={"name": "新沟社区"}, reason="撤村建居"
    )
    xingou.refresh_from_db()
    assert xingou.name == "新沟社区"
    event = VillageEvent.objects.get(village=xingou)
    assert (event.kind, event.from_value, event.to_value, event.reason, event.actor) == (
        VillageEvent.Kind.RENAMED,
        "新沟村",
        "新沟社区",
        "撤村建居",
        admin,
    )


def test_profile_change_records_before_and_after(people, xingou):
    services.update_village(
        actor=people["administrator"], village_id=xingou.pk, changes={"camera_count": 6}
    )
    event = VillageEvent.objects.get(village=xingou)
    assert event.kind == VillageEvent.Kind.PROFILE_CHANGED
    assert event.from_value.endswith("：0")
    assert event.to_value.endswith("：6")


def test_merge_stops_the_village_and_records_why(people, xingou, cuiwang):
    services.merge_village(
        actor=people["administrator"],
        village_id=cuiwang.pk,
        into_village_id=xingou.pk,
        reason="天政〔2024〕5号 区划调整",
    )
    cuiwang.refresh_from_db()
    assert cuiwang.merged_into == xingou
    assert not cuiwang.is_active
    event = cuiwang.events.get()
    assert event.kind == VillageEvent.Kind.MERGED
    assert "新沟村" in event.to_value


def test_merge_needs_a_reason_and_an_active_target(people, xingou, cuiwang):
    admin = people["administrator"]
    with pytest.raises(InvalidInput, match="原因"):
        services.merge_village(
            actor=admin, village_id=cuiwang.pk, into_village_id=xingou.pk, reason=" "
        )
    services.merge_village(
        actor=admin, village_id=cuiwang.pk, into_village_id=xingou.pk, reason="调整"
    )
    bietai = Village.objects.get(name="别台村")
    with pytest.raises(InvalidTransition):
        services.merge_village(
            actor=admin, village_id=bietai.pk, into_village_id=cuiwang.pk, reason="调整"
        )
    with pytest.raises(InvalidTransition):
        services.update_village(actor=admin, village_id=cuiwang.pk, changes={"is_active": True})


@pytest.mark.parametrize("role", ["secretary", "town_office", "city_office", "province_office"])
def test_only_an_administrator_maintains_the_register(people, xingou, role):
    with pytest.raises(NotPermitted):
        services.update_village(actor=people[role], village_id=xingou.pk, changes={"name": "X"})
    xingou.refresh_from_db()
    assert xingou.name == "新沟村"
    assert not VillageEvent.objects.exists()


def test_create_village_refuses_a_taken_code(people, wangchang):
    with pytest.raises(InvalidInput, match="429006104203"):
        services.create_village(
            actor=people["administrator"], code="429006104203", name="重复村", town=wangchang
        )


def admin_form(village, **overrides):
    data = {
        "code": village.code,
        "name": village.name,
        "kind": village.kind,
        "town": village.town_id,
        "is_active": "on" if village.is_active else "",
        "merged_into": "",
        "secretary_name": village.secretary_name,
        "secretary_phone": village.secretary_phone,
        "change_reason": "",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }
    for name in services.PROFILE_FIELDS:
        if name != "kind":
            data[name] = getattr(village, name)
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


def test_admin_rename_goes_through_the_service(client, people, xingou):
    client.force_login(people["administrator"])
    url = reverse("admin:villages_village_change", args=[xingou.pk])
    assert "统计用区划代码" in client.get(url).content.decode()
    response = client.post(url, admin_form(xingou, name="新沟社区", change_reason="更名批复"))
    assert response.status_code == 302
    event = VillageEvent.objects.get(village=xingou)
    assert (event.from_value, event.to_value, event.reason) == ("新沟村", "新沟社区", "更名批复")


def test_admin_merge_without_reason_is_refused_and_changes_nothing(client, people, xingou, cuiwang):
    client.force_login(people["administrator"])
    url = reverse("admin:villages_village_change", args=[cuiwang.pk])
    response = client.post(url, admin_form(cuiwang, merged_into=xingou.pk))
    assert response.status_code == 200
    assert "合并村(社区)须说明原因" in response.content.decode()
    cuiwang.refresh_from_db()
    assert cuiwang.merged_into is None
    assert not VillageEvent.objects.exists()


def test_admin_adds_a_village_with_a_creation_record(client, people, wangchang):
    client.force_login(people["administrator"])
    blank = Village(code="429006104231", name="新建村", town=wangchang)
    response = client.post(
        reverse("admin:villages_village_add"), admin_form(blank, change_reason="新设")
    )
    assert response.status_code == 302
    village = Village.objects.get(code="429006104231")
    assert village.events.get().kind == VillageEvent.Kind.CREATED


def test_village_page_shows_its_history(client, people, xingou):
    services.update_village(
        actor=people["administrator"], village_id=xingou.pk, changes={"name": "新沟社区"}
    )
    client.force_login(people["secretary"])
    page = client.get(reverse("villages:detail", args=[xingou.pk])).content.decode()
    assert "更名" in page and "新沟村" in page and "新沟社区" in page
