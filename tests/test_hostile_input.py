"""Whatever arrives, the answer is a result or a Chinese refusal, never a crash."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from assessments import services
from assessments.evidence import check_upload
from assessments.models import Criterion
from pingan.errors import InvalidInput
from pingan.sheets import SheetRefused
from tests.files import jpeg
from tests.helpers import inspect_short
from villages.imports import HEADERS, import_villages

cells = st.one_of(
    st.none(),
    st.integers(-(10**6), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=30).filter(
        lambda s: not s.startswith("=")
    ),
    st.booleans(),
)


def workbook(rows):
    book = openpyxl.Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("随机.xlsx", buffer.getvalue())


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(cells, min_size=len(HEADERS), max_size=len(HEADERS)), max_size=5))
def test_any_sheet_imports_or_is_refused(people, wangchang, rows):
    try:
        import_villages(actor=people["administrator"], upload=workbook(rows), dry_run=True)
    except SheetRefused as refused:
        assert refused.problems and all(isinstance(p, str) for p in refused.problems)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=2048), st.text(min_size=1, max_size=40))
def test_any_bytes_uploaded_are_stored_or_refused(db, content, name):
    upload = SimpleUploadedFile(name.replace("/", "_").replace("\x00", "_") or "x", content)
    try:
        checked = check_upload(upload)
    except InvalidInput as refused:
        assert refused.message
    else:
        assert checked.accepted.extension in {
            "jpg",
            "png",
            "webp",
            "pdf",
            "docx",
            "xlsx",
            "doc",
            "xls",
        }


@pytest.fixture
def assessment(campaign, xingou):
    return campaign.assessments.get(village=xingou)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=st.text(max_size=20), narrative=st.text(max_size=200))
def test_any_threshold_answer_is_saved_or_refused(people, assessment, value, narrative):
    cameras = Criterion.objects.get(
        standard=assessment.standard, key="technical-prevention.cameras"
    )
    try:
        answer = services.save_answer(
            actor=people["secretary"],
            assessment_id=assessment.pk,
            criterion_id=cameras.pk,
            value=value,
            narrative=narrative,
        )
    except InvalidInput as refused:
        assert refused.message
    else:
        assert answer.value is None or answer.value >= 0


def test_a_nul_character_is_refused_on_every_database(people, assessment):
    cameras = Criterion.objects.get(
        standard=assessment.standard, key="technical-prevention.cameras"
    )
    with pytest.raises(InvalidInput, match="控制字符"):
        services.save_answer(
            actor=people["secretary"],
            assessment_id=assessment.pk,
            criterion_id=cameras.pk,
            value=6,
            narrative="巡逻\x00记录",
        )
    assert not assessment.answers.exists()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.dictionaries(
        st.sampled_from(
            ["veto_occurred", "met", "value", "score", "narrative", "csrfmiddlewaretoken"]
        ),
        st.text(max_size=30),
    )
)
def test_forged_answer_posts_never_crash(client, people, assessment, data):
    client.force_login(people["secretary"])
    for criterion in Criterion.objects.filter(standard=assessment.standard).exclude(kind="group")[
        :3
    ]:
        response = client.post(
            reverse("assessments:assessment_criterion", args=[assessment.pk, criterion.pk]), data
        )
        assert response.status_code in (200, 302, 400)


def test_path_like_names_never_reach_the_file_system(people, assessment):
    from tests.files import jpeg

    cameras = Criterion.objects.get(
        standard=assessment.standard, key="technical-prevention.cameras"
    )
    upload = jpeg("../../etc/passwd.jpg")
    evidence = services.add_evidence(
        actor=people["secretary"],
        assessment_id=assessment.pk,
        criterion_id=cameras.pk,
        upload=upload,
    )
    assert ".." not in evidence.file.name and "passwd" not in evidence.file.name
    assert evidence.original_name == "../../etc/passwd.jpg" or evidence.original_name.endswith(
        "passwd.jpg"
    )


def test_downloads_are_not_sniffed(client, people, assessment):
    from tests.files import pdf

    cameras = Criterion.objects.get(
        standard=assessment.standard, key="technical-prevention.cameras"
    )
    evidence = services.add_evidence(
        actor=people["secretary"],
        assessment_id=assessment.pk,
        criterion_id=cameras.pk,
        upload=pdf(),
    )
    client.force_login(people["secretary"])
    response = client.get(reverse("assessments:evidence_download", args=[evidence.pk]))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("role", "url", "params"),
    [
        ("city_office", "assessments:recommendation_create", {"year": "abc"}),
        ("province_office", "assessments:naming_create", {"first_year": "abc"}),
        ("province_office", "assessments:naming_create", {"first_year": "9" * 30}),
    ],
)
def test_a_malformed_number_in_a_query_is_answered_400(client, people, role, url, params):
    client.force_login(people[role])
    response = client.get(reverse(url), params)
    assert response.status_code == 400
    assert "应为不超过 9 位的整数" in response.text


def test_an_overlong_id_in_an_api_filter_is_answered_400(people):
    api = APIClient()
    api.force_authenticate(people["town_office"])
    response = api.get("/api/v1/villages/", {"town": "1" * 30})
    assert response.status_code == 400 and "区划代码" in response.json()["detail"]


def test_withdrawing_a_rectification_report_file_as_evidence_is_refused(
    client, people, xingou, standards
):
    cameras = Criterion.objects.get(standard=standards[0], key="technical-prevention.cameras")
    inspect_short(people["town_office"], xingou, cameras)
    order = xingou.rectification_orders.get()
    services.report_rectification(
        actor=people["secretary"], order_id=order.pk, report="已整改", uploads=[jpeg()]
    )
    evidence = order.evidence.get()
    client.force_login(people["secretary"])
    response = client.post(reverse("assessments:evidence_withdraw", args=[evidence.pk]))
    assert response.status_code == 409 and "整改报告的材料" in response.text
    evidence.refresh_from_db()
    assert evidence.withdrawn_at is None
