"""The secretary's self-assessment, through the pages: plan, answers, evidence, submit, return."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from assessments import services
from assessments.models import Answer, Assessment, AssessmentEvent, Criterion, Evidence
from pingan.errors import InvalidInput, InvalidTransition, NotFound, NotPermitted
from tests.factories import user_with_role
from tests.files import jpeg
from tests.helpers import answer_everything, finish_photos
from villages.models import Membership


@pytest.fixture
def assessment(campaign, xingou):
    return campaign.assessments.get(village=xingou)


@pytest.fixture
def other_assessment(campaign, cuiwang):
    return campaign.assessments.get(village=cuiwang)


def criteria(assessment, kind):
    return Criterion.objects.filter(standard=assessment.standard, kind=kind).order_by("order")


def url(name, *args):
    return reverse(f"assessments:{name}", args=args)


def test_whole_self_assessment_through_the_pages(client, people, assessment, xingou):
    secretary = people["secretary"]
    client.force_login(secretary)

    assert client.get(reverse("assessments:my_assessment"))["Location"] == url(
        "assessment_detail", assessment.pk
    )
    response = client.post(
        url("assessment_plan", assessment.pk),
        {"plan_text": "新沟村2024年平安创建方案", "outreach_text": "延伸到8个湾组"},
    )
    assert response.status_code == 302

    for criterion in criteria(assessment, Criterion.Kind.VETO):
        response = client.post(
            url("assessment_criterion", assessment.pk, criterion.pk), {"veto_occurred": "false"}
        )
        assert response.status_code == 302
    for criterion in criteria(assessment, Criterion.Kind.REQUIREMENT):
        client.post(
            url("assessment_criterion", assessment.pk, criterion.pk),
            {"met": "true", "narrative": "已落实，见台账"},
        )
    cameras = criteria(assessment, Criterion.Kind.THRESHOLD).get()
    page = client.get(url("assessment_criterion", assessment.pk, cameras.pk))
    assert page.context["form"].initial["value"] == xingou.camera_count
    client.post(url("assessment_criterion", assessment.pk, cameras.pk), {"value": "6"})

    response = client.post(
        url("evidence_upload", assessment.pk, cameras.pk), {"file": jpeg("探头.jpg")}, follow=True
    )
    assert "已上传“探头.jpg”" in response.content.decode()
    finish_photos()
    evidence = Evidence.objects.get(assessment=assessment)
    assert evidence.thumbnail
    assert "探头" not in evidence.file.name

    overview = client.get(url("assessment_detail", assessment.pk))
    assert overview.context["answered"] == overview.context["judged"] == 22
    question = client.post(url("assessment_submit", assessment.pk))
    assert "请确认：提交2024年度自评" in question.text and "联系镇平安办退回" in question.text
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.IN_PROGRESS
    response = client.post(
        url("assessment_submit", assessment.pk), {"confirmed": "yes"}, follow=True
    )
    assert "自评已提交" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED
    assert not assessment.submitted_late

    town = people["town_office"]
    client.force_login(town)
    response = client.post(
        url("assessment_return", assessment.pk),
        {f"criterion_{cameras.pk}": "探头接入截图不清晰，请重新上传", "general_reason": ""},
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.RETURNED

    client.force_login(secretary)
    overview = client.get(url("assessment_detail", assessment.pk)).content.decode()
    assert "探头接入截图不清晰" in overview and "退回修改" in overview
    client.post(url("evidence_upload", assessment.pk, cameras.pk), {"file": jpeg("新截图.jpg")})
    finish_photos()
    client.post(url("assessment_submit", assessment.pk), {"confirmed": "yes"})
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED

    history = list(
        AssessmentEvent.objects.filter(assessment=assessment)
        .order_by("id")
        .values_list("action", "from_status", "to_status", "actor")
    )
    assert history == [
        ("started", "not_started", "in_progress", secretary.pk),
        ("submitted", "in_progress", "submitted", secretary.pk),
        ("returned", "submitted", "returned", town.pk),
        ("submitted", "returned", "submitted", secretary.pk),
    ]
    returned = AssessmentEvent.objects.get(action="returned")
    assert returned.comments.get().criterion == cameras


def test_submission_lists_every_missing_item_and_changes_nothing(client, people, assessment):
    client.force_login(people["secretary"])
    veto = criteria(assessment, Criterion.Kind.VETO).first()
    client.post(url("assessment_criterion", assessment.pk, veto.pk), {"veto_occurred": "false"})
    response = client.post(url("assessment_submit", assessment.pk))
    assert response.status_code == 400
    missing = response.context["missing"]
    assert missing[0] == "尚未填写或上传创建方案。"
    assert len([m for m in missing if "尚未作答" in m]) == 21
    assert any("五(2)" in m and "须上传佐证材料" in m for m in missing)
    assert "自评尚未完成，不能提交" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.IN_PROGRESS


def test_one_missing_answer_is_named(people, assessment):
    answer_everything(people["secretary"], assessment)
    Answer.objects.filter(assessment=assessment, criterion__key="publicity").delete()
    with pytest.raises(InvalidInput) as refused:
        services.submit_assessment(actor=people["secretary"], assessment_id=assessment.pk)
    assert refused.value.missing == ["七 平安建设宣传有阵地、有声势，氛围浓厚：尚未作答。"]


def test_declared_veto_needs_a_description(client, people, assessment):
    client.force_login(people["secretary"])
    veto = criteria(assessment, Criterion.Kind.VETO).first()
    response = client.post(
        url("assessment_criterion", assessment.pk, veto.pk), {"veto_occurred": "true"}
    )
    assert response.status_code == 400
    assert "须说明发生的案事件情况" in response.content.decode()
    assert not Answer.objects.filter(assessment=assessment).exists()


def test_submitted_assessment_refuses_a_forged_post(client, people, assessment):
    answer_everything(people["secretary"], assessment)
    services.submit_assessment(actor=people["secretary"], assessment_id=assessment.pk)
    veto = criteria(assessment, Criterion.Kind.VETO).first()
    before = list(Answer.objects.filter(assessment=assessment).values())
    client.force_login(people["secretary"])
    response = client.post(
        url("assessment_criterion", assessment.pk, veto.pk),
        {"veto_occurred": "true", "narrative": "篡改"},
    )
    assert response.status_code == 409
    assert "不能再修改" in response.content.decode()
    plan = client.post(url("assessment_plan", assessment.pk), {"plan_text": "篡改"})
    assert plan.status_code == 409
    upload = client.post(
        url("evidence_upload", assessment.pk, veto.pk), {"file": jpeg()}, follow=True
    )
    assert "不能再修改" in upload.content.decode()
    assert list(Answer.objects.filter(assessment=assessment).values()) == before
    assert Evidence.objects.filter(assessment=assessment).count() == 1
    assessment.refresh_from_db()
    assert assessment.plan_text.startswith("一、目标任务")


def test_another_villages_secretary_gets_404_everywhere(client, people, assessment):
    answer_everything(people["secretary"], assessment)
    evidence = Evidence.objects.filter(assessment=assessment).first()
    veto = criteria(assessment, Criterion.Kind.VETO).first()
    from tests.factories import user_with_role
    from villages.models import Membership, Village

    stranger = user_with_role(Membership.Role.SECRETARY, Village.objects.get(name="崔王村"))
    client.force_login(stranger)
    for address in [
        url("assessment_detail", assessment.pk),
        url("assessment_plan", assessment.pk),
        url("assessment_criterion", assessment.pk, veto.pk),
        url("evidence_download", evidence.pk),
        url("evidence_thumbnail", evidence.pk),
    ]:
        assert client.get(address).status_code == 404, address
    for address in [
        url("assessment_submit", assessment.pk),
        url("assessment_criterion", assessment.pk, veto.pk),
        url("evidence_upload", assessment.pk, veto.pk),
        url("evidence_withdraw", evidence.pk),
        url("assessment_return", assessment.pk),
    ]:
        assert client.post(address).status_code == 404, address
    assert Evidence.objects.get(pk=evidence.pk).withdrawn_at is None


def test_town_office_reads_but_does_not_fill(client, people, assessment):
    client.force_login(people["town_office"])
    assert client.get(url("assessment_detail", assessment.pk)).status_code == 200
    assert client.get(url("assessment_plan", assessment.pk)).status_code == 403
    veto = criteria(assessment, Criterion.Kind.VETO).first()
    response = client.post(
        url("assessment_criterion", assessment.pk, veto.pk), {"veto_occurred": "false"}
    )
    assert response.status_code == 403
    with pytest.raises(NotPermitted):
        services.save_answer(
            actor=people["town_office"],
            assessment_id=assessment.pk,
            criterion_id=veto.pk,
            veto_occurred=False,
        )


def test_a_refused_save_is_refused_whether_or_not_its_form_is_valid(client, people, assessment):
    veto = criteria(assessment, Criterion.Kind.VETO).first()
    client.force_login(people["town_office"])
    for data in ({"veto_occurred": "false"}, {"veto_occurred": "不知道"}):
        response = client.post(url("assessment_criterion", assessment.pk, veto.pk), data)
        assert response.status_code == 403, data
    assert not Answer.objects.filter(assessment=assessment, criterion=veto).exists()


def test_a_save_reads_its_assessment_once_locked_and_scoped(
    client, people, assessment, django_assert_max_num_queries
):
    """The form is built from the item alone; the service reads the assessment once, locked,
    with its campaign and places, and within the user's reach. (Within a test's transaction
    the items, and the standard an item is of, are read each time they are needed, four of
    the statements; a pinned standard's are kept.)"""
    veto = criteria(assessment, Criterion.Kind.VETO).first()
    client.force_login(people["secretary"])
    client.post(url("assessment_criterion", assessment.pk, veto.pk), {"veto_occurred": "false"})
    with django_assert_max_num_queries(15) as captured:
        response = client.post(
            url("assessment_criterion", assessment.pk, veto.pk), {"veto_occurred": "false"}
        )
    assert response.status_code == 302
    reads = [
        q["sql"] for q in captured.captured_queries if 'FROM "assessments_assessment"' in q["sql"]
    ]
    assert len(reads) == 1
    assert 'JOIN "villages_region"' in reads[0]
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in reads[0]


def test_a_change_out_of_reach_is_not_found_as_a_missing_one(people, assessment, cuiwang):
    stranger = user_with_role(Membership.Role.SECRETARY, cuiwang)
    veto = criteria(assessment, Criterion.Kind.VETO).first()
    for actor, assessment_id in [
        (stranger, assessment.pk),
        (people["secretary"], assessment.pk + 10_000),
    ]:
        with pytest.raises(NotFound):
            services.save_answer(
                actor=actor, assessment_id=assessment_id, criterion_id=veto.pk, veto_occurred=False
            )
    assert not Answer.objects.filter(assessment=assessment).exists()


def test_a_valid_change_out_of_reach_is_a_404_and_changes_nothing(client, assessment, cuiwang):
    client.force_login(user_with_role(Membership.Role.SECRETARY, cuiwang))
    veto = criteria(assessment, Criterion.Kind.VETO).first()
    saved = client.post(
        url("assessment_criterion", assessment.pk, veto.pk), {"veto_occurred": "false"}
    )
    uploaded = client.post(url("evidence_upload", assessment.pk, veto.pk), {"file": jpeg()})
    assert (saved.status_code, uploaded.status_code) == (404, 404)
    assert "未找到该村(社区)的创建考评" in saved.content.decode()
    assert not Answer.objects.filter(assessment=assessment).exists()
    assert not Evidence.objects.filter(assessment=assessment).exists()


def test_return_needs_a_reason_and_a_submitted_assessment(people, assessment):
    with pytest.raises(InvalidTransition):
        services.return_assessment(
            actor=people["town_office"],
            assessment_id=assessment.pk,
            comments={},
            general_reason="x",
        )
    answer_everything(people["secretary"], assessment)
    services.submit_assessment(actor=people["secretary"], assessment_id=assessment.pk)
    with pytest.raises(InvalidInput, match="须写明原因"):
        services.return_assessment(
            actor=people["town_office"], assessment_id=assessment.pk, comments={1: "  "}
        )
    with pytest.raises(NotPermitted):
        services.return_assessment(
            actor=people["town_leading_group"],
            assessment_id=assessment.pk,
            comments={},
            general_reason="不行",
        )
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED


def test_late_submission_is_marked_and_extension_is_recorded(client, people, assessment):
    Assessment.objects.filter(pk=assessment.pk).update(due_date=date.today() - timedelta(days=3))
    answer_everything(people["secretary"], assessment)
    event = services.submit_assessment(actor=people["secretary"], assessment_id=assessment.pk)
    assessment.refresh_from_db()
    assert assessment.submitted_late and event.reason == "逾期提交"

    other = Assessment.objects.get(campaign=assessment.campaign, village__name="崔王村")
    Assessment.objects.filter(pk=other.pk).update(due_date=date.today() - timedelta(days=1))
    client.force_login(people["town_office"])
    response = client.post(
        url("assessment_extend", other.pk),
        {"due_date": (date.today() + timedelta(days=10)).isoformat(), "reason": "村两委换届"},
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.due_date == date.today() + timedelta(days=10)
    extension = other.events.get(action=AssessmentEvent.Action.DEADLINE_EXTENDED)
    assert "村两委换届" in extension.reason
    with pytest.raises(InvalidInput, match="须晚于"):
        services.extend_deadline(
            actor=people["town_office"],
            assessment_id=other.pk,
            due_date=date.today(),
            reason="再延",
        )


def test_answer_keeps_only_the_field_of_its_kind(people, assessment):
    cameras = criteria(assessment, Criterion.Kind.THRESHOLD).get()
    answer = services.save_answer(
        actor=people["secretary"],
        assessment_id=assessment.pk,
        criterion_id=cameras.pk,
        value="5",
        met=True,
        veto_occurred=True,
    )
    assert (answer.value, answer.met, answer.veto_occurred) == (Decimal("5.00"), None, None)
    with pytest.raises(InvalidInput, match="数字"):
        services.save_answer(
            actor=people["secretary"],
            assessment_id=assessment.pk,
            criterion_id=cameras.pk,
            value="五个",
        )


def test_criterion_of_another_standard_is_refused(people, assessment, standards):
    foreign = standards[1].criteria.exclude(kind=Criterion.Kind.GROUP).first()
    with pytest.raises(InvalidInput, match="不属于本年度创建标准"):
        services.save_answer(
            actor=people["secretary"],
            assessment_id=assessment.pk,
            criterion_id=foreign.pk,
            met=True,
        )


def test_overview_queries_are_constant(client, people, assessment, django_assert_max_num_queries):
    answer_everything(people["secretary"], assessment)
    client.force_login(people["secretary"])
    with django_assert_max_num_queries(16):
        client.get(url("assessment_detail", assessment.pk))


@pytest.fixture
def returned(people, assessment):
    """新沟村 submitted, then returned with two criteria and an overall comment."""
    answer_everything(people["secretary"], assessment)
    services.submit_assessment(actor=people["secretary"], assessment_id=assessment.pk)
    cameras = Criterion.objects.get(
        standard=assessment.standard, key="technical-prevention.cameras"
    )
    publicity = Criterion.objects.get(standard=assessment.standard, key="publicity")
    services.return_assessment(
        actor=people["town_office"],
        assessment_id=assessment.pk,
        comments={cameras.pk: "探头数量与台账不符", publicity.pk: "宣传栏照片不清晰"},
        general_reason="请逐项核对",
    )
    return cameras, publicity


def test_each_returned_criterion_is_answered_before_resubmission(
    client, people, assessment, returned
):
    cameras, publicity = returned
    client.force_login(people["secretary"])
    home = client.get(reverse("home")).text
    assert "镇平安办退回了 2 个条目，并附整体意见：请逐项核对" in home
    assert "各项已填写完整，可以提交" not in home
    overview = client.get(url("assessment_detail", assessment.pk)).text
    assert "退回修改 2 个条目" in overview and "尚有 2 个退回条目待处理" in overview

    refused = client.post(url("assessment_submit", assessment.pk), {"confirmed": "yes"})
    assert refused.status_code == 400
    assert sum("镇平安办退回的条目" in item for item in refused.context["missing"]) == 2
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.RETURNED

    client.post(url("assessment_criterion", assessment.pk, cameras.pk), {"value": "7"})
    unnoted = client.post(url("returned_answer_keep", assessment.pk, publicity.pk), {"note": ""})
    assert unnoted.status_code == 400 and "须说明理由" in unnoted.text
    client.post(
        url("returned_answer_keep", assessment.pk, publicity.pk), {"note": "照片为原图，现状如此"}
    )
    comments = {
        c.criterion_id: c for c in AssessmentEvent.objects.get(action="returned").comments.all()
    }
    assert comments[cameras.pk].answered_at and comments[cameras.pk].kept_note == ""
    assert comments[publicity.pk].kept_note == "照片为原图，现状如此"
    assert comments[publicity.pk].answered_by == people["secretary"]
    assert "各项已填写完整，可以提交" in client.get(reverse("home")).text

    client.post(url("assessment_submit", assessment.pk), {"confirmed": "yes"})
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.SUBMITTED


def test_a_criterion_that_was_not_returned_cannot_be_kept(people, assessment, returned):
    veto = criteria(assessment, Criterion.Kind.VETO).first()
    with pytest.raises(InvalidTransition, match="没有待处理的退回意见"):
        services.keep_returned_answer(
            actor=people["secretary"], assessment_id=assessment.pk, criterion_id=veto.pk, note="无"
        )


def test_the_veto_items_are_confirmed_on_one_page_each_as_its_own_answer(
    client, people, assessment
):
    vetoes = list(criteria(assessment, Criterion.Kind.VETO))
    first = vetoes[0]
    services.save_answer(
        actor=people["secretary"],
        assessment_id=assessment.pk,
        criterion_id=first.pk,
        veto_occurred=True,
        narrative="3月发生一起命案",
    )
    client.force_login(people["secretary"])
    overview = client.get(url("assessment_detail", assessment.pk)).text
    assert f"一次确认一票否决事项({len(vetoes) - 1} 项待填)" in overview
    page = client.get(url("assessment_vetoes", assessment.pk))
    assert f'name="veto_{first.pk}"' not in page.text
    assert sum(row["open"] for row in page.context["rows"]) == len(vetoes) - 1
    response = client.post(
        url("assessment_vetoes", assessment.pk),
        {f"veto_{c.pk}": "not_occurred" for c in vetoes[1:]},
        follow=True,
    )
    assert f"已确认 {len(vetoes) - 1} 项未发生" in response.text
    answers = Answer.objects.filter(assessment=assessment, criterion__in=vetoes)
    assert answers.count() == len(vetoes)
    assert answers.get(criterion=first).veto_occurred is True
    assert set(answers.exclude(criterion=first).values_list("veto_occurred", "version")) == {
        (False, 1)
    }


def test_the_veto_page_refuses_an_item_that_is_not_a_veto(people, assessment):
    cameras = Criterion.objects.get(
        standard=assessment.standard, key="technical-prevention.cameras"
    )
    with pytest.raises(InvalidInput, match="一票否决事项"):
        services.confirm_vetoes_not_occurred(
            actor=people["secretary"], assessment_id=assessment.pk, criterion_ids=[cameras.pk]
        )
    assert not Answer.objects.exists()


def test_a_criterion_page_reads_as_the_secretary_expects(client, people, assessment):
    cameras = Criterion.objects.get(
        standard=assessment.standard, key="technical-prevention.cameras"
    )
    judged = list(
        Criterion.objects.filter(standard=assessment.standard)
        .exclude(kind="group")
        .order_by("order", "id")
    )
    client.force_login(people["secretary"])
    page = client.get(url("assessment_criterion", assessment.pk, cameras.pk)).text
    assert f"第 {judged.index(cameras) + 1}/22 项" in page
    assert "Base version" not in page
    assert "要求不少于5个" in page
    assert page.index('action="' + url("evidence_upload", assessment.pk, cameras.pk)) < page.index(
        "保存并继续"
    )
    short = client.post(
        url("assessment_criterion", assessment.pk, cameras.pk), {"value": "3"}, follow=True
    )
    assert "实际3个，要求不少于5个，本条目不达标" in short.text
    Answer.objects.filter(assessment=assessment, criterion=cameras).update(value=Decimal("8.00"))
    again = client.get(url("assessment_criterion", assessment.pk, cameras.pk)).text
    assert 'value="8"' in again and "8.00" not in again
