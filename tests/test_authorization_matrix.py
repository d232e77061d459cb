"""Every URL of the portal, for every role, on its own place and on another place.

The URL list comes from the resolver: a new URL without a line in MATRIX fails the test.
"""

import uuid
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.datastructures import MultiValueDict

from api.tokens import issue_token
from assessments import services
from assessments.models import (
    Criterion,
    IncidentCategory,
    Objection,
    OfficialDocument,
    Practice,
    PreparedFile,
    Publication,
    PublicationEntry,
    RecommendationList,
    SheetImport,
    Title,
)
from tests import files
from tests.factories import RegionFactory, VillageFactory, user_with_role
from tests.helpers import SIGNED_IN_ROLES, inspect_short, new_campaign
from villages.models import Membership, Region

Role = Membership.Role
ROLES = ["anonymous", *SIGNED_IN_ROLES]

ALL = (302, 200, 200, 200, 200, 200, 200, 200)
# A record of the village: a member of its team reaches only the year's assessment, not this.
VILLAGE_RECORD = (302, 200, 200, 200, 200, 200, 200, 404)
OTHER = (302, 404, 404, 404, 404, 404, 200, 404)
POST_ONLY = (302, 405, 405, 405, 405, 405, 405, 405)
REGIONAL = (302, 403, 200, 200, 200, 200, 200, 403)
TOWN_OFFICE = (302, 403, 200, 403, 403, 403, 200, 403)
TOWN_RECORD = (302, 403, 200, 403, 403, 403, 200, 404)
ADMIN = (302, 403, 403, 403, 403, 403, 200, 403)
NONE_YET = (302, 404, 404, 404, 404, 404, 404, 404)
# A document drafted from the year is its issuing office's (and the administrator's) until issued.
DRAFTER = (302, 404, 200, 404, 404, 404, 200, 404)
# A file made in the background belongs to the town office that asked for it.
REQUESTER = (302, 404, 200, 404, 404, 404, 404, 404)


def world(people, standards, wangchang, xingou):
    """Objects of 汪场镇 (own) and of a town in another province (other)."""
    hunan = RegionFactory(code="43", name="湖南省", level=Region.Level.PROVINCE)
    changsha = RegionFactory(code="4301", name="长沙市", level=Region.Level.CITY, parent=hunan)
    far_town = RegionFactory(code="430100100", name="远方镇", parent=changsha)
    far_village = VillageFactory(code="430100100001", name="远方村", town=far_town)
    far_secretary = user_with_role(Role.SECRETARY, far_village)
    far_office = user_with_role(Role.TOWN_OFFICE, far_town)
    far_staff = user_with_role(Role.VILLAGE_STAFF, far_village)
    cameras = Criterion.objects.get(standard=standards[0], key="technical-prevention.cameras")

    objects = {}
    for side, town, village, secretary, office, staff in [
        (
            "own",
            wangchang,
            xingou,
            people["secretary"],
            people["town_office"],
            people["village_staff"],
        ),
        ("other", far_town, far_village, far_secretary, far_office, far_staff),
    ]:
        campaign = services.open_campaign(
            actor=office,
            campaign_id=new_campaign({"town_office": office}, town, standards[0], 2024).pk,
        )
        assessment = campaign.assessments.get(village=village)
        (assignment,) = services.assign_items(
            actor=secretary,
            assessment_id=assessment.pk,
            criterion_ids=[cameras.pk],
            assignee_id=staff.pk,
            due_on=date(2099, 6, 1),
        )
        evidence = services.add_evidence(
            actor=secretary,
            assessment_id=assessment.pk,
            criterion_id=cameras.pk,
            upload=files.jpeg(),
        )
        services.finish_photo(evidence_id=evidence.pk)
        inspection = inspect_short(office, village, cameras)
        incident = services.record_incident(
            actor=office,
            village_id=village.pk,
            category_id=IncidentCategory.objects.get(code="vice").pk,
            occurred_on=date(2024, 3, 1),
            description="案情",
        )
        title = Title.objects.create(
            village=village,
            kind=Title.Kind.SAFE_VILLAGE,
            first_year=2023,
            last_year=2023,
            certificate_number=f"{village.code}-2023",
            certificate_date=date(2023, 12, 31),
            issuer=f"中共{town.name}委员会",
        )
        bulletin = services.issue_bulletin(
            actor=office,
            town=town,
            document_number="汪发〔2024〕1号",
            title="通报",
            body="正文",
            issuer="镇党委",
            issued_on=date.today(),
            villages=[village],
        )
        recommendation_list = RecommendationList(
            city=town.parent,
            year=2024,
            document_number="天平安组〔2024〕3号",
            title="推荐报告",
            body="正文",
            issuer="领导小组",
            issued_on=date.today(),
            issued_by=office,
        )
        recommendation_list.pdf.save("recommendation.pdf", ContentFile(b"%PDF-1.4"), save=True)
        prepared_file = PreparedFile.objects.create(
            kind=PreparedFile.Kind.CAMPAIGN_REPORTS,
            title="考评报告",
            requested_by=office,
            campaign=campaign,
            filename="考评报告.pdf",
        )
        prepared_file.file.save("reports.pdf", ContentFile(b"%PDF-1.4"), save=True)
        document = OfficialDocument.objects.create(
            kind="annual_summary",
            region=town,
            year=2024,
            title="年度创建工作总结",
            body="正文",
            issuer="镇党委",
            created_by=office,
        )
        sheet_import = SheetImport.objects.create(
            kind=SheetImport.Kind.INCIDENTS,
            requested_by=office,
            file_name="案事件.xlsx",
            staged_token="0" * 32,
            total=500,
        )
        publication = Publication.objects.create(
            kind=Publication.Kind.PASS_LIST,
            region=town,
            year=2024,
            campaign=campaign,
            title=f"{town.name}2024年度平安村(社区)达标名单公示",
            working_days=5,
            starts_on=date.today(),
            ends_on=date.today() + timedelta(days=7),
            contact="镇平安办",
            published_by=office,
        )
        entry = PublicationEntry.objects.create(
            publication=publication, village=village, village_name=village.name
        )
        objection = Objection(
            token=uuid.uuid4(),
            publication=publication,
            entry=entry,
            name="王群众",
            phone="13812345678",
            matter="异议",
        )
        objection.photo.save("photo.jpg", ContentFile(files.jpeg().read()), save=True)
        practice = Practice(
            token=uuid.uuid4(),
            village=village,
            title="夜巡队“红袖标”",
            problem="夜间盗窃多发",
            action="组建夜巡队",
            result="盗窃下降",
            written_by=secretary,
        )
        practice.photo.save("photo.jpg", ContentFile(files.jpeg().read()), save=True)
        publicity_record = services.record_publicity(
            actor=secretary,
            village_id=village.pk,
            held_on=date(2024, 3, 1),
            kind="patrol",
            summary="平安夜巡",
            photo=files.jpeg(),
        )
        objects[side] = {
            "practice": practice,
            "publicity_record": publicity_record,
            "publication": publication,
            "objection": objection,
            "village": village,
            "town": town,
            "city": town.parent,
            "campaign": campaign,
            "assessment": assessment,
            "criterion": cameras,
            "evidence": evidence,
            "inspection": inspection,
            "order": inspection.findings.get().rectification_order,
            "incident": incident,
            "title": title,
            "bulletin": bulletin,
            "recommendation_list": recommendation_list,
            "prepared_file": prepared_file,
            "sheet_import": sheet_import,
            "document": document,
            "token": issue_token(actor=office)[0],
            "assignment": assignment,
            "membership": staff.memberships.get(),
            "standard": standards[0],
        }
    return objects


def url(name, *keys):
    """A builder of the URL on one side's objects; `keys` name the objects it takes."""

    def build(side):
        return reverse(name, args=[side[key].pk for key in keys])

    return build


def fixed(name, *args):
    return lambda side: reverse(name, args=args)


# URL name → (builder, expected per role on own objects, expected on the other place's).
MATRIX = {
    "login": (fixed("login"), (200, 302, 302, 302, 302, 302, 302, 302), None),
    "logout": (fixed("logout"), (405,) * 8, None),
    "home": (fixed("home"), (302, 200, 302, 302, 302, 302, 302, 302), None),
    "favicon": (fixed("favicon"), (302,) * 8, None),
    "villages:list": (fixed("villages:list"), ALL, None),
    "audit:entry_list": (fixed("audit:entry_list"), REGIONAL, None),
    "audit:entry_export": (fixed("audit:entry_export"), REGIONAL, None),
    "villages:detail": (url("villages:detail", "village"), VILLAGE_RECORD, OTHER),
    "villages:team": (
        url("villages:team", "village"),
        (302, 200, 200, 403, 403, 403, 200, 404),
        OTHER,
    ),
    "villages:team_member_end": (
        url("villages:team_member_end", "village", "membership"),
        POST_ONLY,
        POST_ONLY,
    ),
    "password_change": (fixed("password_change"), (302, *(200,) * 7), None),
    "assessments:my_assignments": (fixed("assessments:my_assignments"), ALL, None),
    "assessments:village_publicity": (url("assessments:village_publicity", "village"), ALL, OTHER),
    "assessments:practice_new": (
        url("assessments:practice_new", "village"),
        (302, 200, 403, 403, 403, 403, 200, 403),
        OTHER,
    ),
    "assessments:practice_edit": (
        url("assessments:practice_edit", "village", "practice"),
        (302, 200, 403, 403, 403, 403, 200, 403),
        OTHER,
    ),
    "assessments:practice_list": (fixed("assessments:practice_list"), ALL, None),
    "assessments:publicity_photo": (
        url("assessments:publicity_photo", "village", "publicity_record"),
        (302, 200, 200, 200, 200, 200, 200, 200),
        OTHER,
    ),
    "assessments:practice_photo": (
        url("assessments:practice_photo", "practice"),
        (302, 200, 404, 404, 404, 404, 200, 200),
        OTHER,
    ),
    # A draft: its village's own, not yet the town's.
    "assessments:practice_detail": (
        url("assessments:practice_detail", "practice"),
        (302, 200, 404, 404, 404, 404, 200, 200),
        OTHER,
    ),
    "assessments:practice_submit": (
        url("assessments:practice_submit", "practice"),
        POST_ONLY,
        POST_ONLY,
    ),
    "assessments:practice_publish": (
        url("assessments:practice_publish", "practice"),
        POST_ONLY,
        POST_ONLY,
    ),
    "assessments:practice_return": (
        url("assessments:practice_return", "practice"),
        POST_ONLY,
        POST_ONLY,
    ),
    "assessments:practice_pdf": (url("assessments:practice_pdf", "practice"), NONE_YET, NONE_YET),
    # 公示 is public: anyone, signed in or not, reads it and raises an 异议 on any list.
    "assessments:public_publications": (
        fixed("assessments:public_publications"),
        (200,) * 8,
        None,
    ),
    "assessments:public_objection": (
        url("assessments:public_objection", "publication"),
        (200,) * 8,
        (200,) * 8,
    ),
    # Published already: its office is sent on to the publication's page.
    "assessments:campaign_publication": (
        url("assessments:campaign_publication", "campaign"),
        (302, 403, 302, 403, 403, 403, 302, 404),
        (302, 404, 404, 404, 404, 404, 302, 404),
    ),
    "assessments:publication_detail": (
        url("assessments:publication_detail", "publication"),
        DRAFTER,
        OTHER,
    ),
    "assessments:objection_detail": (
        url("assessments:objection_detail", "objection"),
        DRAFTER,
        OTHER,
    ),
    "assessments:objection_photo": (
        url("assessments:objection_photo", "objection"),
        DRAFTER,
        OTHER,
    ),
    "assessments:assessment_assignments": (
        url("assessments:assessment_assignments", "assessment"),
        (302, 200, 403, 403, 403, 403, 200, 403),
        OTHER,
    ),
    "assessments:assignment_hand_in": (
        url("assessments:assignment_hand_in", "assignment"),
        POST_ONLY,
        POST_ONLY,
    ),
    "assessments:assignment_accept": (
        url("assessments:assignment_accept", "assignment"),
        POST_ONLY,
        POST_ONLY,
    ),
    "assessments:assignment_send_back": (
        url("assessments:assignment_send_back", "assignment"),
        POST_ONLY,
        POST_ONLY,
    ),
    "assessments:assignment_withdraw": (
        url("assessments:assignment_withdraw", "assignment"),
        POST_ONLY,
        POST_ONLY,
    ),
    "villages:import": (fixed("villages:import"), ADMIN, None),
    "villages:team_import": (fixed("villages:team_import"), ADMIN, None),
    "villages:import_template": (fixed("villages:import_template"), ADMIN, None),
    "villages:export": (fixed("villages:export"), ALL, None),
    "assessments:standard_list": (fixed("assessments:standard_list"), ALL, None),
    "assessments:standard_detail": (url("assessments:standard_detail", "standard"), ALL, None),
    "assessments:criteria_import": (url("assessments:criteria_import", "standard"), ADMIN, None),
    "assessments:campaign_list": (fixed("assessments:campaign_list"), ALL, None),
    "assessments:campaign_create": (fixed("assessments:campaign_create"), TOWN_OFFICE, None),
    "assessments:campaign_detail": (
        url("assessments:campaign_detail", "campaign"),
        VILLAGE_RECORD,
        OTHER,
    ),
    "assessments:campaign_open": (
        url("assessments:campaign_open", "campaign"),
        POST_ONLY,
        POST_ONLY,
    ),
    "assessments:campaign_close_self_assessment": (
        url("assessments:campaign_close_self_assessment", "campaign"),
        POST_ONLY,
        POST_ONLY,
    ),
    "assessments:campaign_urge": (
        url("assessments:campaign_urge", "campaign"),
        POST_ONLY,
        POST_ONLY,
    ),
    "assessments:town_assessment_not_submitted": (
        url("assessments:town_assessment_not_submitted", "assessment"),
        POST_ONLY,
        POST_ONLY,
    ),
    "assessments:campaign_approve": (
        url("assessments:campaign_approve", "campaign"),
        (302, 403, 403, 200, 403, 403, 200, 404),
        OTHER,
    ),
    "assessments:pass_list_edit": (
        url("assessments:pass_list_edit", "campaign"),
        TOWN_RECORD,
        OTHER,
    ),
    "assessments:pass_list_pdf": (url("assessments:pass_list_pdf", "campaign"), NONE_YET, NONE_YET),
    "assessments:pass_list_xlsx": (
        url("assessments:pass_list_xlsx", "campaign"),
        NONE_YET,
        NONE_YET,
    ),
    "assessments:campaign_file": (
        url("assessments:campaign_file", "campaign"),
        POST_ONLY,
        POST_ONLY,
    ),
    "assessments:my_assessment": (
        fixed("assessments:my_assessment"),
        (302, 302, 200, 200, 200, 200, 200, 200),
        None,
    ),
    "assessments:town_assessment": (
        url("assessments:town_assessment", "assessment"),
        TOWN_OFFICE,
        OTHER,
    ),
    "assessments:town_assessment_conclude": (
        url("assessments:town_assessment_conclude", "assessment"),
        POST_ONLY,
        POST_ONLY,
    ),
    "assessments:town_assessment_reopen": (
        url("assessments:town_assessment_reopen", "assessment"),
        POST_ONLY,
        POST_ONLY,
    ),
    "assessments:city_review": (
        url("assessments:city_review", "assessment"),
        (302, 403, 403, 403, 200, 403, 200, 403),
        OTHER,
    ),
    "assessments:city_review_conclude": (
        url("assessments:city_review_conclude", "assessment"),
        POST_ONLY,
        POST_ONLY,
    ),
    "assessments:assessment_detail": (
        url("assessments:assessment_detail", "assessment"),
        ALL,
        OTHER,
    ),
    "assessments:assessment_plan": (
        url("assessments:assessment_plan", "assessment"),
        (302, 200, 403, 403, 403, 403, 200, 403),
        OTHER,
    ),
    "assessments:assessment_criterion": (
        url("assessments:assessment_criterion", "assessment", "criterion"),
        ALL,
        OTHER,
    ),
    "assessments:assessment_vetoes": (
        url("assessments:assessment_vetoes", "assessment"),
        (302, 200, 403, 403, 403, 403, 200, 403),
        OTHER,
    ),
    "assessments:returned_answer_keep": (
        url("assessments:returned_answer_keep", "assessment", "criterion"),
        POST_ONLY,
        POST_ONLY,
    ),
    "assessments:evidence_upload": (
        url("assessments:evidence_upload", "assessment", "criterion"),
        POST_ONLY,
        POST_ONLY,
    ),
    "assessments:assessment_carry_over": (
        url("assessments:assessment_carry_over", "assessment"),
        POST_ONLY,
        POST_ONLY,
    ),
    "assessments:answer_confirm": (
        url("assessments:answer_confirm", "assessment", "criterion"),
        POST_ONLY,
        POST_ONLY,
    ),
    "assessments:evidence_carry": (
        url("assessments:evidence_carry", "assessment", "evidence"),
        POST_ONLY,
        POST_ONLY,
    ),
    "assessments:assessment_submit": (
        url("assessments:assessment_submit", "assessment"),
        POST_ONLY,
        POST_ONLY,
    ),
    "assessments:assessment_return": (
        url("assessments:assessment_return", "assessment"),
        TOWN_OFFICE,
        OTHER,
    ),
    "assessments:assessment_extend": (
        url("assessments:assessment_extend", "assessment"),
        POST_ONLY,
        POST_ONLY,
    ),
    "assessments:assessment_report_pdf": (
        url("assessments:assessment_report_pdf", "assessment"),
        ALL,
        OTHER,
    ),
    "assessments:campaign_reports_prepare": (
        url("assessments:campaign_reports_prepare", "campaign"),
        POST_ONLY,
        POST_ONLY,
    ),
    "assessments:region_results_prepare": (
        url("assessments:region_results_prepare", "city"),
        POST_ONLY,
        POST_ONLY,
    ),
    "assessments:prepared_file_list": (fixed("assessments:prepared_file_list"), ALL, None),
    "assessments:prepared_file": (
        url("assessments:prepared_file", "prepared_file"),
        REQUESTER,
        NONE_YET,
    ),
    "assessments:prepared_file_download": (
        url("assessments:prepared_file_download", "prepared_file"),
        REQUESTER,
        NONE_YET,
    ),
    "assessments:sheet_import_detail": (
        url("assessments:sheet_import_detail", "sheet_import"),
        REQUESTER,
        NONE_YET,
    ),
    "assessments:sheet_import_confirm": (
        url("assessments:sheet_import_confirm", "sheet_import"),
        POST_ONLY,
        POST_ONLY,
    ),
    "token_list": (fixed("token_list"), ALL, None),
    "assessments:document_list": (fixed("assessments:document_list"), ALL, None),
    "assessments:document_draft": (fixed("assessments:document_draft"), POST_ONLY, None),
    "assessments:document_detail": (
        url("assessments:document_detail", "document"),
        DRAFTER,
        OTHER,
    ),
    "assessments:document_pdf": (url("assessments:document_pdf", "document"), DRAFTER, OTHER),
    "assessments:document_issue": (
        url("assessments:document_issue", "document"),
        POST_ONLY,
        POST_ONLY,
    ),
    "token_revoke_all": (fixed("token_revoke_all"), POST_ONLY, None),
    "token_revoke": (url("token_revoke", "token"), POST_ONLY, POST_ONLY),
    "assessments:evidence_download": (url("assessments:evidence_download", "evidence"), ALL, OTHER),
    "assessments:evidence_thumbnail": (
        url("assessments:evidence_thumbnail", "evidence"),
        ALL,
        OTHER,
    ),
    "assessments:evidence_withdraw": (
        url("assessments:evidence_withdraw", "evidence"),
        POST_ONLY,
        POST_ONLY,
    ),
    "assessments:inspection_list": (fixed("assessments:inspection_list"), REGIONAL, None),
    "assessments:inspection_create": (fixed("assessments:inspection_create"), TOWN_OFFICE, None),
    "assessments:inspection_detail": (
        url("assessments:inspection_detail", "inspection"),
        VILLAGE_RECORD,
        OTHER,
    ),
    "assessments:order_list": (fixed("assessments:order_list"), ALL, None),
    "assessments:order_detail": (url("assessments:order_detail", "order"), VILLAGE_RECORD, OTHER),
    "assessments:order_accept": (url("assessments:order_accept", "order"), POST_ONLY, POST_ONLY),
    "assessments:order_reopen": (url("assessments:order_reopen", "order"), POST_ONLY, POST_ONLY),
    "assessments:order_notice_pdf": (
        url("assessments:order_notice_pdf", "order"),
        VILLAGE_RECORD,
        OTHER,
    ),
    "assessments:bulletin_list": (fixed("assessments:bulletin_list"), REGIONAL, None),
    "assessments:bulletin_create": (fixed("assessments:bulletin_create"), TOWN_OFFICE, None),
    "assessments:bulletin_pdf": (
        url("assessments:bulletin_pdf", "bulletin"),
        VILLAGE_RECORD,
        OTHER,
    ),
    "assessments:city_overview": (fixed("assessments:city_overview"), REGIONAL, None),
    "assessments:campaign_review": (
        url("assessments:campaign_review", "campaign"),
        REGIONAL,
        (302, 403, 404, 404, 404, 404, 200, 403),
    ),
    "assessments:sample_draw": (url("assessments:sample_draw", "campaign"), POST_ONLY, POST_ONLY),
    "assessments:sample_pdf": (
        url("assessments:sample_pdf", "campaign"),
        (302, 403, 404, 404, 404, 404, 404, 403),
        (302, 403, 404, 404, 404, 404, 404, 403),
    ),
    "assessments:campaign_close_city_review": (
        url("assessments:campaign_close_city_review", "campaign"),
        POST_ONLY,
        POST_ONLY,
    ),
    "assessments:candidacy_start": (
        url("assessments:candidacy_start", "assessment"),
        POST_ONLY,
        POST_ONLY,
    ),
    "assessments:recommendation_create": (
        fixed("assessments:recommendation_create"),
        (302, 403, 403, 403, 200, 403, 200, 403),
        None,
    ),
    "assessments:recommendation_pdf": (
        url("assessments:recommendation_pdf", "recommendation_list"),
        (302, 404, 404, 404, 200, 200, 200, 404),
        OTHER,
    ),
    "assessments:recommendation_xlsx": (
        url("assessments:recommendation_xlsx", "recommendation_list"),
        (302, 404, 404, 404, 200, 200, 200, 404),
        OTHER,
    ),
    "assessments:incident_list": (fixed("assessments:incident_list"), REGIONAL, None),
    "assessments:incident_create": (
        fixed("assessments:incident_create"),
        (302, 403, 200, 403, 200, 200, 200, 403),
        None,
    ),
    "assessments:incident_detail": (
        url("assessments:incident_detail", "incident"),
        VILLAGE_RECORD,
        OTHER,
    ),
    "assessments:incident_correct": (
        url("assessments:incident_correct", "incident"),
        POST_ONLY,
        POST_ONLY,
    ),
    "assessments:incident_import": (
        fixed("assessments:incident_import"),
        (302, 403, 200, 403, 200, 200, 200, 403),
        None,
    ),
    "assessments:title_list": (fixed("assessments:title_list"), ALL, None),
    # With no title within reach there is nothing to print: a Chinese refusal, 400.
    "assessments:title_certificates": (
        fixed("assessments:title_certificates"),
        (302, *(200,) * 6, 400),
        None,
    ),
    "assessments:title_detail": (url("assessments:title_detail", "title"), VILLAGE_RECORD, OTHER),
    "assessments:title_certificate": (
        url("assessments:title_certificate", "title"),
        VILLAGE_RECORD,
        OTHER,
    ),
    "assessments:naming_create": (
        fixed("assessments:naming_create"),
        (302, 403, 403, 403, 403, 200, 200, 403),
        None,
    ),
    "assessments:timeline": (url("assessments:timeline", "village"), VILLAGE_RECORD, OTHER),
    "assessments:town_dashboard": (
        url("assessments:town_dashboard", "town"),
        (302, 404, 200, 200, 200, 200, 200, 404),
        OTHER,
    ),
    "assessments:region_dashboard": (
        url("assessments:region_dashboard", "city"),
        (302, 404, 404, 404, 200, 200, 200, 404),
        OTHER,
    ),
    "assessments:export_list": (fixed("assessments:export_list", "titles"), ALL, None),
    "assessments:export_campaign": (
        lambda side: reverse(
            "assessments:export_campaign", args=[side["campaign"].pk, "assessments"]
        ),
        VILLAGE_RECORD,
        OTHER,
    ),
    "assessments:finding_import": (
        url("assessments:finding_import", "campaign"),
        TOWN_RECORD,
        OTHER,
    ),
}


def project_urls(patterns=None, namespace=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            # The API answers in JSON (401, not a redirect); tests/test_api.py covers it.
            if pattern.namespace in ("admin", "api"):
                continue
            yield from project_urls(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_is_classified():
    names = set(project_urls())
    assert names - set(MATRIX) == set(), "URLs missing from the authorization matrix"
    assert set(MATRIX) - names == set(), "the matrix names URLs that no longer exist"


@pytest.fixture
def objects(people, standards, wangchang, xingou):
    return world(people, standards, wangchang, xingou)


@pytest.mark.parametrize("role", ROLES)
def test_matrix(client, people, objects, role):
    if role != "anonymous":
        client.force_login(people[role])
    index = ROLES.index(role)
    failures = []
    for name, (build, own, other) in MATRIX.items():
        for side, expected in (("own", own), ("other", other)):
            if expected is None:
                continue
            address = build(objects[side])
            status = client.get(address).status_code
            if status != expected[index]:
                failures.append(f"{name} {side} {address}: {status} != {expected[index]}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "role", ["secretary", "town_office", "city_office", "province_office", "village_staff"]
)
def test_actions_on_another_places_objects_answer_404(client, people, objects, role):
    client.force_login(people[role])
    other = objects["other"]
    failures = []
    for name, (build, own, other_expected) in MATRIX.items():
        if own is not POST_ONLY or other_expected is None:
            continue
        status = client.post(build(other)).status_code
        if status != 404:
            failures.append(f"{name}: {status}")
    assert not failures, failures


# What an attacker puts in any parameter: words for numbers, numbers too long for any column,
# impossible dates, control characters, markup and SQL.
HOSTILE_VALUES = ["abc", "9" * 40, "-1", "2024-13-45", "\x00<script>'--"]
# Roles tried, in order, for the parameters a URL reads: the first that reaches it.
WALKERS = ["town_office", "secretary", "city_office", "province_office", "town_leading_group"]


@pytest.fixture
def read_keys(monkeypatch):
    """The names of every query and form parameter a request reads, whatever reads it."""
    keys = set()
    for name in ("get", "getlist", "__getitem__", "__contains__"):
        original = getattr(MultiValueDict, name)

        def recording(self, key, *args, _original=original, **kwargs):
            if isinstance(key, str):
                keys.add(key)
            return _original(self, key, *args, **kwargs)

        monkeypatch.setattr(MultiValueDict, name, recording)
    return keys


def _reads(client, method, address, read_keys):
    read_keys.clear()
    status = getattr(client, method)(address).status_code
    return status, set(read_keys) - {"csrfmiddlewaretoken"}


def test_every_parameter_every_url_reads_answers_hostile_values_without_a_server_error(
    client, people, objects, read_keys
):
    """Each URL is asked once as the first role that reaches it, to learn which parameters
    its view reads (query and form alike); then every one of them gets each hostile value."""
    failures = []
    walked = {}
    for name, (build, _own, _other) in MATRIX.items():
        if name in ("login", "logout", "token_revoke_all"):
            continue
        address = build(objects["own"])
        for role in WALKERS:
            client.force_login(people[role])
            status, get_keys = _reads(client, "get", address, read_keys)
            post_status, post_keys = _reads(client, "post", address, read_keys)
            if status < 400 or post_status < 400:
                break
        walked[name] = get_keys | post_keys
        for value in HOSTILE_VALUES:
            if get_keys:
                response = client.get(address, {key: value for key in get_keys})
                if response.status_code >= 500:
                    failures.append(f"GET {address} {sorted(get_keys)}={value!r}")
            if post_keys:
                response = client.post(address, {key: value for key in post_keys})
                if response.status_code >= 500:
                    failures.append(f"POST {address} {sorted(post_keys)}={value!r}")
    assert not failures, "\n".join(failures)
    # The walk found the parameters that matter: filters, pages, years and form fields.
    assert {"page", "year"} <= set().union(*walked.values())
    assert "first_year" in walked["assessments:naming_create"]
