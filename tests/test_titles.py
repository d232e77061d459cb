"""Titles, naming, the incident register with immediate revocation, correction, timeline."""

import io
import subprocess
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient

from assessments import services
from assessments.dashboards import region_ranking, town_dashboard
from assessments.models import (
    Assessment,
    Campaign,
    Incident,
    IncidentCategory,
    IncidentEffect,
    Title,
    TitleEvent,
)
from assessments.selectors import (
    campaign_rates,
    city_rates,
    criteria_of,
    result_sentence,
    village_results,
    village_timeline,
)
from pingan.errors import InvalidInput, InvalidTransition, NotPermitted
from tests.factories import RegionFactory, user_with_role
from tests.helpers import answer_everything, recommend_and_name, review_base_year
from villages.models import Membership, Region, Village


@pytest.fixture(scope="module")
def reviewed_once(module_records, module_base):
    """2024 re-reviewed: 16 passed (崔王村 short); 新沟村 sampled and passed re-review."""

    def build():
        return review_base_year(module_base.fresh(), "titles")

    return module_records.build(build)


# Every test starts from the re-reviewed year, built once for the module.
pytestmark = pytest.mark.usefixtures("module_base", "reviewed_once")


@pytest.fixture
def reviewed(db, reviewed_once):
    return reviewed_once.fresh()


@pytest.fixture
def named(reviewed, people, xingou):
    """新沟村 recommended by the city and named a 2024—2025 demonstration village."""
    return recommend_and_name(people, reviewed, xingou)


def homicide():
    return IncidentCategory.objects.get(code="homicide")


def record_homicide(actor, village, occurred_on, description="命案"):
    return services.record_incident(
        actor=actor,
        village_id=village.pk,
        category_id=homicide().pk,
        occurred_on=occurred_on,
        description=description,
    )


def test_closing_the_review_grants_the_years_titles(reviewed, people, xingou, cuiwang):
    services.close_city_review(actor=people["city_office"], campaign_id=reviewed.pk)
    titles = Title.objects.filter(kind=Title.Kind.SAFE_VILLAGE, first_year=2024)
    assert titles.count() == 16
    assert not titles.filter(village=cuiwang).exists()
    title = titles.get(village=xingou)
    assert title.status == Title.Status.VALID
    assert title.issuer == "中共汪场镇委员会"
    assert title.events.get().action == TitleEvent.Action.GRANTED


def test_naming_creates_a_two_year_demonstration_title(named, xingou):
    assert (named.first_year, named.last_year) == (2024, 2025)
    assert named.period_label == "2024—2025年度"
    assert named.certificate_number == "鄂平安示范〔2024〕001号"
    assert named.naming.document_number == "鄂平安组〔2025〕2号"


def test_only_the_province_names(reviewed, people):
    with pytest.raises(NotPermitted):
        services.name_demonstration_villages(
            actor=people["city_office"],
            province=Region.objects.get(code="42"),
            first_year=2024,
            document_number="鄂平安组〔2025〕2号",
            issuer="x",
            named_on=date(2025, 3, 1),
            picks=[(1, "x")],
        )


def test_homicide_revokes_the_years_title_and_the_naming_at_once(named, people, xingou):
    yearly_title = Title.objects.get(village=xingou, kind=Title.Kind.SAFE_VILLAGE, first_year=2024)
    incident = services.record_incident(
        actor=people["town_office"],
        village_id=xingou.pk,
        category_id=homicide().pk,
        occurred_on=date(2024, 11, 5),
        description="一起命案",
        case_number="天公刑〔2024〕88号",
    )
    named.refresh_from_db()
    yearly_title.refresh_from_db()
    assert named.status == yearly_title.status == Title.Status.REVOKED
    for title in (named, yearly_title):
        event = title.events.get(action=TitleEvent.Action.REVOKED)
        assert event.incident == incident
        assert "命案" in event.reason and event.actor == people["town_office"]
    assert set(incident.effects.values_list("title", flat=True)) == {named.pk, yearly_title.pk}


def test_other_years_titles_stay(named, people, xingou):
    record_homicide(people["city_office"], xingou, date(2025, 2, 1), "一起命案")
    yearly_title = Title.objects.get(village=xingou, kind=Title.Kind.SAFE_VILLAGE, first_year=2024)
    named.refresh_from_db()
    assert yearly_title.status == Title.Status.VALID
    assert named.status == Title.Status.REVOKED


def test_an_error_during_revocation_leaves_nothing_half_done(named, people, xingou, monkeypatch):
    def failing(*args, **kwargs):
        raise RuntimeError("写入失败")

    monkeypatch.setattr(services.titles, "_veto_open_result", failing)
    with pytest.raises(RuntimeError):
        record_homicide(people["town_office"], xingou, date(2024, 11, 5), "一起命案")
    assert not Incident.objects.exists()
    assert not Title.objects.filter(status=Title.Status.REVOKED).exists()
    assert not TitleEvent.objects.filter(action=TitleEvent.Action.REVOKED).exists()


def test_a_non_disqualifying_incident_revokes_nothing(named, people, xingou):
    category = IncidentCategory.objects.get(code="vice")
    category.disqualifying = False
    category.save()
    services.record_incident(
        actor=people["town_office"],
        village_id=xingou.pk,
        category_id=category.pk,
        occurred_on=date(2024, 6, 1),
        description="一般治安案件",
    )
    assert not Title.objects.filter(status=Title.Status.REVOKED).exists()
    assert not IncidentEffect.objects.exists()


def test_correction_restores_exactly_what_was_revoked(named, people, xingou):
    already_revoked = Title.objects.get(village__name="别台村", first_year=2024)
    services.record_incident(
        actor=people["town_office"],
        village_id=already_revoked.village.pk,
        category_id=homicide().pk,
        occurred_on=date(2024, 3, 1),
        description="命案",
    )
    incident = record_homicide(people["town_office"], xingou, date(2024, 11, 5), "误录的命案")
    services.correct_incident(actor=people["town_office"], incident_id=incident.pk, reason="误录")
    named.refresh_from_db()
    assert named.status == Title.Status.VALID
    yearly_title = Title.objects.get(village=xingou, kind=Title.Kind.SAFE_VILLAGE, first_year=2024)
    assert yearly_title.status == Title.Status.VALID
    assert list(named.events.order_by("id").values_list("action", flat=True)) == [
        "granted",
        "revoked",
        "restored",
    ]
    already_revoked.refresh_from_db()
    assert already_revoked.status == Title.Status.REVOKED
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CORRECTED
    with pytest.raises(InvalidTransition):
        services.correct_incident(actor=people["town_office"], incident_id=incident.pk, reason="再")


def test_incident_vetoes_an_open_years_result(people, standards, wangchang, xingou):
    campaign = services.create_campaign(
        actor=people["town_office"],
        town=wangchang,
        year=2025,
        standard=standards[0],
        self_assessment_due=date(2099, 6, 30),
        town_assessment_due=date(2099, 7, 31),
        city_review_due=date(2099, 9, 30),
    )
    campaign = services.open_campaign(actor=people["town_office"], campaign_id=campaign.pk)
    assessment = campaign.assessments.get(village=xingou)
    answer_everything(people["secretary"], assessment)
    services.submit_assessment(actor=people["secretary"], assessment_id=assessment.pk)
    judged = [c for c in criteria_of(assessment.standard) if c.is_judged]
    services.save_findings(
        actor=people["town_office"],
        assessment_id=assessment.pk,
        findings=[{"criterion_id": c.pk, "agrees": True} for c in judged],
    )
    incident = services.record_incident(
        actor=people["town_office"],
        village_id=xingou.pk,
        category_id=IncidentCategory.objects.get(code="cult").pk,
        occurred_on=date(2025, 5, 1),
        description="邪教案件",
    )
    services.conclude_town_assessment(actor=people["town_office"], assessment_id=assessment.pk)
    assessment.refresh_from_db()
    assert assessment.town_passed is False
    assert assessment.town_reasons == ["一(3) 无邪教：一票否决：考评期内发生该类案事件"]
    services.correct_incident(actor=people["town_office"], incident_id=incident.pk, reason="误录")
    services.reopen_town_assessment(
        actor=people["town_office"], assessment_id=assessment.pk, reason="案事件更正"
    )
    services.conclude_town_assessment(actor=people["town_office"], assessment_id=assessment.pk)
    assessment.refresh_from_db()
    assert assessment.town_passed is True


def test_incident_after_approval_withdraws_the_result_until_corrected(people, reviewed, xingou):
    assessment = Assessment.objects.get(campaign=reviewed, village=xingou, kind="yearly")
    assert assessment.result_passed is True
    incident = record_homicide(people["city_office"], xingou, date(2024, 12, 1), "命案")
    assessment.refresh_from_db()
    assert assessment.result_passed is False
    assert "一票否决" in assessment.result_reasons[-1]
    services.correct_incident(actor=people["city_office"], incident_id=incident.pk, reason="误录")
    assessment.refresh_from_db()
    assert assessment.result_passed is True
    assert "一票否决" not in "".join(assessment.result_reasons)


def test_secretary_cannot_record_incidents(people, xingou):
    with pytest.raises(NotPermitted):
        services.record_incident(
            actor=people["secretary"],
            village_id=xingou.pk,
            category_id=IncidentCategory.objects.first().pk
            if IncidentCategory.objects.exists()
            else 0,
            occurred_on=date(2024, 1, 1),
            description="x",
        )


def test_future_incident_is_refused(people, xingou, standards):
    with pytest.raises(InvalidInput, match="不能晚于今天"):
        record_homicide(people["town_office"], xingou, date(2999, 1, 1), "x")


def test_periodic_re_review_keeps_or_revokes(named, people):
    with pytest.raises(NotPermitted):
        services.review_title(
            actor=people["city_office"], title_id=named.pk, keep=True, reason="复核"
        )
    services.review_title(
        actor=people["province_office"], title_id=named.pk, keep=True, reason="2025年复核合格"
    )
    named.refresh_from_db()
    assert named.status == Title.Status.VALID
    services.review_title(
        actor=people["province_office"], title_id=named.pk, keep=False, reason="群防群治弱化"
    )
    named.refresh_from_db()
    assert named.status == Title.Status.REVOKED
    assert list(named.events.order_by("id").values_list("action", flat=True)) == [
        "granted",
        "kept",
        "revoked",
    ]


def test_timeline_shows_everything_in_order(client, named, people, xingou):
    incident = record_homicide(people["town_office"], xingou, date(2024, 11, 5), "命案")
    services.correct_incident(actor=people["town_office"], incident_id=incident.pk, reason="误录")
    entries = village_timeline(xingou, people["town_office"])
    moments = [entry.moment for entry in entries]
    assert moments == sorted(moments)
    kinds = [entry.kind for entry in entries]
    assert {"创建考评", "示范村推荐考评", "称号", "案事件"} <= set(kinds)
    texts = [entry.text for entry in entries]
    first_submit = next(i for i, t in enumerate(texts) if "提交自评" in t)
    granted = next(i for i, t in enumerate(texts) if "授予" in t)
    revoked = next(i for i, t in enumerate(texts) if "撤销" in t)
    restored = next(i for i, t in enumerate(texts) if "更正恢复" in t)
    assert first_submit < granted < revoked < restored
    client.force_login(people["city_office"])
    page = client.get(reverse("assessments:timeline", args=[xingou.pk])).content.decode()
    assert "2024年" in page and "命案" in page
    client.force_login(people["secretary"])
    assert client.get(reverse("assessments:timeline", args=[xingou.pk])).status_code == 200


def test_certificate_pdf_embeds_the_font_and_names_the_village(client, named, people, tmp_path):
    client.force_login(people["province_office"])
    response = client.get(reverse("assessments:title_certificate", args=[named.pk]))
    assert response.status_code == 200
    path = tmp_path / "certificate.pdf"
    path.write_bytes(response.content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = [line.split() for line in fonts.stdout.splitlines()[2:]]
    assert rows and all(row[-5] == "yes" for row in rows)
    assert any("Noto-Serif-SC" in row[0] for row in rows)
    text = (
        "".join(p.extract_text() for p in PdfReader(path).pages).replace(" ", "").replace("\n", "")
    )
    assert "新沟村" in text and "2024—2025年度平安湖北建设示范村(社区)" in text
    assert "特发此证，以资鼓励" in text and "鄂平安示范〔2024〕001号" in text
    assert "二〇二五年三月一日" in text


def test_all_certificates_at_once(client, named, people):
    client.force_login(people["town_office"])
    response = client.get(reverse("assessments:title_certificates"), {"year": 2024})
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == Title.objects.filter(status="valid").count()


def test_incident_through_the_page_announces_revocations(client, named, people, xingou):
    client.force_login(people["town_office"])
    incident = {
        "village": xingou.pk,
        "category": homicide().pk,
        "occurred_on": "2024-11-05",
        "description": "命案",
        "case_number": "",
    }
    url = reverse("assessments:incident_create")
    question = client.post(url, incident).text
    assert "请确认：登记新沟村的命案并撤销称号" in question
    assert "2024年度平安村(社区)" in question and "2024—2025年度平安湖北建设示范村" in question
    assert "此操作不能撤销" not in question and "更正" in question
    assert not Incident.objects.exists()
    assert Title.objects.filter(village=xingou, status="valid").count() == 2
    response = client.post(url, {**incident, "confirmed": "yes"}, follow=True)
    page = response.content.decode()
    assert "已即时撤销称号 2 个" in page
    assert "近30日因案事件即时撤销称号 2 个" in page
    client.force_login(people["city_office"])
    home = client.get(reverse("home"), follow=True).content.decode()
    assert "近30日因案事件即时撤销称号 2 个" in home


def test_campaign_status_after_naming(named):
    assert Campaign.objects.get().status == Campaign.Status.CLOSED


def holding(campaign):
    return campaign_rates(Campaign.objects.get(pk=campaign.pk)).holding_rate


def test_the_holding_rate_counts_valid_titles_after_a_late_incident(
    client, reviewed, people, xingou, wangchang
):
    services.close_city_review(actor=people["city_office"], campaign_id=reviewed.pk)
    assert (holding(reviewed).numerator, holding(reviewed).denominator) == (16, 17)
    record_homicide(people["town_office"], xingou, date(2024, 11, 5), "命案")
    assert Title.objects.filter(first_year=2024, status=Title.Status.VALID).count() == 15
    assert holding(reviewed).numerator == 15
    assert town_dashboard(wangchang, date.today()).rates.holding_rate.numerator == 15
    _, total = region_ranking(wangchang.parent, 2024)
    assert total.holding == 15
    client.force_login(people["city_office"])
    _, city_total = city_rates(people["city_office"], 2024)
    assert city_total.holding == 15
    page = client.get(reverse("assessments:campaign_review", args=[reviewed.pk])).text
    assert '88.2%</strong> <span class="muted">(15/17)' in page


def test_a_correction_after_closing_grants_the_title_the_incident_withheld(
    reviewed, people, xingou
):
    incident = record_homicide(people["town_office"], xingou, date(2024, 6, 1), "命案")
    services.close_city_review(actor=people["city_office"], campaign_id=reviewed.pk)
    assert not Title.objects.filter(village=xingou, first_year=2024).exists()
    assert holding(reviewed).numerator == 15
    services.correct_incident(actor=people["town_office"], incident_id=incident.pk, reason="误录")
    title = Title.objects.get(village=xingou, kind=Title.Kind.SAFE_VILLAGE, first_year=2024)
    assert title.status == Title.Status.VALID
    assert title.events.get().action == TitleEvent.Action.GRANTED
    assert "更正" in title.events.get().reason
    assert Assessment.objects.get(campaign=reviewed, village=xingou).result_passed is True
    assert holding(reviewed).numerator == 16


def test_a_revoked_title_offers_no_clean_certificate(client, reviewed, people, xingou):
    services.close_city_review(actor=people["city_office"], campaign_id=reviewed.pk)
    record_homicide(people["town_office"], xingou, date(2024, 11, 5), "命案")
    title = Title.objects.get(village=xingou, kind=Title.Kind.SAFE_VILLAGE, first_year=2024)
    client.force_login(people["town_office"])
    page = client.get(reverse("assessments:title_detail", args=[title.pk])).text
    certificate = reverse("assessments:title_certificate", args=[title.pk])
    assert "已撤销" in page and "2024年11月5日" in page and "命案" in page
    assert certificate not in page
    refused = client.get(certificate)
    assert refused.status_code == 409
    assert "已撤销" in refused.text


def test_the_year_s_result_reads_as_one_sentence_wherever_it_is_shown(
    client, reviewed, people, xingou, wangchang
):
    services.close_city_review(actor=people["city_office"], campaign_id=reviewed.pk)
    record_homicide(people["town_office"], xingou, date(2024, 11, 5))
    assessment = Assessment.objects.get(campaign=reviewed, village=xingou, kind="yearly")
    expected = "达标，市级复核合格；2024年11月5日因命案撤销称号"
    assert dict(village_results(xingou, people["town_office"]))[assessment] == expected
    client.force_login(people["secretary"])
    assert expected in client.get(reverse("home"), follow=True).text
    client.force_login(people["town_office"])
    assert expected in client.get(reverse("assessments:timeline", args=[xingou.pk])).text
    assert expected in client.get(reverse("assessments:town_dashboard", args=[wangchang.pk])).text
    api = APIClient()
    api.force_authenticate(people["town_office"])
    assert api.get(f"/api/v1/assessments/{assessment.pk}/").json()["result_sentence"] == expected
    listed = api.get("/api/v1/assessments/", {"year": 2024}).json()["results"]
    assert expected in [row["result_sentence"] for row in listed]


def test_a_veto_after_the_re_review_is_shown_with_its_reason(client, reviewed, people, xingou):
    record_homicide(people["town_office"], xingou, date(2024, 6, 1))
    client.force_login(people["secretary"])
    page = client.get(reverse("home"), follow=True).text
    veto = "一(1) 无命案发生：一票否决：考评期内发生该类案事件"
    assert f"年度结果：不达标（{veto}），市级复核不合格（{veto}）" in page


def test_result_sentences_in_order():
    def assessment(**fields):
        values = {
            "town_passed": True,
            "town_reasons": [],
            "city_passed": None,
            "city_reasons": [],
            "result_passed": True,
            "result_reasons": [],
            **fields,
        }
        made = Assessment(status=Assessment.Status.TOWN_ASSESSED, **values)
        made.year_titles = []
        return made

    submitted = assessment(town_passed=None, result_passed=None)
    submitted.status = Assessment.Status.SUBMITTED
    assert result_sentence(submitted) == "已提交，尚未考核"
    assert result_sentence(assessment()) == "达标"
    assert (
        result_sentence(assessment(town_passed=False, town_reasons=["五(2) 探头：实际4个"]))
        == "不达标（五(2) 探头：实际4个）"
    )
    failed_review = assessment(
        city_passed=False,
        city_reasons=["五(2) 探头：实际3个"],
        result_passed=False,
        result_reasons=["市级复核不合格：五(2) 探头：实际3个"],
    )
    assert result_sentence(failed_review) == "达标，市级复核不合格（五(2) 探头：实际3个）"
    withdrawn = assessment(
        city_passed=True, result_passed=False, result_reasons=["一票否决：发生命案"]
    )
    assert result_sentence(withdrawn) == "达标，市级复核合格；年度结果取消（一票否决：发生命案）"
    held = assessment(city_passed=True)
    held.year_titles = [Title(kind=Title.Kind.SAFE_VILLAGE, first_year=2024, last_year=2024)]
    assert result_sentence(held) == "达标，市级复核合格；获2024年度平安村(社区)称号"


def test_the_naming_form_starts_from_the_latest_recommended_year(client, named, people):
    client.force_login(people["province_office"])
    page = client.get(reverse("assessments:naming_create"))
    assert page.context["first_year"] == 2024
    assert client.get(reverse("assessments:naming_create"), {"first_year": "x"}).status_code == 400


def test_an_incident_is_named_by_what_happened(reviewed):
    names = dict(IncidentCategory.objects.values_list("code", "name"))
    assert names["five-major-criminal"] == "重大刑事案件"
    assert not any(name.startswith("不发生") for name in names.values())


def test_a_year_stays_with_the_town_that_ran_it_when_the_village_moves(
    client, reviewed, people, xingou, wangchang
):
    services.close_city_review(actor=people["city_office"], campaign_id=reviewed.pk)
    assessment = Assessment.objects.get(campaign=reviewed, village=xingou, kind="yearly")
    title = Title.objects.get(assessment=assessment)
    evidence = assessment.evidence.first()
    tuoshi = RegionFactory(
        code="429006105", name="拖市镇", level=Region.Level.TOWN, parent=wangchang.parent
    )
    Village.objects.filter(pk=xingou.pk).update(town=tuoshi)
    new_office = user_with_role(Membership.Role.TOWN_OFFICE, tuoshi)
    year_pages = [
        reverse("assessments:assessment_detail", args=[assessment.pk]),
        reverse("assessments:title_detail", args=[title.pk]),
        reverse("assessments:evidence_download", args=[evidence.pk]),
    ]

    client.force_login(new_office)
    assert client.get(reverse("villages:detail", args=[xingou.pk])).status_code == 200
    for url in year_pages:
        assert client.get(url).status_code == 404, url
    timeline = client.get(reverse("assessments:timeline", args=[xingou.pk])).text
    assert "2024年度" not in timeline
    api = APIClient()
    api.force_authenticate(new_office)
    assert api.get(f"/api/v1/assessments/{assessment.pk}/").status_code == 404
    assert api.get(f"/api/v1/titles/{title.pk}/").status_code == 404

    client.force_login(people["town_office"])
    for url in year_pages:
        assert client.get(url).status_code == 200, url
    api.force_authenticate(people["town_office"])
    assert api.get(f"/api/v1/assessments/{assessment.pk}/").status_code == 200
    assert people["town_office"].has_perm("assessments.view_assessment", assessment)
    assert not new_office.has_perm("assessments.view_assessment", assessment)


def test_a_certificate_is_rendered_once_and_again_only_when_what_it_prints_changes(
    client, named, people, xingou, pdf_renders
):
    rendered = pdf_renders
    client.force_login(people["province_office"])
    certificate = reverse("assessments:title_certificate", args=[named.pk])
    first = client.get(certificate).content
    assert client.get(certificate).content == first and len(rendered) == 1
    Village.objects.filter(pk=xingou.pk).update(name="新沟社区")
    renamed = client.get(certificate)
    assert len(rendered) == 2 and renamed.content != first
