"""责任到人: the secretary's team fills the assessment with them, item by item, down to the grid."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from assessments import services
from assessments.errors import IncompleteAssessment
from assessments.models import Answer, Assignment, AssignmentEvent, Criterion, Evidence
from assessments.reminders import reminders_for
from assessments.selectors import criteria_of
from audit.models import AuditEntry
from pingan.errors import InvalidInput, InvalidTransition, NotFound, NotPermitted
from pingan.sheets import write_table
from tests.factories import user_with_role
from tests.files import jpeg
from tests.helpers import answer_everything, finish_photos
from villages import services as village_services
from villages.models import Grid, Membership, User
from villages.team_imports import HEADERS

Role = Membership.Role
DUE = date.today() + timedelta(days=10)


@pytest.fixture
def assessment(campaign, xingou):
    return campaign.assessments.get(village=xingou)


def criterion(assessment, key):
    return Criterion.objects.get(standard=assessment.standard, key=key)


def assign(people, assessment, *keys, member=None):
    return services.assign_items(
        actor=people["secretary"],
        assessment_id=assessment.pk,
        criterion_ids=[criterion(assessment, key).pk for key in keys],
        assignee_id=(member or people["village_staff"]).pk,
        due_on=DUE,
    )


def fill_cameras(actor, assessment, value=6):
    cameras = criterion(assessment, "technical-prevention.cameras")
    services.save_answer(
        actor=actor, assessment_id=assessment.pk, criterion_id=cameras.pk, value=value
    )
    services.add_evidence(
        actor=actor, assessment_id=assessment.pk, criterion_id=cameras.pk, upload=jpeg()
    )
    finish_photos()
    return cameras


def test_a_member_fills_only_the_items_assigned_and_never_submits(people, assessment):
    member = people["village_staff"]
    (assignment,) = assign(people, assessment, "technical-prevention.cameras")
    cameras = fill_cameras(member, assessment)
    answer = Answer.objects.get(assessment=assessment, criterion=cameras)
    assert (answer.value, answer.updated_by) == (6, member)
    assert Evidence.objects.get(assessment=assessment, criterion=cameras).uploaded_by == member

    publicity = criterion(assessment, "publicity")
    with pytest.raises(NotPermitted):
        services.save_answer(
            actor=member, assessment_id=assessment.pk, criterion_id=publicity.pk, met=True
        )
    with pytest.raises(NotPermitted):
        services.add_evidence(
            actor=member, assessment_id=assessment.pk, criterion_id=publicity.pk, upload=jpeg()
        )
    with pytest.raises(NotPermitted):
        services.save_plan(
            actor=member, assessment_id=assessment.pk, plan_text="方案", outreach_text=""
        )
    with pytest.raises(NotPermitted):
        services.submit_assessment(actor=member, assessment_id=assessment.pk)
    assert not Answer.objects.filter(assessment=assessment, criterion=publicity).exists()
    assert Evidence.objects.filter(assessment=assessment).count() == 1

    # Once handed in, the item is the secretary's to judge: the member cannot change it.
    services.hand_in(actor=member, assignment_id=assignment.pk, note="6个探头均已接入")
    with pytest.raises(NotPermitted):
        services.save_answer(
            actor=member, assessment_id=assessment.pk, criterion_id=cameras.pk, value=2
        )
    assert Answer.objects.get(assessment=assessment, criterion=cameras).value == 6


def test_an_item_is_handed_in_only_when_answered_and_evidenced(people, assessment):
    member = people["village_staff"]
    (assignment,) = assign(people, assessment, "technical-prevention.cameras")
    with pytest.raises(InvalidInput, match="尚未作答"):
        services.hand_in(actor=member, assignment_id=assignment.pk)
    cameras = criterion(assessment, "technical-prevention.cameras")
    services.save_answer(
        actor=member, assessment_id=assessment.pk, criterion_id=cameras.pk, value=6
    )
    if cameras.evidence_required:
        with pytest.raises(InvalidInput, match="须上传佐证材料"):
            services.hand_in(actor=member, assignment_id=assignment.pk)
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ASSIGNED


def test_the_secretary_sends_back_accepts_and_alone_submits(people, assessment):
    secretary, member = people["secretary"], people["village_staff"]
    (assignment,) = assign(people, assessment, "technical-prevention.cameras")
    answer_everything(secretary, assessment)
    fill_cameras(member, assessment, value=4)
    services.hand_in(actor=member, assignment_id=assignment.pk)

    # A handed-in item holds up the submission until the secretary has looked at it.
    with pytest.raises(IncompleteAssessment, match="李网格已交回，请先验收或退回"):
        services.submit_assessment(actor=secretary, assessment_id=assessment.pk)
    with pytest.raises(InvalidInput, match="退回须写明"):
        services.send_back_assignment(actor=secretary, assignment_id=assignment.pk, note=" ")
    services.send_back_assignment(
        actor=secretary, assignment_id=assignment.pk, note="探头不足5个，请核实"
    )
    with pytest.raises(NotPermitted):
        services.accept_assignment(actor=member, assignment_id=assignment.pk)
    fill_cameras(member, assessment, value=6)
    services.hand_in(actor=member, assignment_id=assignment.pk)
    services.accept_assignment(actor=secretary, assignment_id=assignment.pk)
    services.submit_assessment(actor=secretary, assessment_id=assessment.pk)

    moves = list(
        AssignmentEvent.objects.filter(assignment=assignment)
        .order_by("occurred_at", "id")
        .values_list("actor__username", "from_status", "to_status", "reason")
    )
    assert moves == [
        (secretary.username, "", "assigned", f"交办给李网格，{DUE:%Y年%m月%d日}前完成"),
        (member.username, "assigned", "handed_in", ""),
        (secretary.username, "handed_in", "sent_back", "探头不足5个，请核实"),
        (member.username, "sent_back", "handed_in", ""),
        (secretary.username, "handed_in", "accepted", ""),
    ]
    audited = AuditEntry.objects.filter(action__startswith="assignmentevent.").values_list(
        "actor_id", flat=True
    )
    assert list(audited).count(member.pk) == 2 and list(audited).count(secretary.pk) == 3
    saved = AuditEntry.objects.filter(action="answer.saved", actor=member)
    assert saved.count() == 2


def test_a_group_assigns_every_item_under_it_and_a_handed_in_item_is_not_reassigned(
    people, assessment, xingou
):
    staffing = assign(people, assessment, "staffing")
    assert {a.criterion.key for a in staffing} == {
        "staffing.grid-worker",
        "staffing.police",
        "staffing.legal-adviser",
        "staffing.mediation-director",
        "staffing.mass-prevention",
    }
    (cameras,) = assign(people, assessment, "technical-prevention.cameras")
    fill_cameras(people["village_staff"], assessment)
    services.hand_in(actor=people["village_staff"], assignment_id=cameras.pk)
    other = user_with_role(Role.VILLAGE_STAFF, xingou, full_name="王辅警")
    with pytest.raises(InvalidTransition, match="已交回，请先验收或退回，再改派"):
        assign(people, assessment, "technical-prevention", member=other)
    cameras.refresh_from_db()
    assert (cameras.assignee, cameras.status) == (people["village_staff"], "handed_in")
    # The items not handed in passed to the new member in the same refused call: nothing.
    assert not Assignment.objects.filter(assignee=other).exists()


def test_only_a_member_of_the_village_team_is_assigned(people, assessment, cuiwang):
    stranger = user_with_role(Role.VILLAGE_STAFF, cuiwang)
    with pytest.raises(InvalidInput, match="本村\\(社区\\)在册的工作人员"):
        assign(people, assessment, "publicity", member=stranger)
    with pytest.raises(NotPermitted):
        services.assign_items(
            actor=people["village_staff"],
            assessment_id=assessment.pk,
            criterion_ids=[criterion(assessment, "publicity").pk],
            assignee_id=people["village_staff"].pk,
            due_on=DUE,
        )
    with pytest.raises(InvalidInput, match="不能早于今天"):
        services.assign_items(
            actor=people["secretary"],
            assessment_id=assessment.pk,
            criterion_ids=[criterion(assessment, "publicity").pk],
            assignee_id=people["village_staff"].pk,
            due_on=date.today() - timedelta(days=1),
        )
    assert not Assignment.objects.exists()


def test_a_member_through_the_pages(client, people, assessment, campaign, cuiwang):
    member = people["village_staff"]
    (assignment,) = assign(people, assessment, "technical-prevention.cameras")
    cameras = assignment.criterion
    publicity = criterion(assessment, "publicity")
    client.force_login(member)
    assert client.get(reverse("home"))["Location"] == reverse("assessments:my_assignments")
    page = client.get(reverse("assessments:my_assignments")).text
    assert cameras.title in page
    assert f"{DUE.month}月{DUE.day}日前完成" in page

    item = reverse("assessments:assessment_criterion", args=[assessment.pk, cameras.pk])
    assert 'id="answer-form"' in client.get(item).text
    saved = client.post(item, {"value": "6", "base_version": "0"})
    assert saved["Location"] == item
    upload = reverse("assessments:evidence_upload", args=[assessment.pk, cameras.pk])
    client.post(upload, {"file": jpeg()})
    finish_photos()

    # Another item: read, never written.
    other_item = reverse("assessments:assessment_criterion", args=[assessment.pk, publicity.pk])
    assert 'id="answer-form"' not in client.get(other_item).text
    assert client.post(other_item, {"met": "true"}).status_code == 403
    other_upload = reverse("assessments:evidence_upload", args=[assessment.pk, publicity.pk])
    assert client.post(other_upload, {"file": jpeg()}).status_code == 403
    assert not Answer.objects.filter(criterion=publicity).exists()
    assert not Evidence.objects.filter(criterion=publicity).exists()
    submit = reverse("assessments:assessment_submit", args=[assessment.pk])
    assert client.post(submit).status_code == 403
    assert (
        client.get(reverse("assessments:assessment_assignments", args=[assessment.pk])).status_code
        == 403
    )
    # Another village's assessment is not there at all.
    elsewhere = campaign.assessments.get(village=cuiwang)
    assert (
        client.get(reverse("assessments:assessment_detail", args=[elsewhere.pk])).status_code == 404
    )

    handed = client.post(
        reverse("assessments:assignment_hand_in", args=[assignment.pk]), {"note": "已拍照"}
    )
    assert handed.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.status, assignment.note) == ("handed_in", "已拍照")

    client.force_login(people["secretary"])
    table = client.get(reverse("assessments:assessment_assignments", args=[assessment.pk]))
    assert "1 项已交回，待您验收" in table.text
    client.post(
        reverse("assessments:assignment_send_back", args=[assignment.pk]), {"note": "照片不清楚"}
    )
    client.force_login(member)
    assert "书记退回：照片不清楚" in client.get(reverse("assessments:my_assignments")).text


def test_a_member_who_leaves_the_team_loses_their_reach_at_once(client, people, assessment):
    member = people["village_staff"]
    assign(people, assessment, "publicity")
    client.force_login(member)
    detail = reverse("assessments:assessment_detail", args=[assessment.pk])
    assert client.get(detail).status_code == 200
    membership = member.memberships.get()
    with pytest.raises(InvalidInput, match="说明调整原因"):
        village_services.end_team_membership(
            actor=people["secretary"],
            membership_id=membership.pk,
            village_id=membership.village_id,
            reason="",
        )
    village_services.end_team_membership(
        actor=people["secretary"],
        membership_id=membership.pk,
        village_id=membership.village_id,
        reason="岗位调整",
    )
    assert client.get(detail).status_code == 404
    with pytest.raises(NotFound):
        services.save_answer(
            actor=member,
            assessment_id=assessment.pk,
            criterion_id=criterion(assessment, "publicity").pk,
            met=True,
        )


def test_the_secretary_opens_an_account_whose_one_time_password_is_changed_first(
    client, people, xingou
):
    client.force_login(people["secretary"])
    team = reverse("villages:team", args=[xingou.pk])
    refused = client.post(
        team, {"action": "member", "full_name": "张调解", "phone": "123", "post": "治保调解主任"}
    )
    assert refused.status_code == 400 and "不是 11 位手机号" in refused.text
    assert not User.objects.filter(full_name="张调解").exists()
    added = client.post(
        team,
        {"action": "member", "full_name": "张调解", "phone": "13900001111", "post": "治保调解主任"},
    )
    password = added.context["password"]
    assert added.status_code == 200 and password in added.text and len(password) == 10
    assert password not in client.get(team).text
    created = User.objects.get(username="13900001111")
    assert created.password_must_change and created.check_password(password)
    assert created.memberships.get().post == "治保调解主任"
    entry = AuditEntry.objects.get(action="team.member_added")
    assert password not in str(entry.after)

    client.logout()
    client.post(reverse("login"), {"username": "13900001111", "password": password})
    assert client.get(reverse("home"))["Location"] == reverse("password_change")
    changed = client.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "Xingou-2024-safe",
            "new_password2": "Xingou-2024-safe",
        },
    )
    assert changed.status_code == 302
    assert client.get(reverse("home"))["Location"] == reverse("assessments:my_assignments")
    assert not User.objects.get(username="13900001111").password_must_change

    # The town office keeps a village's team too; the city office does not.
    client.force_login(people["town_office"])
    assert client.get(team).status_code == 200
    client.force_login(people["city_office"])
    assert client.get(team).status_code == 403


def test_evidence_tagged_with_a_grid_shows_which_grids_the_work_reached(
    client, people, assessment, xingou, cuiwang
):
    secretary, member = people["secretary"], people["village_staff"]
    first = village_services.save_grid(
        actor=secretary,
        village_id=xingou.pk,
        name="一网格",
        households=120,
        grid_worker_id=member.pk,
    )
    village_services.save_grid(actor=secretary, village_id=xingou.pk, name="二网格", households=96)
    foreign = Grid.objects.create(village=cuiwang, name="崔王一网格", households=80)
    (assignment,) = assign(people, assessment, "staffing.mass-prevention")
    item = assignment.criterion
    with pytest.raises(InvalidInput, match="不属于本村"):
        services.add_evidence(
            actor=member,
            assessment_id=assessment.pk,
            criterion_id=item.pk,
            upload=jpeg(),
            grid_id=foreign.pk,
        )
    client.force_login(member)
    client.post(
        reverse("assessments:evidence_upload", args=[assessment.pk, item.pk]),
        {"file": jpeg("夜巡.jpg"), "grid": str(first.pk)},
    )
    finish_photos()
    assert Evidence.objects.get(original_name="夜巡.jpg").grid == first
    client.force_login(people["town_office"])
    page = client.get(reverse("assessments:assessment_detail", args=[assessment.pk])).text
    assert "佐证材料已覆盖 <strong>1 / 2</strong> 个网格" in page


def test_reminders_reach_the_member_and_the_secretary(people, assessment):
    member, secretary = people["village_staff"], people["secretary"]
    (assignment,) = assign(people, assessment, "technical-prevention.cameras")
    texts = [r.text for r in reminders_for(member, DUE - timedelta(days=1))]
    assert any("书记交办" in text for text in texts)
    assert any("明天" in text or "还有1天" in text for text in texts)
    fill_cameras(member, assessment)
    services.hand_in(actor=member, assignment_id=assignment.pk)
    assert any("已交回" in r.text for r in reminders_for(secretary, date.today()))
    assert not reminders_for(member, date.today())


@pytest.mark.parametrize("count", [1, 15])
def test_the_team_pages_run_a_fixed_number_of_queries(
    client, people, assessment, count, django_assert_max_num_queries
):
    judged = [c for c in criteria_of(assessment.standard) if c.is_judged][:count]
    services.assign_items(
        actor=people["secretary"],
        assessment_id=assessment.pk,
        criterion_ids=[c.pk for c in judged],
        assignee_id=people["village_staff"].pk,
        due_on=DUE,
    )
    client.force_login(people["village_staff"])
    with django_assert_max_num_queries(8):
        assert client.get(reverse("assessments:my_assignments")).status_code == 200
    client.force_login(people["secretary"])
    with django_assert_max_num_queries(16):
        page = client.get(reverse("assessments:assessment_assignments", args=[assessment.pk]))
    assert page.text.count("李网格") >= count


def team_sheet(rows):
    return SimpleUploadedFile(
        "工作人员.xlsx",
        write_table("工作人员", HEADERS, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def test_the_administrator_imports_a_team_all_or_nothing_and_gets_the_passwords_once(
    client, people, xingou, cuiwang
):
    client.force_login(people["administrator"])
    address = reverse("villages:team_import")
    bad = [
        [xingou.code, "赵网格", "13900002222", "网格员", "一网格", 100],
        [cuiwang.code, "钱辅警", "1390000", "辅警", "", ""],
        ["429006104999", "孙律师", "13900003333", "法律顾问", "", "十"],
    ]
    refused = client.post(address, {"file": team_sheet(bad)})
    assert refused.status_code == 400
    for expected in (
        "第3行“手机号码”列应为 11 位手机号",
        "第4行“村(社区)统计用区划代码”列",
        "第4行“网格户数”",
    ):
        assert expected in refused.text
    assert not User.objects.filter(full_name__in=["赵网格", "钱辅警"]).exists()

    good = [
        [xingou.code, "赵网格", "13900002222", "网格员", "一网格", 100],
        [cuiwang.code, "钱辅警", "13900004444", "辅警", "", ""],
    ]
    preview = client.post(address, {"file": team_sheet(good)})
    assert preview.status_code == 200 and "预览(尚未写入)：2 人" in preview.text
    assert not User.objects.filter(username="13900002222").exists()
    accounts = client.post(address, {"confirm": "1", "token": preview.context["token"]})
    assert "xlsx" in accounts["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(accounts.content)).active
    listed = {row[3]: row[4] for row in sheet.iter_rows(min_row=2, values_only=True)}
    zhao = User.objects.get(username="13900002222")
    assert zhao.check_password(listed["13900002222"]) and zhao.password_must_change
    assert Grid.objects.get(village=xingou, name="一网格").grid_worker == zhao
    assert User.objects.get(username="13900004444").memberships.get().village == cuiwang
    client.force_login(people["secretary"])
    assert client.get(address).status_code == 403
