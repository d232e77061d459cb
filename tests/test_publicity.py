"""宣传与经验: a village's publicity and practices, 典型经验 published by the town and the city,
and both in the 示范村 candidacy beside item 五 and on the town's workbench."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, Criterion, Practice, PracticeEvent, PublicityRecord
from pingan.errors import InvalidInput, InvalidTransition, NotPermitted
from tests.factories import RegionFactory, VillageFactory, user_with_role
from tests.files import jpeg_with_trailer
from tests.helpers import agree_all, answer_everything, review_base_year
from tests.pdf_checks import check_printout
from villages.models import Membership

Role = Membership.Role
LAST_WEEK = date.today() - timedelta(days=7)


def media_report(actor, village, **fields):
    return services.record_publicity(
        actor=actor,
        village_id=village.pk,
        held_on=LAST_WEEK,
        kind=PublicityRecord.Kind.MEDIA,
        summary="《平安夜巡守护万家灯火》",
        outlet="湖北日报",
        link="https://example.org/report/123",
        **fields,
    )


def write_practice(people, village):
    return services.save_practice(
        actor=people["secretary"],
        village_id=village.pk,
        title="“红袖标”夜巡队",
        problem="外出务工多，夜间入户盗窃时有发生。",
        action="党员、网格员和志愿者组成夜巡队，每晚分三组巡逻。",
        result="全年入户盗窃下降八成，群众安全感明显提升。",
    )


def test_the_village_and_its_team_record_publicity_and_nobody_else_does(people, xingou, cuiwang):
    report = media_report(people["village_staff"], xingou, photo=jpeg_with_trailer())
    assert report.recorded_by == people["village_staff"] and report.photo
    with report.photo.open("rb") as stored:
        kept = stored.read()
    assert b"<html" not in kept and b"GPS" not in kept
    with pytest.raises(NotPermitted):
        media_report(people["secretary"], cuiwang)
    with pytest.raises(NotPermitted):
        media_report(people["town_office"], xingou)
    with pytest.raises(InvalidInput, match="须写明媒体名称"):
        services.record_publicity(
            actor=people["secretary"],
            village_id=xingou.pk,
            held_on=LAST_WEEK,
            kind=PublicityRecord.Kind.MEDIA,
            summary="报道",
        )
    with pytest.raises(InvalidInput, match="不能晚于今天"):
        services.record_publicity(
            actor=people["secretary"],
            village_id=xingou.pk,
            held_on=date.today() + timedelta(days=1),
            kind=PublicityRecord.Kind.PATROL,
            summary="夜巡",
        )
    assert PublicityRecord.objects.count() == 1


def test_a_practice_goes_from_the_village_to_the_town_and_the_city(people, xingou, cuiwang):
    practice = write_practice(people, xingou)
    services.submit_practice(actor=people["secretary"], practice_id=practice.pk)
    with pytest.raises(InvalidTransition, match="不能再修改"):
        services.save_practice(
            actor=people["secretary"],
            village_id=xingou.pk,
            practice_id=practice.pk,
            title="改",
            problem="改",
            action="改",
            result="改",
        )
    with pytest.raises(NotPermitted):
        services.publish_practice(actor=people["city_office"], practice_id=practice.pk)
    services.return_practice(
        actor=people["town_office"], practice_id=practice.pk, note="请补充具体数据"
    )
    write_again = services.save_practice(
        actor=people["secretary"],
        village_id=xingou.pk,
        practice_id=practice.pk,
        title="“红袖标”夜巡队",
        problem="外出务工多，夜间入户盗窃时有发生。",
        action="党员、网格员和志愿者组成夜巡队，每晚分三组巡逻，全年巡逻 300 余次。",
        result="入户盗窃由 12 起降至 2 起。",
    )
    services.submit_practice(actor=people["secretary"], practice_id=write_again.pk)
    services.publish_practice(actor=people["town_office"], practice_id=practice.pk)
    practice.refresh_from_db()
    assert practice.status == Practice.Status.TOWN_PUBLISHED and practice.published_on
    services.publish_practice(actor=people["city_office"], practice_id=practice.pk)
    practice.refresh_from_db()
    assert practice.status == Practice.Status.CITY_PUBLISHED
    moves = list(
        PracticeEvent.objects.filter(practice=practice)
        .order_by("occurred_at", "id")
        .values_list("actor", "to_status", "reason")
    )
    assert moves[1] == (people["town_office"].pk, "draft", "请补充具体数据")
    assert [move[1] for move in moves] == [
        "submitted",
        "draft",
        "submitted",
        "town_published",
        "city_published",
    ]


def test_a_published_practice_reaches_the_villages_of_the_town_and_no_further(
    client, people, xingou, cuiwang, wangchang
):
    practice = write_practice(people, xingou)
    neighbour = user_with_role(Role.SECRETARY, cuiwang)
    other_town = RegionFactory(code="429006105", name="多祥镇", parent=wangchang.parent)
    stranger = user_with_role(Role.SECRETARY, VillageFactory(code="429006105201", town=other_town))
    detail = reverse("assessments:practice_detail", args=[practice.pk])
    client.force_login(neighbour)
    assert client.get(detail).status_code == 404
    services.submit_practice(actor=people["secretary"], practice_id=practice.pk)
    services.publish_practice(actor=people["town_office"], practice_id=practice.pk)
    assert client.get(detail).status_code == 200
    assert practice.title in client.get(reverse("assessments:practice_list")).text
    client.force_login(stranger)
    assert client.get(detail).status_code == 404
    services.publish_practice(actor=people["city_office"], practice_id=practice.pk)
    assert client.get(detail).status_code == 200


def test_the_printed_experience_carries_its_text_in_official_form(client, people, xingou, tmp_path):
    practice = write_practice(people, xingou)
    client.force_login(people["town_office"])
    pdf = reverse("assessments:practice_pdf", args=[practice.pk])
    services.submit_practice(actor=people["secretary"], practice_id=practice.pk)
    assert client.get(pdf).status_code == 404
    services.publish_practice(actor=people["town_office"], practice_id=practice.pk)
    response = client.get(pdf)
    assert response.status_code == 200
    path = tmp_path / "experience.pdf"
    path.write_bytes(response.content)
    text = check_printout(path, tmp_path)
    assert "经验交流" in text and "红袖标" in text and "二、主要做法" in text


def test_a_media_report_shows_in_the_candidacy_beside_item_five(client, campaign, people, xingou):
    review_base_year({"campaign": campaign, "people": people, "xingou": xingou}, "publicity")
    media_report(people["secretary"], xingou)
    practice = write_practice(people, xingou)
    services.submit_practice(actor=people["secretary"], practice_id=practice.pk)
    services.publish_practice(actor=people["town_office"], practice_id=practice.pk)
    yearly = Assessment.objects.get(campaign=campaign, village=xingou, kind="yearly")
    candidacy = services.start_candidacy(actor=people["town_office"], assessment_id=yearly.pk)
    answer_everything(people["town_office"], candidacy)
    services.submit_assessment(actor=people["town_office"], assessment_id=candidacy.pk)
    agree_all(people, candidacy)
    highlights = Criterion.objects.get(standard=candidacy.standard, shows_publicity=True)
    assert highlights.number == "五"
    client.force_login(people["city_office"])
    page = client.get(
        reverse("assessments:assessment_criterion", args=[candidacy.pk, highlights.pk])
    ).text
    assert "湖北日报：《平安夜巡守护万家灯火》" in page and practice.title in page
    other = Criterion.objects.filter(standard=candidacy.standard, shows_publicity=False).exclude(
        kind=Criterion.Kind.GROUP
    )[0]
    assert (
        "湖北日报"
        not in client.get(
            reverse("assessments:assessment_criterion", args=[candidacy.pk, other.pk])
        ).text
    )


def test_the_workbench_counts_each_village_s_publicity(client, campaign, people, xingou):
    media_report(people["secretary"], xingou)
    services.record_publicity(
        actor=people["village_staff"],
        village_id=xingou.pk,
        held_on=date(campaign.year, 5, 1),
        kind=PublicityRecord.Kind.PATROL,
        summary="夜巡",
        participants=12,
    )
    client.force_login(people["town_office"])
    page = client.get(reverse("assessments:town_dashboard", args=[xingou.town_id]))
    row = next(r for r in page.context["dashboard"].rows if r["assessment"].village == xingou)
    this_year = sum(1 for d in (LAST_WEEK, date(campaign.year, 5, 1)) if d.year == campaign.year)
    assert row["publicity"] == (this_year, 0)
