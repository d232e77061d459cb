"""The annual campaign: created by the town office, opened once, its progress board."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, Campaign, CampaignEvent, Standard
from pingan.errors import InvalidInput, InvalidTransition, NotPermitted
from tests.factories import VillageFactory
from tests.helpers import answer_everything, new_campaign
from villages.models import Village


def test_opening_creates_one_assessment_per_active_village(campaign):
    assert campaign.status == Campaign.Status.SELF_ASSESSMENT
    assert campaign.assessments.count() == 17
    assert set(campaign.assessments.values_list("status", flat=True)) == {"not_started"}
    assert campaign.standard.status == Standard.Status.PINNED
    events = list(campaign.events.order_by("id").values_list("from_status", "to_status"))
    assert events == [("", "draft"), ("draft", "self_assessment")]


def test_opening_twice_creates_nothing_more(campaign, people):
    with pytest.raises(InvalidTransition, match="不会重复生成"):
        services.open_campaign(actor=people["town_office"], campaign_id=campaign.pk)
    assert Assessment.objects.filter(campaign=campaign).count() == 17
    assert CampaignEvent.objects.filter(campaign=campaign).count() == 2


def test_inactive_and_merged_villages_take_no_part(people, standards, wangchang, xingou):
    Village.objects.filter(code="429006104230").update(is_active=False)
    draft = new_campaign(people, wangchang, standards[0], 2025)
    services.open_campaign(actor=people["town_office"], campaign_id=draft.pk)
    assert draft.assessments.count() == 16


def test_one_campaign_per_town_and_year(campaign, people, standards, wangchang):
    with pytest.raises(InvalidInput, match="已存在"):
        new_campaign(people, wangchang, standards[0], 2024)


def test_deadlines_must_run_in_order(people, standards, wangchang):
    with pytest.raises(InvalidInput, match="依次"):
        new_campaign(people, wangchang, standards[0], 2025, due=(11, 30))


def test_naming_standard_cannot_run_a_campaign(people, standards, wangchang):
    with pytest.raises(InvalidInput, match="平安村"):
        new_campaign(people, wangchang, standards[1], 2025)


@pytest.mark.parametrize("role", ["secretary", "town_leading_group", "city_office"])
def test_only_the_town_office_creates_and_opens(people, standards, wangchang, role):
    with pytest.raises(NotPermitted):
        new_campaign(people, wangchang, standards[0], 2025, role=role)
    draft = new_campaign(people, wangchang, standards[0], 2025)
    with pytest.raises(NotPermitted):
        services.open_campaign(actor=people[role], campaign_id=draft.pk)
    assert not draft.assessments.exists()


def test_town_office_creates_and_opens_through_the_pages(client, people, standards, wangchang):
    client.force_login(people["town_office"])
    response = client.post(
        reverse("assessments:campaign_create"),
        {
            "town": wangchang.pk,
            "year": 2025,
            "standard": standards[0].pk,
            "self_assessment_due": "2025-06-30",
            "town_assessment_due": "2025-07-31",
            "city_review_due": "2025-09-30",
        },
    )
    campaign = Campaign.objects.get(year=2025)
    assert response["Location"] == reverse("assessments:campaign_detail", args=[campaign.pk])
    page = client.get(response["Location"]).content.decode()
    assert "启动自评" in page
    open_url = reverse("assessments:campaign_open", args=[campaign.pk])
    client.post(open_url)
    again = client.post(open_url)
    assert again.status_code == 409
    assert "不会重复生成" in again.content.decode()
    assert campaign.assessments.count() == 17


def test_board_shows_each_village_state_and_counts(client, campaign, people, xingou, cuiwang):
    xingou_assessment = campaign.assessments.get(village=xingou)
    answer_everything(people["secretary"], xingou_assessment)
    services.submit_assessment(actor=people["secretary"], assessment_id=xingou_assessment.pk)
    late = campaign.assessments.get(village=cuiwang)
    Assessment.objects.filter(pk=late.pk).update(due_date=date.today() - timedelta(days=1))

    client.force_login(people["town_office"])
    response = client.get(reverse("assessments:campaign_detail", args=[campaign.pk]))
    counts = response.context["counts"]
    assert counts == {
        "未开始": 16,
        "填报中": 0,
        "已提交": 1,
        "已退回": 0,
        "镇级已考核": 0,
        "已审定": 0,
        "逾期": 1,
    }
    rows = {row["assessment"].village.name: row for row in response.context["rows"]}
    assert rows["新沟村"]["share"] == 100
    assert rows["新沟村"]["state"] == "已提交"
    assert rows["崔王村"]["overdue"]
    assert "逾期" in response.content.decode()


def test_board_queries_do_not_grow_with_villages(
    client, people, standards, wangchang, django_assert_max_num_queries
):
    def open_campaign(year):
        draft = new_campaign(people, wangchang, standards[0], year)
        return services.open_campaign(actor=people["town_office"], campaign_id=draft.pk)

    client.force_login(people["town_office"])
    small = open_campaign(2024)
    with django_assert_max_num_queries(11):
        client.get(reverse("assessments:campaign_detail", args=[small.pk]))
    VillageFactory.create_batch(40, town=wangchang)
    large = open_campaign(2025)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("assessments:campaign_detail", args=[large.pk]))
    assert len(response.context["rows"]) == 57


def test_secretary_sees_own_town_campaign_but_not_the_list_menu(client, campaign, people):
    client.force_login(people["secretary"])
    assert client.get(reverse("assessments:campaign_detail", args=[campaign.pk])).status_code == 200
    labels = {label for label, _ in client.get(reverse("home")).context["nav_items"]}
    assert "我的创建" in labels and "创建活动" not in labels
