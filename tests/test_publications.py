"""公示 before filing: the period in working days, 异议 from the public, the town's answers."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from assessments import services
from assessments.calendar import is_working_day, working_period, working_period_from
from assessments.models import (
    Assessment,
    AssessmentEvent,
    Campaign,
    Holiday,
    Objection,
    PassListEntry,
    Publication,
    Recommendation,
    Title,
)
from audit.models import AuditEntry
from pingan.errors import InvalidInput, InvalidTransition, NotPermitted, TooManyRequests
from tests.files import jpeg
from tests.helpers import agree_all, answer_everything, approve_town_year, review_base_year
from villages.models import Region

# 2026年国庆节 as an example arrangement: Thursday 1 October to Wednesday 7 October off,
# Saturday 10 October worked in exchange.
NATIONAL_DAY = {date(2026, 10, day): False for day in range(1, 8)} | {date(2026, 10, 10): True}


def test_working_days_skip_a_holiday_and_count_a_worked_weekend():
    # Five working days from Monday 28 September 2026: 28, 29, 30 September, then the week
    # off, then Thursday 8 and Friday 9 October.
    assert working_period(date(2026, 9, 28), 5, NATIONAL_DAY) == (
        date(2026, 9, 28),
        date(2026, 10, 9),
    )
    # Seven: Saturday 10 October (worked) and Monday 12 follow.
    assert working_period(date(2026, 9, 28), 7, NATIONAL_DAY)[1] == date(2026, 10, 12)
    # A period asked for on a day off starts on the next working day.
    assert working_period(date(2026, 10, 3), 1, NATIONAL_DAY) == (
        date(2026, 10, 8),
        date(2026, 10, 8),
    )
    # Without the calendar, the same days are ordinary weekdays.
    assert working_period(date(2026, 9, 28), 5, {})[1] == date(2026, 10, 2)


def test_the_count_reads_the_calendar_the_administrator_keeps(db):
    Holiday.objects.bulk_create(
        Holiday(day=day, name="国庆节调休上班" if worked else "国庆节", is_workday=worked)
        for day, worked in NATIONAL_DAY.items()
    )
    assert working_period_from(date(2026, 9, 28), 5)[1] == date(2026, 10, 9)


@pytest.fixture
def approved(campaign, people, xingou):
    return approve_town_year(campaign, people, ("崔王村",), {xingou.pk: people["secretary"]})


def publish(people, campaign, days=5):
    return services.publish_pass_list(
        actor=people["town_office"],
        campaign_id=campaign.pk,
        working_days=days,
        contact="汪场镇平安办 0728-5210000",
    )


def object_to(publication, village, address="10.0.0.1", **fields):
    values = {
        "name": "王群众",
        "phone": "13812345678",
        "matter": "  该村今年3月发生一起聚众赌博案件，\n已被派出所查处。  ",
    }
    return services.raise_objection(
        publication_id=publication.pk,
        village_id=village.pk,
        address=address,
        **{**values, **fields},
    )


def end_period(publication):
    """The days pass: the period is over."""
    length = publication.ends_on - publication.starts_on
    Publication.objects.filter(pk=publication.pk).update(
        starts_on=date.today() - length - timedelta(days=1),
        ends_on=date.today() - timedelta(days=1),
    )


def open_period(publication):
    """The period has started (it starts on the working day after publication)."""
    Publication.objects.filter(pk=publication.pk).update(starts_on=date.today())
    publication.refresh_from_db()


def test_a_list_under_publication_is_filed_only_once_it_ends_and_every_objection_is_answered(
    approved, people, xingou
):
    town = people["town_office"]
    publication = publish(people, approved)
    assert publication.starts_on > date.today() and publication.entries.count() == 16
    with pytest.raises(InvalidTransition, match="公示期结束后才能报备"):
        services.file_campaign(actor=town, campaign_id=approved.pk)
    open_period(publication)
    objection = object_to(publication, xingou)
    assert objection.matter.startswith("  该村") and objection.matter.endswith("查处。  ")
    end_period(publication)
    with pytest.raises(InvalidTransition, match="尚有 1 件公示异议未答复"):
        services.file_campaign(actor=town, campaign_id=approved.pk)
    with pytest.raises(NotPermitted):
        services.answer_objection(
            actor=people["secretary"],
            objection_id=objection.pk,
            found_true=False,
            inquiry="查",
            answer="答",
        )
    with pytest.raises(InvalidInput, match="核实情况和答复理由"):
        services.answer_objection(
            actor=town, objection_id=objection.pk, found_true=False, inquiry="", answer=""
        )
    services.answer_objection(
        actor=town,
        objection_id=objection.pk,
        found_true=False,
        inquiry="经派出所核实，该案发生在邻村",
        answer="所反映案件不在本村辖区，异议不属实",
    )
    services.file_campaign(actor=town, campaign_id=approved.pk)
    approved.refresh_from_db()
    assert approved.status == Campaign.Status.FILED
    assert PassListEntry.objects.filter(pass_list__campaign=approved, village=xingou).exists()
    assert AuditEntry.objects.filter(action="objectionevent.status").exists()
    with pytest.raises(InvalidTransition):
        publish(people, approved)


def test_an_objection_found_true_takes_the_village_off_the_list_with_its_reason(
    approved, people, xingou
):
    town = people["town_office"]
    publication = publish(people, approved, days=7)
    open_period(publication)
    objection = object_to(publication, xingou)
    services.answer_objection(
        actor=town,
        objection_id=objection.pk,
        found_true=True,
        inquiry="经派出所核实，3月12日该村发生聚众赌博案件",
        answer="属实，该村本年度不达标",
    )
    entry = publication.entries.get(village=xingou)
    assert entry.removed_reason == "属实，该村本年度不达标" and entry.removed_at
    assessment = Assessment.objects.get(campaign=approved, village=xingou)
    assert assessment.result_passed is False
    assert "公示异议属实：属实，该村本年度不达标" in assessment.result_reasons
    event = assessment.events.get(action=AssessmentEvent.Action.OBJECTION_UPHELD)
    assert event.actor == town
    with pytest.raises(InvalidTransition, match="已核实属实"):
        services.answer_objection(
            actor=town, objection_id=objection.pk, found_true=False, inquiry="再查", answer="否"
        )
    # No further objection against a village no longer on the list.
    with pytest.raises(InvalidInput, match="公示名单中的村"):
        object_to(publication, xingou, address="10.0.0.2")
    end_period(publication)
    services.file_campaign(actor=town, campaign_id=approved.pk)
    filed = PassListEntry.objects.filter(pass_list__campaign=approved)
    assert filed.count() == 15 and not filed.filter(village=xingou).exists()


def test_the_public_page_needs_no_sign_in_and_never_shows_an_objector(
    client, approved, people, xingou
):
    publication = publish(people, approved)
    open_period(publication)
    page = client.get(reverse("assessments:public_publications"))
    assert page.status_code == 200 and publication.title in page.text and "新沟村" in page.text
    form = reverse("assessments:public_objection", args=[publication.pk])
    sent = client.post(
        form,
        {
            "village": str(xingou.pk),
            "matter": "该村道路监控长期损坏",
            "name": "李举报",
            "phone": "13912340000",
            "photo": jpeg("损坏的探头.jpg"),
        },
        REMOTE_ADDR="10.1.1.1",
    )
    assert sent.status_code == 200 and "受理编号" in sent.text
    objection = Objection.objects.get()
    assert objection.photo and objection.address == "10.1.1.1"
    for address in (reverse("assessments:public_publications"), form):
        text = client.get(address).text
        assert "李举报" not in text and "13912340000" not in text
    assert (
        client.get(reverse("assessments:objection_detail", args=[objection.pk])).status_code == 302
    )
    client.force_login(people["secretary"])
    assert (
        client.get(reverse("assessments:objection_detail", args=[objection.pk])).status_code == 404
    )
    client.force_login(people["town_office"])
    detail = client.get(reverse("assessments:objection_detail", args=[objection.pk]))
    assert "李举报" in detail.text and "13912340000" in detail.text
    photo = client.get(reverse("assessments:objection_photo", args=[objection.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"


def test_objections_from_one_address_are_limited(client, approved, people, xingou):
    publication = publish(people, approved)
    open_period(publication)
    for _ in range(3):
        object_to(publication, xingou, address="10.2.2.2")
    with pytest.raises(TooManyRequests):
        object_to(publication, xingou, address="10.2.2.2")
    refused = client.post(
        reverse("assessments:public_objection", args=[publication.pk]),
        {"village": str(xingou.pk), "matter": "再次反映", "name": "王", "phone": "13812345678"},
        REMOTE_ADDR="10.2.2.2",
    )
    assert refused.status_code == 429 and "已达上限" in refused.text
    assert Objection.objects.count() == 3
    object_to(publication, xingou, address="10.3.3.3")
    assert Objection.objects.count() == 4


def test_no_objection_outside_the_period(approved, people, xingou):
    publication = publish(people, approved)
    with pytest.raises(InvalidTransition, match="不在公示期内"):
        object_to(publication, xingou)
    end_period(publication)
    with pytest.raises(InvalidTransition, match="不在公示期内"):
        object_to(publication, xingou)
    assert not Objection.objects.exists()


def test_the_office_publishes_from_its_page(client, approved, people):
    client.force_login(people["town_office"])
    page = reverse("assessments:campaign_publication", args=[approved.pk])
    assert "发布公示" in client.get(page).text
    published = client.post(page, {"working_days": "7", "contact": "汪场镇平安办 0728-5210000"})
    assert published.status_code == 302
    publication = Publication.objects.get()
    assert publication.working_days == 7
    assert (
        f"{publication.ends_on.month}月{publication.ends_on.day:02d}日"
        in client.get(page, follow=True).text
        or publication.ends_on.strftime("%Y年") in client.get(page).text
    )
    client.force_login(people["city_office"])
    assert client.get(page).status_code == 403


def test_a_list_is_published_only_once_approved(campaign, people):
    with pytest.raises(InvalidTransition, match="领导小组审定后"):
        publish(people, campaign)
    assert not Publication.objects.exists()


def test_the_city_and_the_province_publish_before_they_recommend_and_name(
    campaign, people, xingou, cuiwang
):
    review_base_year({"campaign": campaign, "people": people, "xingou": xingou}, "gongshi")
    yearly = Assessment.objects.get(campaign=campaign, village=xingou, kind="yearly")
    candidacy = services.start_candidacy(actor=people["town_office"], assessment_id=yearly.pk)
    answer_everything(people["town_office"], candidacy)
    services.submit_assessment(actor=people["town_office"], assessment_id=candidacy.pk)
    agree_all(people, candidacy)
    services.close_city_review(actor=people["city_office"], campaign_id=campaign.pk)
    city, province = Region.objects.get(code="429006"), Region.objects.get(code="42")
    with pytest.raises(NotPermitted):
        services.publish_recommendations(
            actor=people["town_office"],
            city=city,
            year=2024,
            assessment_ids=[candidacy.pk],
            working_days=5,
            contact="市委平安办",
        )
    with pytest.raises(InvalidInput, match="复核合格"):
        services.publish_recommendations(
            actor=people["city_office"],
            city=city,
            year=2024,
            assessment_ids=[yearly.pk],
            working_days=5,
            contact="市委平安办",
        )
    publication = services.publish_recommendations(
        actor=people["city_office"],
        city=city,
        year=2024,
        assessment_ids=[candidacy.pk],
        working_days=5,
        contact="天门市委平安办 0728-5200000",
    )
    assert [e.village for e in publication.entries.all()] == [xingou]
    issue = {
        "actor": people["city_office"],
        "city": city,
        "year": 2024,
        "document_number": "天平安组〔2024〕3号",
        "title": "关于推荐2024年度平安湖北建设示范村(社区)的报告",
        "body": "省委平安办：……",
        "issuer": "天门市委平安天门建设领导小组",
        "issued_on": date(2024, 12, 28),
        "picks": [(candidacy.pk, "特色鲜明")],
    }
    with pytest.raises(InvalidTransition, match="公示期结束后才能印发"):
        services.issue_recommendations(**issue)
    open_period(publication)
    objection = object_to(publication, xingou)
    # The city answers the 异议 against its own list; the town does not.
    with pytest.raises(NotPermitted):
        services.answer_objection(
            actor=people["town_office"],
            objection_id=objection.pk,
            found_true=False,
            inquiry="查",
            answer="答",
        )
    services.answer_objection(
        actor=people["city_office"],
        objection_id=objection.pk,
        found_true=False,
        inquiry="经核实，所述案件发生在邻村",
        answer="异议不属实",
    )
    end_period(publication)
    services.issue_recommendations(**issue)

    recommendation = Recommendation.objects.get()
    naming = services.publish_naming(
        actor=people["province_office"],
        province=province,
        first_year=2024,
        recommendation_ids=[recommendation.pk],
        working_days=7,
        contact="省委平安办",
    )
    open_period(naming)
    objection = object_to(naming, xingou, address="10.9.9.9")
    services.answer_objection(
        actor=people["province_office"],
        objection_id=objection.pk,
        found_true=True,
        inquiry="经核实，该村本年度发生电信诈骗案件多起未如实报告",
        answer="属实，不予命名",
    )
    end_period(naming)
    with pytest.raises(InvalidInput, match=r"新沟村不在.*拟命名名单公示的名单中"):
        services.name_demonstration_villages(
            actor=people["province_office"],
            province=province,
            first_year=2024,
            document_number="鄂平安组〔2025〕2号",
            issuer="中共湖北省委平安湖北建设领导小组",
            named_on=date(2025, 3, 1),
            picks=[(recommendation.pk, "鄂平安示范〔2024〕001号")],
        )
    assert not Title.objects.filter(kind=Title.Kind.DEMONSTRATION).exists()
    # A true 异议 against a candidate leaves the village's yearly result as it was.
    yearly.refresh_from_db()
    assert yearly.result_passed is True


def test_a_calendar_without_working_days_is_refused_in_chinese(approved, people):
    start = date.today()
    Holiday.objects.bulk_create(
        Holiday(day=start + timedelta(days=offset), name="录入有误") for offset in range(1, 60)
    )
    with pytest.raises(InvalidInput, match="核对节假日安排"):
        publish(people, approved)
    assert not Publication.objects.exists()


@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    count=st.integers(min_value=1, max_value=15),
    days_off=st.sets(st.integers(min_value=0, max_value=40), max_size=12),
    days_worked=st.sets(st.integers(min_value=0, max_value=40), max_size=4),
)
def test_a_period_holds_exactly_its_working_days_between_two_working_days(
    start, count, days_off, days_worked
):
    arrangement = {start + timedelta(days=n): False for n in days_off} | {
        start + timedelta(days=n): True for n in days_worked
    }
    first, last = working_period(start, count, arrangement)
    assert start <= first <= last
    span = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    assert sum(is_working_day(day, arrangement) for day in span) == count
    assert is_working_day(first, arrangement) and is_working_day(last, arrangement)
    assert not any(
        is_working_day(start + timedelta(days=n), arrangement) for n in range((first - start).days)
    )
