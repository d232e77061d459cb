"""The city's year: the reproducible draw, re-review, the 70% rates, recommendations."""

import io
import math
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from assessments import services, tallies
from assessments.models import (
    Assessment,
    Campaign,
    CampaignTally,
    Criterion,
    Recommendation,
    Sample,
)
from assessments.selectors import campaign_rates, criteria_of
from audit.trail import record
from pingan.errors import InvalidInput, InvalidTransition, NotPermitted
from tests.factories import RegionFactory, user_with_role
from tests.helpers import answer_everything, run_base_year
from villages.models import Membership, Region

SHORT = ("崔王村", "别台村", "石谭村")
CODES = [f"4290061042{n:02d}" for n in range(14)]


def test_same_seed_draws_the_same_villages():
    first = services.draw(CODES, [], Decimal("0.4"), 3, "2024-天门")
    assert services.draw(list(reversed(CODES)), [], Decimal("0.4"), 3, "2024-天门") == first
    assert len(first) == 6


def test_another_seed_can_draw_differently():
    draws = {tuple(services.draw(CODES, [], Decimal("0.4"), 3, f"seed-{n}")) for n in range(10)}
    assert len(draws) > 1


@given(
    st.lists(st.integers(100, 999), min_size=1, max_size=40, unique=True),
    st.decimals(Decimal("0.01"), Decimal("1"), places=2),
    st.integers(0, 10),
    st.text(min_size=1, max_size=20),
    st.data(),
)
def test_draw_is_a_reproducible_subset_of_the_right_size(numbers, ratio, minimum, seed, data):
    population = [f"429006104{n}" for n in numbers]
    forced = data.draw(st.lists(st.sampled_from(population), unique=True, max_size=3))
    drawn = services.draw(population, forced, ratio, minimum, seed)
    assert drawn == services.draw(population, forced, ratio, minimum, seed)
    assert drawn[: len(forced)] == forced
    assert len(set(drawn)) == len(drawn) and set(drawn) <= set(population)
    expected = min(len(population), max(math.ceil(len(population) * ratio), minimum))
    assert len(drawn) == max(expected, len(forced))


pytestmark = pytest.mark.usefixtures("module_base")


@pytest.fixture(scope="module")
def filed_once(module_records, module_base):
    def build():
        base = module_base.fresh()
        call_command("loaddata", "fixtures/sampling_rules.json", verbosity=0)
        return run_base_year(base, SHORT)

    return module_records.build(build)


@pytest.fixture
def filed(db, filed_once):
    return filed_once.fresh()


def draw(people, campaign, **overrides):
    arguments = {"ratio": Decimal("0.4"), "minimum_count": 3, "seed": "2024-天门"}
    arguments.update(overrides)
    return services.draw_sample(actor=people["city_office"], campaign_id=campaign.pk, **arguments)


def re_review(people, assessment, cameras=None):
    judged = [c for c in criteria_of(assessment.standard) if c.is_judged]
    findings = [{"criterion_id": c.pk, "agrees": True} for c in judged]
    if cameras is not None:
        key = "technical-prevention.cameras"
        findings = [
            f
            if Criterion.objects.get(pk=f["criterion_id"]).key != key
            else {**f, "agrees": False, "value": cameras, "comment": f"实地核查仅{cameras}个"}
            for f in findings
        ]
    services.save_findings(
        actor=people["city_office"], assessment_id=assessment.pk, findings=findings, stage="city"
    )
    return services.conclude_city_review(actor=people["city_office"], assessment_id=assessment.pk)


def test_draw_samples_the_filed_list_and_records_seed_and_method(filed, people):
    sample = draw(people, filed)
    filed.refresh_from_db()
    assert filed.status == Campaign.Status.CITY_REVIEW
    assert len(sample.population) == 14
    assert sample.entries.count() == 6
    expected = services.draw(sample.population, [], Decimal("0.4"), 3, "2024-天门")
    assert [e.assessment.village.code for e in sample.entries.order_by("position")] == expected
    assert "random.Random(种子)" in sample.method
    names = set(sample.entries.values_list("assessment__village__name", flat=True))
    assert not names & set(SHORT)


def test_forced_village_is_included_with_its_reason(filed, people, xingou):
    sample = draw(people, filed, forced={xingou.code: "群众反映较多"})
    first = sample.entries.get(position=1)
    assert (first.assessment.village, first.forced, first.reason) == (xingou, True, "群众反映较多")
    assert sample.entries.count() == 6


def test_forced_village_must_be_on_the_list(filed, people):
    cuiwang = Assessment.objects.get(campaign=filed, village__name="崔王村").village
    with pytest.raises(InvalidInput, match="须在报备的达标名单中"):
        draw(people, filed, forced={cuiwang.code: "抽查"})
    assert not Sample.objects.exists()


def test_redraw_needs_a_reason_and_keeps_the_earlier_draw(filed, people):
    first = draw(people, filed)
    with pytest.raises(InvalidInput, match="须写明原因"):
        draw(people, filed, seed="another")
    assert Sample.objects.get() == first
    second = draw(people, filed, seed="another", reason="首次抽取时名单有误")
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert second.replaces == first
    assert second.redraw_reason == "首次抽取时名单有误"
    assert first.entries.count() == 6


@pytest.mark.parametrize(
    "role", ["town_office", "town_leading_group", "secretary", "province_office"]
)
def test_only_city_reviewers_draw(filed, people, role):
    with pytest.raises(NotPermitted):
        services.draw_sample(
            actor=people[role], campaign_id=filed.pk, ratio=Decimal("0.4"), minimum_count=3
        )
    assert not Sample.objects.exists()


def test_only_city_reviewers_re_review(filed, people):
    sample = draw(people, filed)
    assessment = sample.entries.first().assessment
    veto = Criterion.objects.filter(standard=filed.standard, kind="veto").first()
    with pytest.raises(NotPermitted):
        services.save_finding(
            actor=people["town_office"],
            assessment_id=assessment.pk,
            criterion_id=veto.pk,
            agrees=True,
            stage="city",
        )


def test_unsampled_village_cannot_be_re_reviewed(filed, people):
    sample = draw(people, filed)
    sampled = set(sample.entries.values_list("assessment", flat=True))
    other = Assessment.objects.filter(campaign=filed, result_passed=True).exclude(pk__in=sampled)
    with pytest.raises(InvalidTransition, match="不在现行抽查名单"):
        re_review(people, other.first())


def test_failed_re_review_removes_the_title_and_lowers_the_rates(client, filed, people):
    sample = draw(people, filed)
    entries = list(sample.entries.order_by("position"))
    before = campaign_rates(filed)
    assert (before.pass_rate.numerator, before.holding_rate.numerator) == (14, 0)
    for entry in entries[1:]:
        re_review(people, entry.assessment)
    failed = re_review(people, entries[0].assessment, cameras=3)
    assert failed.city_passed is False
    assert failed.result_passed is False
    assert failed.result_reasons == [
        "市级复核不合格：五(2) 公共区域高清探头接入乡镇(街道)综治中心：实际3个，要求不少于5个"
    ]
    assert failed.town_passed is True

    rates = campaign_rates(filed)
    assert (rates.pass_rate.numerator, rates.pass_rate.denominator) == (14, 17)
    assert (rates.review_pass_rate.numerator, rates.review_pass_rate.denominator) == (5, 6)
    # No village holds the year's title before the review closes.
    assert (rates.holding_rate.numerator, rates.holding_rate.denominator) == (0, 17)
    assert rates.pass_rate.percent == Decimal("82.4")
    assert rates.review_pass_rate.percent == Decimal("83.3")

    client.force_login(people["town_office"])
    review = client.get(reverse("assessments:campaign_review", args=[filed.pk])).content.decode()
    assert "复核不合格" in review and "实际3个" in review
    events = failed.events.filter(action="city_reviewed").get()
    assert "年度平安村(社区)结果取消" in events.reason

    services.close_city_review(actor=people["city_office"], campaign_id=filed.pk)
    rates = campaign_rates(filed)
    assert (rates.holding_rate.numerator, rates.holding_rate.denominator) == (13, 17)
    assert rates.holding_rate.percent == Decimal("76.5")
    assert all(
        r.meets_target for r in (rates.pass_rate, rates.review_pass_rate, rates.holding_rate)
    )
    client.force_login(people["city_office"])
    overview = client.get(reverse("assessments:city_overview"), {"year": 2024})
    ((_row_campaign, row_rates),) = overview.context["rows"]
    assert row_rates == rates
    page = overview.content.decode()
    assert "82.4%" in page and "83.3%" in page and "76.5%" in page
    assert "复核合格率 = 市级复核合格的村(社区)数 ÷ 已复核的村(社区)数" in page
    assert "称号保有率 = 持有本年度有效平安村(社区)称号的村(社区)数" in page
    assert "70%" in page

    filed.refresh_from_db()
    assert filed.status == Campaign.Status.CLOSED


def test_town_sees_only_its_own_draw(client, filed, people, wangchang):
    draw(people, filed)
    client.force_login(people["town_office"])
    assert client.get(reverse("assessments:campaign_review", args=[filed.pk])).status_code == 200
    other_town = RegionFactory(code="429006105", name="多祥镇", parent=wangchang.parent)
    stranger = user_with_role(Membership.Role.TOWN_OFFICE, other_town)
    client.force_login(stranger)
    assert client.get(reverse("assessments:campaign_review", args=[filed.pk])).status_code == 404
    assert client.get(reverse("assessments:sample_pdf", args=[filed.pk])).status_code == 404
    overview = client.get(reverse("assessments:city_overview"), {"year": 2024})
    assert overview.context["rows"] == []


def test_sample_pdf_prints_seed_and_method_and_is_rendered_once(client, filed, people, pdf_renders):
    draw(people, filed)
    rendered = pdf_renders
    client.force_login(people["city_office"])
    response = client.get(reverse("assessments:sample_pdf", args=[filed.pk]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    compact = text.replace(" ", "").replace("\n", "")
    assert "2024-天门" in compact and "random.Random" in compact
    again = client.get(reverse("assessments:sample_pdf", args=[filed.pk]))
    assert again.content == response.content and len(rendered) == 1


def test_draw_through_the_page(client, filed, people):
    client.force_login(people["city_office"])
    page = client.get(reverse("assessments:campaign_review", args=[filed.pk]))
    assert page.context["form"].initial["ratio"] == "30"
    assert "抽查比例(%)" in page.text
    response = client.post(
        reverse("assessments:sample_draw", args=[filed.pk]),
        {"ratio": "30", "minimum_count": "3", "seed": "", "forced": "", "reason": ""},
    )
    assert response.status_code == 302
    sample = Sample.objects.get()
    assert sample.ratio == Decimal("0.3") and sample.ratio_percent == "30%"
    shown = client.get(reverse("assessments:campaign_review", args=[filed.pk])).text
    assert "比例 30%" in shown and "任何人用同一种子" in shown and "random.Random" in shown
    assert sample.entries.count() == 5
    assert len(sample.seed) == 16


def test_candidacy_review_and_recommendation(client, filed, people):
    sample = draw(people, filed)
    for entry in sample.entries.all():
        re_review(people, entry.assessment)
    passer = sample.entries.order_by("position").first().assessment
    with pytest.raises(NotPermitted):
        services.start_candidacy(actor=people["secretary"], assessment_id=passer.pk)
    candidacy = services.start_candidacy(actor=people["town_office"], assessment_id=passer.pk)
    assert candidacy.kind == Assessment.Kind.DEMONSTRATION
    assert candidacy.standard.code == "hubei-demonstration"
    assert (
        services.start_candidacy(actor=people["town_office"], assessment_id=passer.pk) == candidacy
    )

    answer_everything(people["town_office"], candidacy)
    services.submit_assessment(actor=people["town_office"], assessment_id=candidacy.pk)
    reviewed = re_review(people, candidacy)
    assert reviewed.city_passed is True

    client.force_login(people["city_office"])
    form_page = client.get(reverse("assessments:recommendation_create"), {"year": 2024})
    assert list(form_page.context["candidates"]) == [candidacy]
    response = client.post(
        reverse("assessments:recommendation_create") + "?year=2024",
        {
            "document_number": "天平安组〔2024〕3号",
            "title": "关于推荐2024年度平安湖北建设示范村(社区)的报告",
            "body": "省委平安办：\n现将推荐名单报上。",
            "issuer": "市委平安天门建设领导小组",
            "issued_on": "2024-12-28",
            f"pick_{candidacy.pk}": "1",
            f"justification_{candidacy.pk}": "“枫桥式”工作法成效突出",
        },
    )
    recommendation = Recommendation.objects.get()
    assert response["Location"] == reverse("assessments:bulletin_list")
    pdf = reverse("assessments:recommendation_pdf", args=[recommendation.recommendation_list.pk])
    assert pdf in client.get(response["Location"]).text
    text = (
        "".join(
            p.extract_text() for p in PdfReader(recommendation.recommendation_list.pdf.path).pages
        )
        .replace(" ", "")
        .replace("\n", "")
    )
    assert candidacy.village.name in text and "枫桥式" in text
    sheet = client.get(
        reverse("assessments:recommendation_xlsx", args=[recommendation.recommendation_list.pk])
    )
    assert sheet.status_code == 200


def test_recommendation_needs_a_justification(filed, people):
    city = Region.objects.get(code="429006")
    with pytest.raises(InvalidInput):
        services.issue_recommendations(
            actor=people["city_office"],
            city=city,
            year=2024,
            document_number="天平安组〔2024〕3号",
            title="t",
            body="b",
            issuer="i",
            issued_on=filed.self_assessment_due,
            picks=[],
        )


def test_a_candidacy_is_timely_against_its_own_deadline(client, filed, people):
    """Candidacies are prepared in the city review, after the villages' deadline has passed."""
    today = date.today()
    Campaign.objects.filter(pk=filed.pk).update(
        self_assessment_due=today - timedelta(days=90),
        town_assessment_due=today - timedelta(days=60),
        city_review_due=today + timedelta(days=30),
    )
    sample = draw(people, filed)
    for entry in sample.entries.all():
        re_review(people, entry.assessment)
    passer = sample.entries.order_by("position").first().assessment
    candidacy = services.start_candidacy(actor=people["town_office"], assessment_id=passer.pk)
    assert candidacy.effective_due == today + timedelta(days=30)
    assert not candidacy.is_overdue(today)
    client.force_login(people["town_office"])
    page = client.get(reverse("assessments:assessment_detail", args=[candidacy.pk])).text
    assert "逾期" not in page

    Campaign.objects.filter(pk=filed.pk).update(recommendation_due=today - timedelta(days=1))
    candidacy = Assessment.objects.select_related("campaign").get(pk=candidacy.pk)
    assert candidacy.is_overdue(today)
    answer_everything(people["town_office"], candidacy)
    services.submit_assessment(actor=people["town_office"], assessment_id=candidacy.pk)
    assert Assessment.objects.get(pk=candidacy.pk).submitted_late


def test_the_recommendation_deadline_follows_the_town_assessment(people, standards, wangchang):
    with pytest.raises(InvalidInput, match="示范村推荐考评在镇级考核之后准备"):
        services.create_campaign(
            actor=people["town_office"],
            town=wangchang,
            year=2030,
            standard=standards[0],
            self_assessment_due=date(2030, 6, 30),
            town_assessment_due=date(2030, 7, 31),
            city_review_due=date(2030, 9, 30),
            recommendation_due=date(2030, 7, 1),
        )


def recommend(people, candidacy, number="天平安组〔2024〕3号"):
    return services.issue_recommendations(
        actor=people["city_office"],
        city=Region.objects.get(code="429006"),
        year=2024,
        document_number=number,
        title="关于推荐2024年度平安湖北建设示范村(社区)的报告",
        body="省委平安办：\n现将推荐名单报上。",
        issuer="市委平安天门建设领导小组",
        issued_on=date(2024, 12, 28),
        picks=[(candidacy.pk, "成效突出")],
    )


def test_closing_the_re_review_lists_the_open_candidacies_and_leaves_them_open(
    client, filed, people
):
    sample = draw(people, filed)
    for entry in sample.entries.all():
        re_review(people, entry.assessment)
    passers = [e.assessment for e in sample.entries.order_by("position")]
    prepared = services.start_candidacy(actor=people["town_office"], assessment_id=passers[0].pk)

    client.force_login(people["city_office"])
    close = reverse("assessments:campaign_close_city_review", args=[filed.pk])
    question = client.post(close)
    assert "尚未完成的示范村推荐考评" in question.text
    assert f"{passers[0].village.name}：镇平安办尚未提交示范村推荐考评" in question.text
    assert f"{passers[1].village.name}：镇平安办尚未准备示范村推荐考评" in question.text
    assert "直到印发本年度示范村推荐名单" in question.text
    assert Campaign.objects.get(pk=filed.pk).status == Campaign.Status.CITY_REVIEW
    client.post(close, {"confirmed": "yes"})
    assert Campaign.objects.get(pk=filed.pk).status == Campaign.Status.CLOSED

    client.force_login(people["town_office"])
    review_page = client.get(reverse("assessments:campaign_review", args=[filed.pk]))
    assert review_page.context["can_prepare"] and "准备示范村推荐考评" in review_page.text
    late = services.start_candidacy(actor=people["town_office"], assessment_id=passers[1].pk)
    answer_everything(people["town_office"], prepared)
    services.submit_assessment(actor=people["town_office"], assessment_id=prepared.pk)
    assert re_review(people, prepared).city_passed is True

    recommend(people, prepared)
    with pytest.raises(InvalidTransition, match="推荐名单已印发"):
        services.start_candidacy(actor=people["town_office"], assessment_id=passers[2].pk)
    with pytest.raises(InvalidTransition, match="推荐名单已印发"):
        answer_everything(people["town_office"], late)
    assert not Assessment.objects.filter(
        campaign=filed, village=passers[2].village, kind="demonstration"
    ).exists()


def test_a_redraw_asks_first_and_is_offered_only_before_any_re_review(client, filed, people):
    first = draw(people, filed)
    client.force_login(people["city_office"])
    page = client.get(reverse("assessments:campaign_review", args=[filed.pk])).text
    assert "重新抽取(抽查名单有误时" in page
    fields = {"ratio": "40", "minimum_count": "3", "seed": "另一个", "forced": "", "reason": "漏报"}
    question = client.post(reverse("assessments:sample_draw", args=[filed.pk]), fields)
    assert f"现抽查名单(种子 {first.seed}" in question.text and "作废，留档备查" in question.text
    assert Sample.objects.get(is_current=True) == first
    client.post(reverse("assessments:sample_draw", args=[filed.pk]), {**fields, "confirmed": "yes"})
    redrawn = Sample.objects.get(is_current=True)
    assert redrawn != first and redrawn.seed == "另一个"
    re_review(people, redrawn.entries.first().assessment)
    page = client.get(reverse("assessments:campaign_review", args=[filed.pk])).text
    assert "重新抽取(抽查名单有误时" not in page and "重新抽取原因：漏报" in page


def test_the_rates_come_from_counts_kept_until_a_change_marks_them(filed, people, monkeypatch):
    rates = campaign_rates(filed)
    kept = CampaignTally.objects.get(campaign=filed)
    assert not kept.stale
    assert (kept.total, kept.passed, kept.holding) == (17, 14, 0)
    assert tallies.count([filed])[filed.pk] == {
        name: getattr(kept, name) for name in tallies.COUNTS
    }

    sample = draw(people, filed)
    re_review(people, sample.entries.order_by("position").first().assessment, cameras=3)
    assert CampaignTally.objects.get(campaign=filed).stale
    rates = campaign_rates(filed)
    assert (rates.reviewed, rates.review_passed) == (1, 0)
    assert not CampaignTally.objects.get(campaign=filed).stale

    # A change recorded while a reader is counting (from rows read before it) leaves the
    # counts stale for the next reader, rather than keeping what the reader counted.
    counted = tallies.count

    def count_while_a_change_lands(campaigns):
        numbers = counted(campaigns)
        record(action="campaign.touched", actor=people["city_office"], target=filed)
        return numbers

    CampaignTally.objects.filter(campaign=filed).update(stale=True)
    monkeypatch.setattr(tallies, "count", count_while_a_change_lands)
    campaign_rates(filed)
    assert CampaignTally.objects.get(campaign=filed).stale
