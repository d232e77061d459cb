"""The HTTP API: tokens, the same scope as the pages, and every write for every role."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from api.errors import handle_exception
from api.tokens import issue_token
from assessments import services
from assessments.models import (
    Answer,
    Assessment,
    AssessmentEvent,
    CampaignEvent,
    Finding,
    Incident,
    OfficialDocument,
    RecommendationList,
    Title,
    TitleEvent,
)
from assessments.selectors import criteria_of
from pingan.errors import NotFound
from pingan.responses import XLSX
from tests import files
from tests.factories import RegionFactory, VillageFactory, user_with_role
from tests.helpers import (
    answer_everything,
    finish_photos,
    inspect_short,
    new_campaign,
    recommend_and_name,
    review_base_year,
    run_town_year,
    secretary_of,
)
from villages.models import Membership

Role = Membership.Role

ROLES = ["secretary", "town_office", "town_leading_group", "city_office", "province_office"]


def api(path):
    return "/api/v1/" + path


def client_of(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(actor=user)[1]}")
    return client


@pytest.fixture
def clients(people):
    return {role: client_of(people[role]) for role in ROLES}


def judged(standard):
    return [c for c in criteria_of(standard) if c.is_judged]


def agreeing(standard):
    return [{"criterion_id": c.pk, "agrees": True} for c in judged(standard)]


def snapshot():
    """Everything a write could change."""
    return (
        Answer.objects.count(),
        Finding.objects.count(),
        AssessmentEvent.objects.count(),
        CampaignEvent.objects.count(),
        Title.objects.count(),
        TitleEvent.objects.count(),
        Incident.objects.count(),
        list(
            Assessment.objects.order_by("pk").values_list(
                "status", "plan_text", "town_passed", "city_passed"
            )
        ),
    )


def write(clients, allowed, path, body=None, multipart=False, expected=200):
    """Every other role is refused (403, or 404 where the object is out of its reach) and
    changes nothing; then the allowed role succeeds. A multipart body is a function, called
    for each request, since an upload is read once."""

    def post(role):
        data = body() if multipart else body or {}
        return clients[role].post(api(path), data, format="multipart" if multipart else "json")

    before = snapshot()
    for role in ROLES:
        if role == allowed:
            continue
        response = post(role)
        assert response.status_code in (403, 404), (role, path, response.json())
        assert response.json()["detail"], (role, path)
        assert snapshot() == before, (role, path)
    response = post(allowed)
    assert response.status_code == expected, (allowed, path, response.json())
    return response.json()


def test_without_a_token_the_api_answers_401_in_chinese(db):
    response = APIClient().get(api("villages/"))
    assert response.status_code == 401
    assert response.json()["detail"] == "身份认证信息未提供。"


def test_a_service_s_not_found_answers_as_the_api_s_own_404():
    response = handle_exception(NotFound(), {})
    assert response.status_code == 404
    assert response.data == {"detail": "未找到该对象，或您无权查看。", "code": "not_found"}


def test_a_secretary_token_reaches_only_its_village(campaign, clients, xingou, cuiwang):
    villages = clients["secretary"].get(api("villages/")).json()
    assert [v["name"] for v in villages["results"]] == ["新沟村"]
    assessments = clients["secretary"].get(api("assessments/")).json()["results"]
    assert [a["village_name"] for a in assessments] == ["新沟村"]
    other = campaign.assessments.get(village=cuiwang)
    response = clients["secretary"].get(api(f"assessments/{other.pk}/"))
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到该对象，或您无权查看。", "code": "not_found"}
    town = clients["town_office"].get(api(f"assessments/?campaign={campaign.pk}")).json()
    assert town["count"] == 17


def test_lists_filter_by_year_town_and_state_and_come_in_pages(campaign, clients, wangchang):
    town = clients["town_office"]
    assert town.get(api(f"campaigns/?year=2024&town={wangchang.pk}")).json()["count"] == 1
    assert town.get(api("campaigns/?year=2023")).json()["count"] == 0
    page = town.get(api("assessments/?status=not_started")).json()
    assert page["count"] == 17 and page["next"] is None and len(page["results"]) == 17
    assert town.get(api("assessments/?status=submitted")).json()["count"] == 0


def test_a_wrong_state_answers_409_and_an_incomplete_submission_lists_what_is_missing(
    campaign, clients, people
):
    response = clients["town_leading_group"].post(api(f"campaigns/{campaign.pk}/approve/"))
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert "镇级考核" in response.json()["detail"] or "当前" in response.json()["detail"]

    own = campaign.assessments.get(village__name="新沟村")
    response = clients["secretary"].post(api(f"assessments/{own.pk}/submit/"))
    assert response.status_code == 400
    assert response.json()["detail"].startswith("自评尚未完成，不能提交")
    assert len(response.json()["missing"]) > 20


def test_bad_input_answers_400_with_the_field_named(campaign, clients):
    own = campaign.assessments.get(village__name="新沟村")
    response = clients["secretary"].post(
        api(f"assessments/{own.pk}/answers/"), {"criterion_id": "三", "value": "很多"}
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"criterion_id", "value"}
    assert not Answer.objects.exists()


def test_the_whole_year_through_the_api_each_write_refused_to_every_other_role(
    campaign, clients, people, standards, xingou, wangchang
):
    safe_village, demonstration = standards
    own = campaign.assessments.get(village=xingou)
    cameras = next(c for c in judged(safe_village) if c.kind == "threshold")

    plan = {"plan_text": "一、目标任务……", "outreach_text": "延伸到各湾组"}
    assert write(clients, "secretary", f"assessments/{own.pk}/plan/", plan)["plan_text"]
    for criterion in judged(safe_village):
        body = {"criterion_id": criterion.pk, "veto_occurred": False, "met": True}
        body |= {"value": "6", "narrative": "已落实"}
        write(clients, "secretary", f"assessments/{own.pk}/answers/", body)
    evidence = write(
        clients,
        "secretary",
        f"assessments/{own.pk}/evidence/",
        lambda: {"criterion_id": cameras.pk, "file": files.jpeg()},
        multipart=True,
        expected=201,
    )
    assert evidence["criterion"] == cameras.pk and evidence["status"] == "processing"
    finish_photos()
    assert write(clients, "secretary", f"assessments/{own.pk}/submit/")["status"] == "submitted"

    for assessment in campaign.assessments.exclude(pk=own.pk).select_related("village"):
        secretary = secretary_of(assessment.village, {})
        answer_everything(secretary, assessment)
        services.submit_assessment(actor=secretary, assessment_id=assessment.pk)
        services.save_findings(
            actor=people["town_office"],
            assessment_id=assessment.pk,
            findings=agreeing(safe_village),
        )
        services.conclude_town_assessment(actor=people["town_office"], assessment_id=assessment.pk)

    findings = {"stage": "town", "findings": agreeing(safe_village)}
    write(clients, "town_office", f"assessments/{own.pk}/findings/", findings)
    concluded = write(clients, "town_office", f"assessments/{own.pk}/conclude-town/")
    assert concluded["town_passed"] is True and concluded["town_reasons"] == []

    write(
        clients,
        "town_office",
        f"campaigns/{campaign.pk}/close-self-assessment/",
        {"reason": "各村(社区)均已提交"},
    )
    approved = write(
        clients, "town_leading_group", f"campaigns/{campaign.pk}/approve/", {"reason": "审定"}
    )
    assert approved["status"] == "approved"
    body = {"document_number": "汪发〔2024〕12号", "issued_on": "2024-08-10"}
    write(clients, "town_office", f"campaigns/{campaign.pk}/pass-list/", body)
    pass_list = api(f"campaigns/{campaign.pk}/pass-list/")
    draft = clients["town_leading_group"].get(pass_list).json()
    assert draft["filed"] is False and len(draft["entries"]) == 17
    for role in ("secretary", "city_office"):
        assert clients[role].get(pass_list).status_code in (403, 404), role
        assert clients[role].get(pass_list + "pdf/").status_code in (403, 404), role
    assert write(clients, "town_office", f"campaigns/{campaign.pk}/file/")["status"] == "filed"
    filed = clients["secretary"].get(pass_list).json()
    assert filed["filed"] is True and filed["document_number"] == "汪发〔2024〕12号"
    assert [entry["village_code"] for entry in filed["entries"]] == sorted(
        entry["village_code"] for entry in draft["entries"]
    )
    assert xingou.code in [entry["village_code"] for entry in filed["entries"]]

    body = {"ratio": "0.3", "minimum_count": 3, "seed": "api", "forced": {xingou.code: "重点"}}
    drawn = write(clients, "city_office", f"campaigns/{campaign.pk}/sample/", body)
    assert drawn["status"] == "city_review"
    sampled = [entry["assessment"] for entry in drawn["sample"]["entries"]]
    assert own.pk in sampled and drawn["sample"]["seed"] == "api"
    for pk in sampled:
        if pk == own.pk:
            continue
        services.save_findings(
            actor=people["city_office"],
            assessment_id=pk,
            findings=agreeing(safe_village),
            stage="city",
        )
        services.conclude_city_review(actor=people["city_office"], assessment_id=pk)
    findings = {"stage": "city", "findings": agreeing(safe_village)}
    write(clients, "city_office", f"assessments/{own.pk}/findings/", findings)
    reviewed = write(clients, "city_office", f"assessments/{own.pk}/conclude-city/")
    assert reviewed["city_passed"] is True

    candidacies = api(f"campaigns/{campaign.pk}/candidacies/")
    waiting = clients["town_office"].get(candidacies).json()
    assert {row["village_code"]: row["candidacy"] for row in waiting}[xingou.code] is None
    candidacy = write(clients, "town_office", f"assessments/{own.pk}/candidacy/", expected=201)
    assert candidacy["kind"] == "demonstration"
    listed = clients["city_office"].get(api("assessments/?kind=demonstration")).json()
    assert [a["id"] for a in listed["results"]] == [candidacy["id"]]
    row = next(r for r in clients["town_office"].get(candidacies).json() if r["candidacy"])
    assert (
        row["village_code"] == xingou.code
        and row["waiting_for"] == "镇平安办尚未提交示范村推荐考评"
    )
    for criterion in judged(demonstration):
        body = {"criterion_id": criterion.pk, "veto_occurred": False, "met": True}
        write(clients, "town_office", f"assessments/{candidacy['id']}/answers/", body)
    write(clients, "town_office", f"assessments/{candidacy['id']}/submit/")
    findings = {"stage": "city", "findings": agreeing(demonstration)}
    write(clients, "city_office", f"assessments/{candidacy['id']}/findings/", findings)
    write(clients, "city_office", f"assessments/{candidacy['id']}/conclude-city/")
    recommended = write(
        clients,
        "city_office",
        "recommendation-lists/",
        {
            "city_id": wangchang.parent_id,
            "year": 2024,
            "document_number": "天平安组〔2024〕3号",
            "title": "推荐报告",
            "body": "推荐如下。",
            "issuer": "市平安办",
            "issued_on": "2024-10-08",
            "picks": [{"assessment_id": candidacy["id"], "justification": "全部达标"}],
        },
        expected=201,
    )
    write(clients, "city_office", f"campaigns/{campaign.pk}/close-review/")
    named = write(
        clients,
        "province_office",
        "namings/",
        {
            "province_id": wangchang.parent.parent_id,
            "first_year": 2024,
            "document_number": "鄂平安办〔2024〕8号",
            "issuer": "省平安办",
            "named_on": "2024-12-20",
            "picks": [
                {
                    "recommendation_id": recommended["recommendations"][0]["id"],
                    "certificate_number": "鄂平安示范〔2024〕001",
                }
            ],
        },
        expected=201,
    )
    assert [t["village_name"] for t in named["titles"]] == ["新沟村"]

    titles = clients["secretary"].get(api("titles/?year=2024")).json()["results"]
    assert sorted(t["kind"] for t in titles) == ["demonstration", "safe_village"]
    assert all(t["events"][0]["action"] == "granted" for t in titles)
    assert (
        clients["city_office"].get(api("titles/?year=2024&kind=safe_village")).json()["count"] == 17
    )

    incident = {
        "village_id": xingou.pk,
        "category": "vice",
        "occurred_on": "2024-11-02",
        "description": "黄赌毒案件",
        "case_number": "天公(汪)2024-118",
    }
    before = snapshot()
    for role in ("secretary", "town_leading_group"):
        response = clients[role].post(api("incidents/"), incident, format="json")
        assert response.status_code in (403, 404), role
    assert snapshot() == before
    recorded = clients["town_office"].post(api("incidents/"), incident, format="json")
    assert recorded.status_code == 201, recorded.json()
    revoked = Title.objects.filter(village=xingou, status="revoked").count()
    assert revoked == 2
    response = clients["secretary"].post(
        api(f"incidents/{recorded.json()['id']}/correct/"), {"reason": "误录"}, format="json"
    )
    assert response.status_code in (403, 404)
    corrected = clients["town_office"].post(
        api(f"incidents/{recorded.json()['id']}/correct/"), {"reason": "误录"}, format="json"
    )
    assert corrected.json()["status"] == "corrected"
    assert not Title.objects.filter(village=xingou, status="revoked").exists()


def test_the_schema_and_the_docs_are_served_from_the_portal(client, db):
    schema = client.get(reverse("api:schema"))
    assert schema.status_code == 200
    assert b"/api/v1/assessments/{id}/answers/" in schema.content
    docs = client.get(reverse("api:docs"))
    assert docs.status_code == 200
    assert "cdn" not in docs.content.decode().lower()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs.content.decode()


def test_a_created_campaign_is_dated_in_order(clients, standards, wangchang):
    body = {
        "town_id": wangchang.pk,
        "year": 2031,
        "standard_id": standards[0].pk,
        "self_assessment_due": str(date(2031, 9, 30)),
        "town_assessment_due": str(date(2031, 6, 30)),
        "city_review_due": str(date(2031, 12, 31)),
    }
    response = clients["town_office"].post(api("campaigns/"), body, format="json")
    assert response.status_code == 400
    assert "截止日期" in response.json()["detail"]
    body["town_assessment_due"] = str(date(2031, 10, 31))
    for role in ("secretary", "city_office"):
        refused = clients[role].post(api("campaigns/"), body, format="json")
        assert refused.status_code in (403, 404), role
    response = clients["town_office"].post(api("campaigns/"), body, format="json")
    assert response.status_code == 201 and response.json()["status"] == "draft"


LISTS = [
    "regions/",
    "villages/",
    "standards/",
    "campaigns/",
    "assessments/",
    "titles/",
    "incidents/",
    "rectification-orders/",
    "inspections/",
    "bulletins/",
    "recommendation-lists/",
    "namings/",
]


@pytest.mark.parametrize("path", LISTS)
def test_every_list_needs_a_token_and_answers_each_role(path, campaign, clients):
    assert APIClient().get(api(path)).status_code == 401
    for role in ROLES:
        response = clients[role].get(api(path))
        assert response.status_code == 200, (role, path)
        assert set(response.json()) == {"count", "next", "previous", "results"}


def test_another_town_s_objects_answer_404_to_every_role(campaign, clients, people, standards):
    far_town = RegionFactory(code="430100100", name="远方镇", level="town")
    far_village = VillageFactory(code="430100100001", name="远方村", town=far_town)
    far_office = user_with_role(Role.TOWN_OFFICE, far_town)
    far = services.open_campaign(
        actor=far_office,
        campaign_id=new_campaign({"town_office": far_office}, far_town, standards[0], 2024).pk,
    )
    paths = [
        f"villages/{far_village.pk}/",
        f"campaigns/{far.pk}/",
        f"assessments/{far.assessments.get().pk}/",
        f"regions/{far_town.pk}/",
    ]
    for role in ROLES:
        for path in paths:
            assert clients[role].get(api(path)).status_code == 404, (role, path)
        response = clients[role].post(api(f"campaigns/{far.pk}/approve/"), {}, format="json")
        assert response.status_code == 404, role


@pytest.mark.parametrize("path", [*LISTS, "audit/"])
def test_hostile_filters_are_refused_or_ignored_never_a_server_error(clients, campaign, path):
    hostile = {
        "town": "1" * 40,
        "year": "abc",
        "parent": "-1",
        "level": "galaxy",
        "status": "<script>",
        "village": "\x00",
        "since": "2024-13-45",
        "page": "abc",
    }
    response = clients["town_office"].get(api(path), hostile)
    assert response.status_code < 500, response.content[:300]


def test_places_are_addressed_and_filtered_by_their_codes(campaign, clients, xingou, wangchang):
    town = clients["town_office"]
    village = town.get(api(f"villages/{xingou.code}/")).json()
    assert (village["name"], village["code"]) == ("新沟村", xingou.code)
    assert town.get(api(f"villages/{xingou.pk}/")).json()["code"] == xingou.code
    assert town.get(api(f"regions/{wangchang.code}/")).json()["name"] == "汪场镇"
    listed = town.get(api("villages/"), {"town": wangchang.code}).json()
    assert listed["count"] == 17
    assessments = town.get(api("assessments/"), {"town": wangchang.code}).json()["results"]
    assert all(a["village_code"].startswith(wangchang.code) for a in assessments)
    assert clients["secretary"].get(api("villages/429006104206/")).status_code == 404


def test_decimals_come_as_strings_and_times_with_their_offset(campaign, clients):
    standard = clients["town_office"].get(api(f"standards/{campaign.standard_id}/")).json()
    bounds = [c["bound"] for c in standard["criteria"] if c["bound"] is not None]
    assert bounds and all(isinstance(bound, str) for bound in bounds)
    opened = clients["town_office"].get(api(f"campaigns/{campaign.pk}/")).json()["opened_at"]
    assert opened.endswith("+08:00")


def test_incident_categories_give_the_codes_a_case_system_sends(clients, standards):
    categories = clients["city_office"].get(api("incident-categories/")).json()
    codes = {category["code"]: category for category in categories}
    assert codes["homicide"]["name"] == "命案" and codes["homicide"]["disqualifying"]
    groups = {category["group"] for category in categories}
    assert len(groups) >= 2
    assert clients["secretary"].get(api("incident-categories/homicide/")).status_code == 200


def test_the_town_returns_with_reasons_per_item_and_extends_a_deadline(
    campaign, clients, people, xingou
):
    assessment = campaign.assessments.get(village=xingou)
    answer_everything(people["secretary"], assessment)
    services.submit_assessment(actor=people["secretary"], assessment_id=assessment.pk)
    cameras = next(c for c in judged(campaign.standard) if c.key == "technical-prevention.cameras")
    body = {"comments": {str(cameras.pk): "探头照片不清晰"}, "general_reason": ""}
    returned = write(clients, "town_office", f"assessments/{assessment.pk}/return/", body)
    assert returned["status"] == "returned"
    event = next(e for e in returned["events"] if e["action"] == "returned")
    assert event["comments"] == [
        {
            "criterion": cameras.pk,
            "criterion_key": "technical-prevention.cameras",
            "text": "探头照片不清晰",
            "answered_at": None,
            "kept_note": "",
        }
    ]
    extended = write(
        clients,
        "town_office",
        f"assessments/{assessment.pk}/extend/",
        {"due_date": "2099-12-31", "reason": "汛期推迟"},
    )
    assert extended["status"] == "returned"
    refused = clients["town_office"].post(
        api(f"assessments/{assessment.pk}/extend/"), {"due_date": "2099-12-31", "reason": ""}
    )
    assert refused.status_code == 400


def test_a_place_s_standing_is_the_selector_s_figures(campaign, clients, people, wangchang):
    run_town_year(
        campaign,
        people,
        ("崔王村",),
        {campaign.assessments.get(village__name="新沟村").village_id: people["secretary"]},
    )
    standing = (
        clients["city_office"]
        .get(api(f"regions/{wangchang.parent.code}/standing/"), {"year": 2024})
        .json()
    )
    assert standing["code"] == wangchang.parent.code and standing["year"] == 2024
    rates = standing["rates"]
    assert (rates["total"], rates["passed"]) == (17, 16)
    assert rates["pass_rate"]["value"] == "0.9412" and rates["target"] == "0.700"
    assert [town["town_code"] for town in standing["towns"]] == [wangchang.code]
    assert (
        clients["secretary"]
        .get(api(f"regions/{wangchang.code}/standing/"), {"year": 2024})
        .status_code
        == 404
    )
    missing_year = clients["city_office"].get(api(f"regions/{wangchang.code}/standing/"))
    assert missing_year.status_code == 400


def test_recommendations_namings_and_filed_documents_read_back_with_a_token(
    campaign, clients, people, xingou
):
    review_base_year({"campaign": campaign, "people": people, "xingou": xingou}, "api")
    recommend_and_name(people, campaign, xingou)

    samples = clients["town_office"].get(api(f"campaigns/{campaign.pk}/samples/")).json()
    assert [sample["is_current"] for sample in samples] == [True]
    assert samples[0]["ratio"] == "0.300"
    assert xingou.code in [entry["village_code"] for entry in samples[0]["entries"]]
    rules = clients["secretary"].get(api("sampling-rules/")).json()
    assert rules and all(rule["target_ratio"] == "0.700" for rule in rules)

    lists = clients["city_office"].get(api("recommendation-lists/")).json()["results"]
    assert len(lists) == 1 and lists[0]["city_code"] == "429006"
    assert lists[0]["recommendations"][0]["village_code"] == xingou.code
    pdf = clients["city_office"].get(lists[0]["pdf"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    stored = RecommendationList.objects.get().pdf
    with stored.open("rb") as kept:
        assert b"".join(pdf.streaming_content) == kept.read()
    assert clients["town_office"].get(api("recommendation-lists/")).json()["count"] == 0
    assert clients["town_office"].get(lists[0]["pdf"]).status_code == 404

    namings = clients["secretary"].get(api("namings/")).json()["results"]
    assert namings[0]["document_number"] == "鄂平安组〔2025〕2号"
    assert [t["certificate_number"] for t in namings[0]["titles"]] == ["鄂平安示范〔2024〕001号"]
    assert namings[0]["titles"][0]["village_code"] == xingou.code

    filed = clients["secretary"].get(api(f"campaigns/{campaign.pk}/pass-list/pdf/"))
    assert filed.status_code == 200
    assert b"".join(filed.streaming_content).startswith(b"%PDF")

    yearly = Title.objects.get(village=xingou, kind="safe_village")
    certificate = clients["secretary"].get(api(f"titles/{yearly.pk}/certificate/"))
    assert certificate.status_code == 200 and certificate.content.startswith(b"%PDF")
    named = namings[0]["titles"][0]["id"]
    body = {"keep": False, "reason": "复核发现治安问题突出"}
    reviewed = write(clients, "province_office", f"titles/{named}/review/", body)
    assert reviewed["status"] == "revoked"
    refused = clients["secretary"].get(api(f"titles/{named}/certificate/"))
    assert refused.status_code == 409 and "已撤销" in refused.json()["detail"]


def test_inspections_orders_and_bulletins_through_the_api(campaign, clients, xingou, wangchang):
    today = timezone.localdate()
    cameras = next(c for c in judged(campaign.standard) if c.key == "technical-prevention.cameras")
    finding = {
        "criterion_id": cameras.pk,
        "met": False,
        "comment": "探头不足",
        "deadline": str(today + timedelta(days=10)),
    }
    body = {
        "village_id": xingou.pk,
        "inspected_on": str(today - timedelta(days=1)),
        "inspectors": "镇平安办 张三",
        "findings": [finding],
    }
    inspection = write(clients, "town_office", "inspections/", body, expected=201)
    order = inspection["findings"][0]["order"]
    assert clients["secretary"].get(api("inspections/")).json()["count"] == 1
    path = f"rectification-orders/{order}/"
    assert write(clients, "secretary", path + "report/", {"report": "已加装"})["status"] == (
        "reported"
    )
    reopen = {"reason": "仍不足5个", "deadline": str(today + timedelta(days=20))}
    assert write(clients, "town_office", path + "reopen/", reopen)["status"] == "open"

    bulletin = write(
        clients,
        "town_office",
        "bulletins/",
        {
            "town_id": wangchang.pk,
            "document_number": "汪发〔2024〕20号",
            "title": "关于创建工作滞后村(社区)的通报",
            "body": "各村(社区)党组织：\n现予通报。",
            "issuer": "中共汪场镇委员会",
            "issued_on": str(today),
            "village_ids": [xingou.pk],
        },
        expected=201,
    )
    assert bulletin["villages"] == [xingou.code]
    pdf = clients["secretary"].get(bulletin["pdf"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    write(clients, "secretary", path + "report/", {"report": "已加装至6个"})
    assert write(clients, "town_office", path + "accept/", {})["status"] == "accepted"


def pdf_bytes(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(b"%PDF")
    return content


def test_documents_and_workbooks_reach_a_token_as_the_page_serves_them(
    campaign, clients, people, xingou, wangchang
):
    review_base_year({"campaign": campaign, "people": people, "xingou": xingou}, "docs")
    title = recommend_and_name(people, campaign, xingou)
    cameras = next(c for c in judged(campaign.standard) if c.key == "technical-prevention.cameras")
    order = inspect_short(people["town_office"], xingou, cameras).findings.get().rectification_order
    summary = services.draft_document(
        actor=people["town_office"], kind="annual_summary", region_id=wangchang.pk, year=2024
    )
    yearly = campaign.assessments.get(village=xingou, kind="yearly")
    as_pdf = {"HTTP_ACCEPT": "application/pdf"}
    secretary, town = clients["secretary"], clients["town_office"]

    # The detail asked for as a PDF is the document its link serves, byte for byte for a
    # stored one.
    for client, path, link in [
        (secretary, f"titles/{title.pk}/", "certificate"),
        (secretary, f"rectification-orders/{order.pk}/", "notice"),
        (secretary, f"assessments/{yearly.pk}/", "report"),
        (
            clients["city_office"],
            f"recommendation-lists/{RecommendationList.objects.get().pk}/",
            "pdf",
        ),
        (town, f"documents/{summary.pk}/", "pdf"),
    ]:
        representation = client.get(api(path)).json()
        negotiated = pdf_bytes(client.get(api(path), **as_pdf))
        linked = pdf_bytes(client.get(representation[link]))
        assert len(negotiated) > 1000 and linked[:8] == negotiated[:8], path
    recommendation = RecommendationList.objects.get()
    with recommendation.pdf.open("rb") as kept:
        assert (
            pdf_bytes(
                clients["city_office"].get(
                    api(f"recommendation-lists/{recommendation.pk}/"), **as_pdf
                )
            )
            == kept.read()
        )

    # Refusals stay JSON with their Chinese message, whatever was asked for.
    refused = clients["town_leading_group"].get(api(f"documents/{summary.pk}/"), **as_pdf)
    assert refused.status_code == 404 and refused.json()["detail"]
    assert secretary.get(api("titles/"), **as_pdf).status_code == 406
    revoked = write(
        clients,
        "province_office",
        f"titles/{title.pk}/review/",
        {"keep": False, "reason": "复核不合格"},
    )
    assert revoked["status"] == "revoked"
    refused = secretary.get(api(f"titles/{title.pk}/"), **as_pdf)
    assert refused.status_code == 409 and "已撤销" in refused.json()["detail"]

    # The workbooks of the pages, with the pages' permission.
    workbooks = [
        (town, f"campaigns/{campaign.pk}/exports/assessments/", 18),
        (town, f"campaigns/{campaign.pk}/exports/sample/", None),
        (secretary, f"campaigns/{campaign.pk}/pass-list/xlsx/", None),
        (clients["city_office"], f"recommendation-lists/{recommendation.pk}/xlsx/", None),
        (town, "titles/xlsx/", None),
        (town, "incidents/xlsx/", 1),
        (town, "rectification-orders/xlsx/", None),
        (town, "villages/xlsx/", 18),
    ]
    for client, path, rows in workbooks:
        response = client.get(api(path))
        assert response.status_code == 200, (path, response.content[:200])
        assert response["Content-Type"] == XLSX
        sheet = load_workbook(BytesIO(response.content)).active
        if rows:
            assert sheet.max_row == rows, path
        else:
            assert sheet.max_row >= 2, path
    assert secretary.get(api(f"recommendation-lists/{recommendation.pk}/xlsx/")).status_code == 404
    assert clients["secretary"].get(api(f"campaigns/{campaign.pk}/sample/pdf/")).status_code in (
        403,
        404,
    )
    pdf_bytes(clients["city_office"].get(api(f"campaigns/{campaign.pk}/sample/pdf/")))


def test_an_office_drafts_edits_and_issues_its_document_through_the_api(
    campaign, clients, wangchang
):
    draft = {"kind": "annual_summary", "region_id": wangchang.pk, "year": campaign.year}
    for role in ("secretary", "city_office"):
        assert clients[role].post(api("documents/"), draft, format="json").status_code == 403
    assert not OfficialDocument.objects.exists()
    document = clients["town_office"].post(api("documents/"), draft, format="json").json()
    assert document["status"] == "draft" and document["region_code"] == wangchang.code
    assert clients["city_office"].get(api(f"documents/{document['id']}/")).status_code == 404

    path = f"documents/{document['id']}/"
    text = {
        "title": document["title"],
        "body": document["body"],
        "issuer": document["issuer"],
        "document_number": "汪发〔2025〕1号",
        "issued_on": "2025-01-20",
    }
    saved = write(clients, "town_office", path + "save/", text)
    assert saved["document_number"] == "汪发〔2025〕1号"
    issued = write(clients, "town_office", path + "issue/")
    assert issued["status"] == "issued"
    again = clients["town_office"].post(api(path + "save/"), text, format="json")
    assert again.status_code == 409 and "已印发" in again.json()["detail"]
    printed = pdf_bytes(clients["secretary"].get(api(path), HTTP_ACCEPT="application/pdf"))
    with OfficialDocument.objects.get().pdf.open("rb") as kept:
        assert printed == kept.read()
