"""Long printouts and exports are made in the background, with progress, for their requester."""

import io

import openpyxl
import pytest
from django.http import Http404
from django.urls import reverse
from pypdf import PdfReader

from assessments import prepared, services
from assessments.models import PreparedFile
from pingan.errors import InvalidInput
from tests.helpers import run_base_year

pytestmark = pytest.mark.usefixtures("module_base")


@pytest.fixture(scope="module")
def filed_year_once(module_records, module_base):
    def build():
        base = module_base.fresh()
        return run_base_year(base)

    return module_records.build(build)


@pytest.fixture
def filed_year(db, filed_year_once):
    return filed_year_once.fresh()


def request_reports(client, user, campaign, capture):
    client.force_login(user)
    with capture(execute=True):
        response = client.post(reverse("assessments:campaign_reports_prepare", args=[campaign.pk]))
    prepared_file = PreparedFile.objects.get(requested_by=user)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:prepared_file", args=[prepared_file.pk])
    return prepared_file


def pdf_text(content):
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_campaign_reports_are_built_by_the_worker_and_offered_to_the_requester(
    client, filed_year, people, django_capture_on_commit_callbacks, run_worker
):
    town_office = people["town_office"]
    prepared_file = request_reports(
        client, town_office, filed_year, django_capture_on_commit_callbacks
    )
    page = client.get(reverse("assessments:prepared_file", args=[prepared_file.pk]))
    assert "排队中" in page.text and 'hx-trigger="every 2s"' in page.text

    run_worker()

    prepared_file.refresh_from_db()
    assert prepared_file.status == PreparedFile.Status.READY
    assert (prepared_file.done, prepared_file.total, prepared_file.percent) == (17, 17, 100)
    events = prepared_file.events.order_by("occurred_at", "id")
    assert [(e.from_status, e.to_status) for e in events] == [
        ("", "queued"),
        ("queued", "running"),
        ("running", "ready"),
    ]
    assert all(e.actor == town_office for e in prepared_file.events.all())
    status = client.get(
        reverse("assessments:prepared_file", args=[prepared_file.pk]), HTTP_HX_REQUEST="true"
    )
    assert "<html" not in status.text and "hx-trigger" not in status.text
    assert "下载：汪场镇2024年度各村(社区)考评报告.pdf" in status.text
    download = client.get(reverse("assessments:prepared_file_download", args=[prepared_file.pk]))
    content = b"".join(download.streaming_content)
    assert download["Content-Type"] == "application/pdf"
    text = pdf_text(content)
    assert "新沟村" in text and "艾垸村" in text
    assert len(PdfReader(io.BytesIO(content)).pages) >= 17


def test_a_secretary_s_batch_holds_only_the_own_village(
    client, filed_year, people, django_capture_on_commit_callbacks, run_worker
):
    prepared_file = request_reports(
        client, people["secretary"], filed_year, django_capture_on_commit_callbacks
    )
    run_worker()
    prepared_file.refresh_from_db()
    assert prepared_file.total == 1
    text = pdf_text(prepared_file.file.read())
    assert "新沟村" in text and "崔王村" not in text


def test_another_user_cannot_see_or_download_the_file(
    client, filed_year, people, django_capture_on_commit_callbacks, run_worker
):
    prepared_file = request_reports(
        client, people["town_office"], filed_year, django_capture_on_commit_callbacks
    )
    run_worker()
    client.force_login(people["town_leading_group"])
    for name in ("prepared_file", "prepared_file_download"):
        response = client.get(reverse(f"assessments:{name}", args=[prepared_file.pk]))
        assert response.status_code == 404
    assert client.get(reverse("assessments:prepared_file_list")).text.count("汪场镇2024年度") == 0


def test_the_city_exports_the_year_s_results_of_every_village(
    client, filed_year, people, django_capture_on_commit_callbacks, run_worker
):
    city = people["city_office"].memberships.get().region
    client.force_login(people["city_office"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("assessments:region_results_prepare", args=[city.pk]), {"year": "2024"}
        )
    assert response.status_code == 302
    run_worker()
    prepared_file = PreparedFile.objects.get()
    assert prepared_file.status == PreparedFile.Status.READY
    assert prepared_file.filename == "天门市2024年度平安村(社区)考评结果.xlsx"
    sheet = openpyxl.load_workbook(prepared_file.file.open("rb")).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == prepared.RESULT_HEADERS
    assert len(rows) == 18
    xingou = next(row for row in rows if row[3] == "新沟村")
    assert xingou[:3] == ("天门市", None, "汪场镇") and xingou[7] == "达标"


def test_results_are_refused_outside_the_requester_s_reach_and_for_a_year_without_campaign(
    filed_year, people
):
    city = people["city_office"].memberships.get().region
    with pytest.raises(Http404):
        services.request_region_results(actor=people["secretary"], region_id=city.pk, year=2024)
    with pytest.raises(InvalidInput, match="没有2019年度"):
        services.request_region_results(actor=people["city_office"], region_id=city.pk, year=2019)
    assert not PreparedFile.objects.exists()


def test_a_failed_build_says_so_and_records_why(
    filed_year, people, monkeypatch, django_capture_on_commit_callbacks, run_worker
):
    def broken(user, campaign, progress):
        raise OSError("磁盘已满")

    monkeypatch.setattr(prepared, "campaign_reports", broken)
    with django_capture_on_commit_callbacks(execute=True):
        prepared_file = services.request_campaign_reports(
            actor=people["town_office"], campaign_id=filed_year.pk
        )
    run_worker()
    prepared_file.refresh_from_db()
    assert prepared_file.status == PreparedFile.Status.FAILED
    assert "磁盘已满" in prepared_file.error and not prepared_file.file
    assert prepared_file.events.order_by("id").last().to_status == "failed"
