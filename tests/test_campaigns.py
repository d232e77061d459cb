"""The annual campaign: created by the town office, opened once, its progress board."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, Campaign, CampaignEvent, SentReminder, Standard
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


def test_closing_the_self_assessment_early_names_who_has_not_submitted_and_needs_a_reason(
    client, campaign, people, xingou
):
    mine = campaign.assessments.get(village=xingou)
    answer_everything(people["secretary"], mine)
    services.submit_assessment(actor=people["secretary"], assessment_id=mine.pk)
    close = reverse("assessments:campaign_close_self_assessment", args=[campaign.pk])
    client.force_login(people["town_office"])

    question = client.post(close)
    assert question.status_code == 200
    assert "尚未提交自评的村(社区)(16 个)" in question.text
    assert "崔王村（未开始" in question.text and "新沟村（" not in question.text
    assert "此操作不能撤销" in question.text and "提前结束自评的原因(必填)" in question.text
    refused = client.post(close, {"confirmed": "yes", "reason": "  "})
    assert refused.status_code == 400 and "尚有16个村(社区)未提交自评" in refused.text
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.SELF_ASSESSMENT

    client.post(close, {"confirmed": "yes", "reason": "县里要求提前上报"})
    closed = Campaign.objects.get(pk=campaign.pk)
    assert closed.status == Campaign.Status.TOWN_ASSESSMENT
    event = closed.events.latest("id")
    assert event.actor == people["town_office"]
    assert "县里要求提前上报" in event.reason and "崔王村" in event.reason
    assert (event.from_status, event.to_status) == ("self_assessment", "town_assessment")


def test_a_secretary_sees_the_stage_as_it_is(client, campaign, people, xingou):
    mine = campaign.assessments.get(village=xingou)
    client.force_login(people["secretary"])
    assert "还有" in client.get(reverse("home")).text
    Assessment.objects.filter(pk=mine.pk).update(due_date=date.today() - timedelta(days=3))
    services.close_self_assessment(
        actor=people["town_office"], campaign_id=campaign.pk, reason="到期"
    )
    page = client.get(reverse("assessments:assessment_detail", args=[mine.pk])).text
    assert "已超过截止日期" in page and "仍可提交，记为逾期提交" in page
    assert "未按期提交自评" in page and "提交自评" in page


@pytest.fixture
def reachable(people):
    secretary = people["secretary"]
    secretary.email = "xingou@example.org"
    secretary.save(update_fields=["email"])
    return secretary


def test_urging_one_village_reaches_its_secretary_once_a_day(
    client, campaign, people, xingou, reachable, mailoutbox, django_capture_on_commit_callbacks
):
    mine = campaign.assessments.get(village=xingou)
    client.force_login(people["town_office"])
    urge = reverse("assessments:campaign_urge", args=[campaign.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(urge, {"assessment": mine.pk}, follow=True)
    assert "已催办 1 个村(社区)：新沟村" in response.text
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["xingou@example.org"]
    assert "新沟村2024年度自评" in mailoutbox[0].body and "镇平安办催办" in mailoutbox[0].body
    event = mine.events.get(action="urged")
    assert event.actor == people["town_office"] and reachable.display_name in event.reason
    assert SentReminder.objects.filter(user=reachable, key__startswith="urge:").count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(urge, {"assessment": mine.pk}, follow=True)
    assert "新沟村未催办：今天已催办" in again.text
    assert len(mailoutbox) == 1 and mine.events.filter(action="urged").count() == 1


def test_urging_every_laggard_says_who_could_not_be_reached(
    campaign, people, xingou, reachable, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        urged, skipped = services.urge_villages(
            actor=people["town_office"], campaign_id=campaign.pk
        )
    assert [a.village for a in urged] == [xingou]
    assert len(skipped) == 16
    assert all("没有可用的联系方式" in why for _, why in skipped)
    assert len(mailoutbox) == 1


def test_urging_is_the_town_offices_and_refuses_a_village_outside_the_campaign(
    campaign, people, xingou, reachable
):
    with pytest.raises(NotPermitted):
        services.urge_villages(actor=people["secretary"], campaign_id=campaign.pk)
    with pytest.raises(InvalidInput, match="无需催办"):
        services.urge_villages(
            actor=people["town_office"], campaign_id=campaign.pk, assessment_ids=[10**9]
        )
    assert not SentReminder.objects.exists()


def test_the_board_names_each_secretary_and_filters_by_state(client, campaign, people, xingou):
    Village.objects.filter(pk=xingou.pk).update(
        secretary_name="王书记", secretary_phone="13800000000"
    )
    mine = campaign.assessments.get(village=xingou)
    answer_everything(people["secretary"], mine)
    services.submit_assessment(actor=people["secretary"], assessment_id=mine.pk)
    client.force_login(people["town_office"])
    board = reverse("assessments:campaign_detail", args=[campaign.pk])
    page = client.get(board)
    assert "王书记" in page.text and 'href="tel:13800000000"' in page.text
    assert "催办全部未提交的村(社区)(16 个)" in page.text
    submitted = client.get(board, {"status": "submitted"})
    assert [row["assessment"].village for row in submitted.context["rows"]] == [xingou]
    unsubmitted = client.get(board, {"status": "unsubmitted"})
    assert len(unsubmitted.context["rows"]) == 16
    assert len(client.get(board, {"status": "nonsense"}).context["rows"]) == 17
