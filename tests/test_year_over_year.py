"""Year over year: last year's answers as a start, evidence chosen not carried silently,
saves that never overwrite a newer copy, and evidence dated for the period it covers."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from api.tokens import issue_token
from assessments import services
from assessments.errors import StaleAnswer
from assessments.models import Answer, AssessmentEvent, Criterion, Evidence
from assessments.selectors import criteria_of, workspace_parts
from pingan.errors import InvalidInput, InvalidTransition
from tests import files
from tests.helpers import finish_photos, new_campaign, run_base_year


@pytest.fixture(scope="class")
def last_year_once(class_records, class_base):
    def build():
        base = class_base.fresh()
        return run_base_year(base)

    return class_records.build(build)


@pytest.fixture
def last_year(db, last_year_once):
    return last_year_once.fresh()


@pytest.fixture
def this_year(last_year, people, standards, wangchang):
    """2025 runs a new version of the standard: one criterion reworded, one added."""
    standard = services.copy_standard_as_new_version(
        actor=people["administrator"], standard_id=standards[0].pk, effective_year=2025
    )
    reworded = standard.criteria.get(key="publicity")
    reworded.text += "(新增：每季度更新宣传栏)"
    reworded.save()
    Criterion.objects.create(
        standard=standard,
        parent=reworded.parent,
        key="publicity.wechat",
        number="(9)",
        title="建立村(社区)平安建设微信群",
        kind=Criterion.Kind.REQUIREMENT,
        order=reworded.order + 1,
    )
    campaign = new_campaign(people, wangchang, standard, 2025)
    return services.open_campaign(actor=people["town_office"], campaign_id=campaign.pk)


@pytest.mark.usefixtures("class_base")
class TestFromLastYear:
    """2024 filed, built once for the class; each test opens 2025 on a new version."""

    def test_last_year_s_answers_carry_over_where_the_criterion_is_unchanged(
        self, this_year, last_year, people, xingou
    ):
        assessment = this_year.assessments.get(village=xingou)
        carried, fresh = services.start_from_last_year(
            actor=people["secretary"], assessment_id=assessment.pk
        )

        assert sorted(c.key for c in fresh) == ["publicity", "publicity.wechat"]
        judged = [c for c in criteria_of(assessment.standard) if c.is_judged]
        assert len(carried) == len(judged) - 2
        earlier = {
            a.criterion.key: a for a in last_year.assessments.get(village=xingou).answers.all()
        }
        for answer in Answer.objects.filter(assessment=assessment).select_related("criterion"):
            assert answer.carried_over
            old = earlier[answer.criterion.key]
            assert (answer.veto_occurred, answer.met, answer.value, answer.narrative) == (
                old.veto_occurred,
                old.met,
                old.value,
                old.narrative,
            )
        assert not Answer.objects.filter(assessment=assessment, criterion__key="publicity").exists()
        assert not assessment.evidence.exists()
        event = assessment.events.get(action=AssessmentEvent.Action.CARRIED_OVER)
        assert event.reason.startswith(
            f"沿用2024年度答案{len(carried)}项；新增或修改的条目须重新作答"
        )

    def test_carried_answers_must_be_confirmed_or_changed_before_submitting(
        self, this_year, people, xingou
    ):
        secretary = people["secretary"]
        assessment = this_year.assessments.get(village=xingou)
        services.start_from_last_year(actor=secretary, assessment_id=assessment.pk)
        assessment.refresh_from_db()
        missing = services.missing_for_submission(assessment, *workspace_parts(assessment))
        assert (
            sum("沿用上年的答案尚未确认" in item for item in missing)
            == len([c for c in criteria_of(assessment.standard) if c.is_judged]) - 2
        )

        cameras = Criterion.objects.get(
            standard=assessment.standard, key="technical-prevention.cameras"
        )
        confirmed = services.confirm_carried_answer(
            actor=secretary, assessment_id=assessment.pk, criterion_id=cameras.pk
        )
        assert not confirmed.carried_over and confirmed.version == 2
        with pytest.raises(InvalidTransition):
            services.confirm_carried_answer(
                actor=secretary, assessment_id=assessment.pk, criterion_id=cameras.pk
            )
        veto = Criterion.objects.filter(standard=assessment.standard, kind="veto").first()
        changed = services.save_answer(
            actor=secretary, assessment_id=assessment.pk, criterion_id=veto.pk, veto_occurred=False
        )
        assert not changed.carried_over

    def test_the_secretary_chooses_which_of_last_year_s_files_still_hold(
        self, this_year, last_year, people, xingou, cuiwang
    ):
        secretary = people["secretary"]
        assessment = this_year.assessments.get(village=xingou)
        old = last_year.assessments.get(village=xingou).evidence.get()
        copy = services.carry_evidence(
            actor=secretary, assessment_id=assessment.pk, evidence_id=old.pk
        )
        assert copy.carried_from == old and copy.assessment == assessment
        assert copy.criterion.standard == assessment.standard
        assert copy.criterion.key == old.criterion.key
        assert copy.file.name != old.file.name and copy.file.read() == old.file.read()
        with pytest.raises(InvalidTransition, match="已经沿用"):
            services.carry_evidence(
                actor=secretary, assessment_id=assessment.pk, evidence_id=old.pk
            )
        foreign = last_year.assessments.get(village=cuiwang).evidence.get()
        with pytest.raises(InvalidInput, match="只能沿用本村"):
            services.carry_evidence(
                actor=secretary, assessment_id=assessment.pk, evidence_id=foreign.pk
            )
        assert Evidence.objects.filter(assessment=assessment).count() == 1

    def test_the_workspace_offers_last_year_and_marks_what_is_carried_and_what_is_new(
        self, client, this_year, people, xingou
    ):
        assessment = this_year.assessments.get(village=xingou)
        client.force_login(people["secretary"])
        url = reverse("assessments:assessment_detail", args=[assessment.pk])
        assert "从2024年度答案开始" in client.get(url).text
        response = client.post(reverse("assessments:assessment_carry_over", args=[assessment.pk]))
        assert response.status_code == 302
        page = client.get(url).text
        assert "从2024年度答案开始" not in page
        assert page.count("沿用上年</span>") >= 20
        assert page.count("新增或修改的条目</span>") == 2
        cameras = Criterion.objects.get(
            standard=assessment.standard, key="technical-prevention.cameras"
        )
        detail = client.get(
            reverse("assessments:assessment_criterion", args=[assessment.pk, cameras.pk])
        ).text
        assert "确认沿用" in detail and "仍然有效，沿用" in detail


def test_a_save_from_an_older_copy_is_refused_and_the_newer_copy_shown(
    client, campaign, people, xingou
):
    secretary = people["secretary"]
    assessment = campaign.assessments.get(village=xingou)
    cameras = campaign.standard.criteria.get(key="technical-prevention.cameras")
    first = services.save_answer(
        actor=secretary,
        assessment_id=assessment.pk,
        criterion_id=cameras.pk,
        value=6,
        base_version=0,
    )
    assert first.version == 1
    with pytest.raises(StaleAnswer) as refused:
        services.save_answer(
            actor=secretary,
            assessment_id=assessment.pk,
            criterion_id=cameras.pk,
            value=3,
            base_version=0,
        )
    assert refused.value.current.version == 1
    assert Answer.objects.get(assessment=assessment, criterion=cameras).value == 6

    client.force_login(secretary)
    url = reverse("assessments:assessment_criterion", args=[assessment.pk, cameras.pk])
    page = client.post(url, {"value": "3", "narrative": "手机上的旧草稿", "base_version": "0"})
    assert page.status_code == 409
    assert "服务器上已有较新的答案(第1版" in page.text and "6个" in page.text
    assert "手机上的旧草稿" in page.text
    assert Answer.objects.get(assessment=assessment, criterion=cameras).value == 6
    again = client.post(url, {"value": "3", "narrative": "核对后确认", "base_version": "1"})
    assert again.status_code == 302
    assert Answer.objects.get(assessment=assessment, criterion=cameras).value == 3

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(actor=secretary)[1]}")
    stale = api.post(
        f"/api/v1/assessments/{assessment.pk}/answers/",
        {"criterion_id": cameras.pk, "value": "9", "base_version": 1},
        format="json",
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["version"] == 2 and stale.json()["current"]["value"] == "3.00"


def photo_taken_at(moment):
    image = Image.new("RGB", (64, 48), (20, 120, 40))
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = moment
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile("巡逻.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_evidence_keeps_the_period_it_covers_and_the_photo_s_capture_time(
    client, campaign, people, xingou
):
    secretary = people["secretary"]
    assessment = campaign.assessments.get(village=xingou)
    cameras = campaign.standard.criteria.get(key="technical-prevention.cameras")
    photo = services.add_evidence(
        actor=secretary,
        assessment_id=assessment.pk,
        criterion_id=cameras.pk,
        upload=photo_taken_at("2024:03:15 21:40:00"),
        covers_from=date(2024, 3, 1),
        covers_until=date(2024, 3, 31),
    )
    finish_photos()
    photo.refresh_from_db()
    assert timezone.localtime(photo.captured_at).isoformat() == "2024-03-15T21:40:00+08:00"
    assert (photo.covers_from, photo.covers_until) == (date(2024, 3, 1), date(2024, 3, 31))
    plain = services.add_evidence(
        actor=secretary,
        assessment_id=assessment.pk,
        criterion_id=cameras.pk,
        upload=files.pdf(),
        covers_from=date(2024, 4, 1),
    )
    assert plain.captured_at is None and plain.covers_until == date(2024, 4, 1)
    with pytest.raises(InvalidInput, match="起始日期不能晚于结束日期"):
        services.add_evidence(
            actor=secretary,
            assessment_id=assessment.pk,
            criterion_id=cameras.pk,
            upload=files.pdf(),
            covers_from=date(2024, 5, 1),
            covers_until=date(2024, 4, 1),
        )
    assert assessment.evidence.count() == 2

    client.force_login(secretary)
    page = client.get(
        reverse("assessments:assessment_criterion", args=[assessment.pk, cameras.pk])
    ).text
    assert "拍摄于 2024年3月15日 21:40" in page
    assert "所涉期间 2024年3月1日至2024年3月31日" in page
