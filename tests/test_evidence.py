"""Evidence files: what is accepted, what is refused, where it lives, who may fetch it."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from assessments import services
from assessments.models import Criterion, Evidence
from audit.models import AuditEntry
from pingan.errors import InvalidInput
from tests import files


@pytest.fixture
def assessment(campaign, xingou):
    return campaign.assessments.get(village=xingou)


@pytest.fixture
def criterion(assessment):
    return Criterion.objects.get(standard=assessment.standard, key="technical-prevention.cameras")


def stored_files(media_root):
    root = Path(media_root)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def upload(people, assessment, criterion, file):
    """Upload, then finish a photo as the worker does once the upload commits (the queue
    itself is exercised in test_a_photo_is_finished_by_the_worker_and_never_served_before)."""
    evidence = services.add_evidence(
        actor=people["secretary"],
        assessment_id=assessment.pk,
        criterion_id=criterion.pk,
        upload=file,
    )
    services.finish_photo(evidence_id=evidence.pk)
    evidence.refresh_from_db()
    return evidence


@pytest.mark.parametrize(
    ("make", "extension", "content_type"),
    [
        (files.jpeg, "jpg", "image/jpeg"),
        (files.png, "png", "image/png"),
        (files.pdf, "pdf", "application/pdf"),
        (files.xlsx, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (
            files.docx,
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_accepted_kinds_are_stored_under_generated_names(
    people, assessment, criterion, private_media_root, make, extension, content_type
):
    file = make()
    evidence = upload(people, assessment, criterion, file)
    assert (evidence.extension, evidence.content_type) == (extension, content_type)
    assert evidence.original_name == file.name
    assert evidence.file.name.startswith("evidence/2024/429006104203/")
    assert evidence.village.code == "429006104203"
    assert evidence.file.name.endswith(f"{evidence.token}.{extension}")
    assert Path(evidence.file.path).is_relative_to(private_media_root)
    assert bool(evidence.thumbnail) is content_type.startswith("image/")


def test_content_decides_not_the_name(people, assessment, criterion):
    evidence = upload(people, assessment, criterion, files.png("照片.pdf"))
    assert evidence.extension == "png"


@pytest.mark.parametrize(
    "make",
    [files.executable_as_jpeg, files.windows_program_as_pdf],
)
def test_programs_under_a_harmless_name_are_refused(
    people, assessment, criterion, private_media_root, make
):
    with pytest.raises(InvalidInput, match="实际内容不是可接受的类型"):
        upload(people, assessment, criterion, make())
    assert not Evidence.objects.exists()
    assert stored_files(private_media_root) == []


def test_oversize_file_is_refused(people, assessment, criterion, settings, private_media_root):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    big = files.jpeg(size=(2000, 2000))
    big = SimpleUploadedFile("大图.jpg", big.read() + b"\0" * (1024 * 1024))
    with pytest.raises(InvalidInput, match="超过 1 MB"):
        upload(people, assessment, criterion, big)
    assert not Evidence.objects.exists()
    assert stored_files(private_media_root) == []


def test_damaged_image_is_refused(people, assessment, criterion, private_media_root):
    damaged = SimpleUploadedFile("坏图.jpg", b"\xff\xd8\xff\xe0" + b"garbage" * 50)
    with pytest.raises(InvalidInput, match="无法识别或已损坏"):
        upload(people, assessment, criterion, damaged)
    assert stored_files(private_media_root) == []


def test_refusal_through_the_page_is_told_in_chinese(client, people, assessment, criterion):
    client.force_login(people["secretary"])
    response = client.post(
        reverse("assessments:evidence_upload", args=[assessment.pk, criterion.pk]),
        {"file": files.executable_as_jpeg()},
        follow=True,
    )
    page = response.content.decode()
    assert "实际内容不是可接受的类型" in page and "照片(JPEG/PNG/WebP)、PDF、Word、Excel" in page
    assert not Evidence.objects.exists()


def test_files_are_removed_when_the_write_fails(
    people, assessment, criterion, private_media_root, monkeypatch
):
    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Evidence, "save", broken_save)
    with pytest.raises(RuntimeError):
        upload(people, assessment, criterion, files.jpeg())
    assert stored_files(private_media_root) == []


def test_download_goes_through_the_permission_rules(client, people, assessment, criterion):
    evidence = upload(people, assessment, criterion, files.pdf("接入截图.pdf"))
    for role in ["secretary", "town_office", "city_office", "province_office"]:
        client.force_login(people[role])
        response = client.get(reverse("assessments:evidence_download", args=[evidence.pk]))
        assert response.status_code == 200, role
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
    client.logout()
    response = client.get(reverse("assessments:evidence_download", args=[evidence.pk]))
    assert response.status_code == 302


def test_photo_is_shown_inline_with_a_thumbnail(client, people, assessment, criterion):
    evidence = upload(people, assessment, criterion, files.jpeg())
    client.force_login(people["secretary"])
    page = client.get(
        reverse("assessments:assessment_criterion", args=[assessment.pk, criterion.pk])
    ).content.decode()
    thumbnail_url = reverse("assessments:evidence_thumbnail", args=[evidence.pk])
    assert thumbnail_url in page
    response = client.get(thumbnail_url)
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"


def test_withdrawn_evidence_leaves_the_list_but_keeps_its_record(
    client, people, assessment, criterion
):
    evidence = upload(people, assessment, criterion, files.jpeg())
    client.force_login(people["secretary"])
    client.post(reverse("assessments:evidence_withdraw", args=[evidence.pk]))
    evidence.refresh_from_db()
    assert evidence.withdrawn_at is not None
    assert Path(evidence.file.path).exists()
    page = client.get(
        reverse("assessments:assessment_criterion", args=[assessment.pk, criterion.pk])
    )
    assert evidence not in page.context["evidence"]


def test_plan_document_upload_and_replacement(client, people, assessment):
    client.force_login(people["secretary"])
    address = reverse("assessments:assessment_plan", args=[assessment.pk])
    client.post(
        address, {"plan_text": "", "outreach_text": "", "plan_file": files.docx("方案.docx")}
    )
    assessment.refresh_from_db()
    first = assessment.plan_document
    assert first.original_name == "方案.docx" and assessment.has_plan
    client.post(
        address, {"plan_text": "", "outreach_text": "", "plan_file": files.pdf("方案2.pdf")}
    )
    assessment.refresh_from_db()
    first.refresh_from_db()
    assert assessment.plan_document.original_name == "方案2.pdf"
    assert first.withdrawn_at is not None
    refused = client.post(
        address, {"plan_text": "", "outreach_text": "", "plan_file": files.executable_as_jpeg()}
    )
    assert refused.status_code == 400
    assert "实际内容不是可接受的类型" in refused.content.decode()


@pytest.mark.parametrize(
    ("make", "refusal"),
    [
        (files.zip_bomb_docx, "解压后过大"),
        (files.huge_png, "像素过多"),
        (files.pdf_with_script, "含有脚本"),
    ],
)
def test_bombs_and_active_content_are_refused(
    people, assessment, criterion, private_media_root, make, refusal
):
    with pytest.raises(InvalidInput, match=refusal):
        upload(people, assessment, criterion, make())
    assert not Evidence.objects.exists()
    assert stored_files(private_media_root) == []


def test_a_download_takes_the_extension_of_the_checked_type(client, people, assessment, criterion):
    evidence = upload(people, assessment, criterion, files.pdf("report.html"))
    client.force_login(people["secretary"])
    response = client.get(reverse("assessments:evidence_download", args=[evidence.pk]))
    assert 'filename="report.pdf"' in response["Content-Disposition"]
    photo = upload(people, assessment, criterion, files.jpeg("现场.jpeg"))
    response = client.get(reverse("assessments:evidence_download", args=[photo.pk]))
    assert "jpeg" in response["Content-Disposition"]


@pytest.mark.parametrize("make", [files.jpeg_with_trailer, files.png_with_trailer])
def test_an_image_is_stored_as_decoded_never_as_sent(
    client, people, assessment, criterion, private_media_root, make
):
    sent = make()
    evidence = upload(people, assessment, criterion, sent)
    client.force_login(people["secretary"])
    response = client.get(reverse("assessments:evidence_download", args=[evidence.pk]))
    served = b"".join(response.streaming_content)
    assert b"<?php" not in served and b"<html>" not in served
    assert evidence.size == len(served) == Path(evidence.file.path).stat().st_size
    with Image.open(io.BytesIO(served)) as image:
        image.load()
        assert image.format == {"jpg": "JPEG", "png": "PNG"}[evidence.extension]


def test_a_photo_keeps_its_capture_time_and_nothing_else_of_its_exif(
    people, assessment, criterion, private_media_root
):
    evidence = upload(people, assessment, criterion, files.jpeg_with_trailer(orientation=6))
    assert timezone.localtime(evidence.captured_at).strftime("%Y-%m-%d %H:%M:%S") == (
        "2024-05-06 07:08:09"
    )
    with Image.open(evidence.file.path) as image:
        exif = image.getexif()
        assert exif.get_ifd(0x8769)[0x9003] == "2024:05:06 07:08:09"
        assert not exif.get_ifd(0x8825)
        assert 0x0112 not in exif
        # Turned upright: the 64×32 photo taken on its side is stored 32×64.
        assert image.size == (32, 64)


def test_a_photo_is_finished_by_the_worker_and_never_served_before(
    client, people, assessment, criterion, run_worker, django_capture_on_commit_callbacks
):
    client.force_login(people["secretary"])
    page = reverse("assessments:assessment_criterion", args=[assessment.pk, criterion.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("assessments:evidence_upload", args=[assessment.pk, criterion.pk]),
            {"file": files.jpeg_with_trailer(orientation=6)},
        )
    photo = Evidence.objects.get()
    assert photo.status == Evidence.Status.PROCESSING and not photo.thumbnail
    assert "处理中" in client.get(page).content.decode()
    download = client.get(reverse("assessments:evidence_download", args=[photo.pk]))
    assert download.status_code == 409 and "正在处理" in download.content.decode()
    thumbnail = client.get(reverse("assessments:evidence_thumbnail", args=[photo.pk]))
    assert thumbnail.status_code == 404
    missing = services.missing_for_submission(assessment, [criterion], {}, {criterion.pk: [photo]})
    assert any("照片正在处理" in reason for reason in missing)

    with django_capture_on_commit_callbacks(execute=True):
        run_worker()
    photo.refresh_from_db()
    assert photo.status == Evidence.Status.READY and photo.thumbnail
    served = b"".join(
        client.get(reverse("assessments:evidence_download", args=[photo.pk])).streaming_content
    )
    assert b"<?php" not in served and photo.size == len(served)
    assert timezone.localtime(photo.captured_at).strftime("%Y-%m-%d %H:%M:%S") == (
        "2024-05-06 07:08:09"
    )
    entry = AuditEntry.objects.get(action="evidence.processed")
    assert entry.before == {"status": "processing"} and entry.after["status"] == "ready"


def test_the_worker_reads_a_photo_with_what_it_names_in_one_locked_read(
    people, assessment, criterion, django_assert_max_num_queries
):
    """Its stored name names the year and the village, its audit entry the village and town:
    read with the photo, not one by one after."""
    photo = services.add_evidence(
        actor=people["secretary"],
        assessment_id=assessment.pk,
        criterion_id=criterion.pk,
        upload=files.jpeg(),
    )
    with django_assert_max_num_queries(8) as captured:
        services.finish_photo(evidence_id=photo.pk)
    reads = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]
    assert len(reads) == 2, reads
    assert 'JOIN "assessments_campaign"' in reads[0] and 'JOIN "villages_region"' in reads[0]
    assert 'FROM "audit_audithead"' in reads[1]
    photo.refresh_from_db()
    assert photo.file.name.startswith(
        f"evidence/{assessment.campaign.year}/{assessment.village.code}/"
    )


def test_a_photo_the_worker_cannot_decode_is_refused_with_its_reason(
    client, people, assessment, criterion, private_media_root, django_capture_on_commit_callbacks
):
    damaged = bytearray(files.png().read())
    # The header is whole (the request accepts it); the picture's data is not.
    damaged[damaged.index(b"IDAT") + 8] ^= 0xFF
    sent = SimpleUploadedFile("半张.png", bytes(damaged), content_type="image/png")
    photo = services.add_evidence(
        actor=people["secretary"],
        assessment_id=assessment.pk,
        criterion_id=criterion.pk,
        upload=sent,
    )
    assert photo.status == Evidence.Status.PROCESSING
    with django_capture_on_commit_callbacks(execute=True):
        services.finish_photo(evidence_id=photo.pk)
    photo.refresh_from_db()
    assert photo.status == Evidence.Status.REFUSED and photo.withdrawn_at is not None
    assert "无法识别或已损坏" in photo.refusal
    client.force_login(people["secretary"])
    page = client.get(
        reverse("assessments:assessment_criterion", args=[assessment.pk, criterion.pk])
    ).content.decode()
    assert "“半张.png”无法使用" in page
    assert stored_files(private_media_root) == []
    assert AuditEntry.objects.get(action="evidence.refused").after["status"] == "refused"
