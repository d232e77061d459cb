"""The town's year: findings, the engine's verdict, a return, approval, the pass list, filing."""

import io
import re
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from assessments import services
from assessments.models import (
    Answer,
    Assessment,
    AssessmentEvent,
    Bulletin,
    Campaign,
    Criterion,
    Finding,
    PassList,
    PassListEntry,
)
from assessments.selectors import criteria_of, pass_rule_for
from assessments.verdict import evaluate
from audit.models import AuditEntry
from pingan.errors import InvalidInput, InvalidTransition, NotPermitted
from pingan.pdf import FONT_DIRECTORY
from tests.factories import user_with_role
from tests.helpers import answer_everything, new_campaign
from villages.models import Membership, Village

# Villages the town finds short: fewer cameras than the standard asks, or a declared veto.
FAILING = {"崔王村": "cameras", "别台村": "veto"}


def agree_with_everything(actor, assessment):
    criteria = [c for c in criteria_of(assessment.standard) if c.is_judged]
    services.save_findings(
        actor=actor,
        assessment_id=assessment.pk,
        findings=[{"criterion_id": c.pk, "agrees": True} for c in criteria],
    )


pytestmark = pytest.mark.usefixtures("module_base")


@pytest.fixture(scope="module")
def submitted_once(module_records, module_base):
    """Every village has submitted; 崔王村 with 4 cameras, 别台村 declaring an incident."""

    def build():
        base = module_base.fresh()
        campaign, people = base["campaign"], base["people"]
        for assessment in campaign.assessments.select_related("village"):
            name = assessment.village.name
            secretary = (
                people["secretary"]
                if name == "新沟村"
                else user_with_role(Membership.Role.SECRETARY, assessment.village)
            )
            answer_everything(
                secretary, assessment, cameras=4 if FAILING.get(name) == "cameras" else 6
            )
            if FAILING.get(name) == "veto":
                veto = Criterion.objects.get(
                    standard=campaign.standard, key="ten-none.mass-incident"
                )
                services.save_answer(
                    actor=secretary,
                    assessment_id=assessment.pk,
                    criterion_id=veto.pk,
                    veto_occurred=True,
                    narrative="3月发生一起群体性上访事件",
                )
            services.submit_assessment(actor=secretary, assessment_id=assessment.pk)
        return campaign

    return module_records.build(build)


@pytest.fixture
def submitted(db, submitted_once):
    return submitted_once.fresh()


def assess_all(campaign, town_office):
    for assessment in campaign.assessments.all():
        agree_with_everything(town_office, assessment)
        services.conclude_town_assessment(actor=town_office, assessment_id=assessment.pk)


def test_town_verdicts_follow_the_engine(submitted, people):
    town = people["town_office"]
    assess_all(submitted, town)
    rule = pass_rule_for(submitted.standard)
    for assessment in submitted.assessments.select_related("village"):
        findings = {f.criterion.key: f.to_judgement() for f in assessment.findings.all()}
        expected = evaluate(rule, findings)
        assert assessment.town_passed is expected.passed
        assert assessment.town_reasons == [str(r) for r in expected.reasons]
        assert assessment.status == Assessment.Status.TOWN_ASSESSED
        assert assessment.town_passed is (assessment.village.name not in FAILING)
    cuiwang = submitted.assessments.get(village__name="崔王村")
    assert cuiwang.town_reasons == [
        "五(2) 公共区域高清探头接入乡镇(街道)综治中心：实际4个，要求不少于5个"
    ]
    bietai = submitted.assessments.get(village__name="别台村")
    assert bietai.town_reasons == ["一(8) 无群体性事件：一票否决：已发生"]


def test_town_can_overrule_the_village(submitted, people, xingou):
    assessment = submitted.assessments.get(village=xingou)
    cameras = Criterion.objects.get(standard=submitted.standard, key="technical-prevention.cameras")
    with pytest.raises(InvalidInput, match="不同意时须写明意见"):
        services.save_finding(
            actor=people["town_office"],
            assessment_id=assessment.pk,
            criterion_id=cameras.pk,
            agrees=False,
            value=3,
        )
    agree_with_everything(people["town_office"], assessment)
    services.save_finding(
        actor=people["town_office"],
        assessment_id=assessment.pk,
        criterion_id=cameras.pk,
        agrees=False,
        value=3,
        comment="实地核查仅3个探头接入综治中心",
    )
    services.conclude_town_assessment(actor=people["town_office"], assessment_id=assessment.pk)
    assessment.refresh_from_db()
    assert assessment.town_passed is False
    assert "实际3个" in assessment.town_reasons[0]
    assert Answer.objects.get(assessment=assessment, criterion=cameras).value == Decimal(6)


def test_conclusion_needs_every_finding(submitted, people, xingou):
    assessment = submitted.assessments.get(village=xingou)
    with pytest.raises(InvalidInput, match="未考核"):
        services.conclude_town_assessment(actor=people["town_office"], assessment_id=assessment.pk)


def test_only_the_town_office_records_findings(submitted, people, xingou):
    assessment = submitted.assessments.get(village=xingou)
    veto = Criterion.objects.filter(standard=submitted.standard, kind="veto").first()
    for role in ["secretary", "town_leading_group", "city_office"]:
        with pytest.raises(NotPermitted):
            services.save_finding(
                actor=people[role], assessment_id=assessment.pk, criterion_id=veto.pk, agrees=True
            )
    assert not Finding.objects.exists()


def test_failed_batch_of_findings_saves_none(submitted, people, xingou):
    assessment = submitted.assessments.get(village=xingou)
    criteria = [c for c in criteria_of(submitted.standard) if c.is_judged]
    batch = [{"criterion_id": c.pk, "agrees": True} for c in criteria[:3]]
    batch.append({"criterion_id": criteria[3].pk, "agrees": False})
    with pytest.raises(InvalidInput):
        services.save_findings(
            actor=people["town_office"], assessment_id=assessment.pk, findings=batch
        )
    assert not Finding.objects.exists()


def test_whole_town_year_through_the_pages(client, submitted, people, xingou, private_media_root):
    town, leader = people["town_office"], people["town_leading_group"]
    campaign_url = reverse("assessments:campaign_detail", args=[submitted.pk])

    xingou_assessment = submitted.assessments.get(village=xingou)
    client.force_login(town)
    page = client.get(reverse("assessments:town_assessment", args=[xingou_assessment.pk]))
    assert page.status_code == 200
    form_data = {}
    for row in page.context["rows"]:
        if row["form"] is not None:
            form_data[f"c{row['criterion'].pk}-agrees"] = "true"
    response = client.post(
        reverse("assessments:town_assessment", args=[xingou_assessment.pk]), form_data
    )
    assert response.status_code == 302
    assert Finding.objects.filter(assessment=xingou_assessment).count() == 22

    publicity = Criterion.objects.get(standard=submitted.standard, key="publicity")
    client.post(
        reverse("assessments:assessment_return", args=[xingou_assessment.pk]),
        {f"criterion_{publicity.pk}": "宣传阵地照片不清晰"},
    )
    xingou_assessment.refresh_from_db()
    assert xingou_assessment.status == Assessment.Status.RETURNED
    client.force_login(people["secretary"])
    submit = reverse("assessments:assessment_submit", args=[xingou_assessment.pk])
    blocked = client.post(submit)
    assert blocked.status_code == 400
    assert any("镇平安办退回的条目" in item for item in blocked.context["missing"])
    client.post(
        reverse("assessments:returned_answer_keep", args=[xingou_assessment.pk, publicity.pk]),
        {"note": "照片已是原图，宣传栏现状如此"},
    )
    client.post(submit, {"confirmed": "yes"})

    client.force_login(town)
    close = reverse("assessments:campaign_close_self_assessment", args=[submitted.pk])
    question = client.post(close)
    assert "请确认：结束2024年度自评" in question.text and "提前结束" in question.text
    unreasoned = client.post(close, {"confirmed": "yes"})
    assert unreasoned.status_code == 400 and "须写明原因" in unreasoned.text
    assert Campaign.objects.get(pk=submitted.pk).status == Campaign.Status.SELF_ASSESSMENT
    client.post(close, {"confirmed": "yes", "reason": "各村(社区)均已提交"})
    client.force_login(leader)
    refused = client.post(reverse("assessments:campaign_approve", args=[submitted.pk]))
    assert refused.status_code == 409
    assert "尚未完成镇级考核" in refused.content.decode()
    assert Campaign.objects.get(pk=submitted.pk).status == Campaign.Status.TOWN_ASSESSMENT

    client.force_login(town)
    for assessment in submitted.assessments.all():
        client.post(
            reverse("assessments:town_assessment", args=[assessment.pk]),
            {f"c{c.pk}-agrees": "true" for c in criteria_of(submitted.standard) if c.is_judged},
        )
        client.post(reverse("assessments:town_assessment_conclude", args=[assessment.pk]))

    client.force_login(leader)
    preview = client.get(reverse("assessments:campaign_approve", args=[submitted.pk]))
    assert [a.village.name for a in preview.context["failed"]] == ["崔王村", "别台村"]
    assert "实际4个" in preview.content.decode()
    approve = reverse("assessments:campaign_approve", args=[submitted.pk])
    question = client.post(approve)
    assert "15 个村(社区)年度考评结果确定为“达标”，2 个确定为“不达标”" in question.text
    assert "此操作不能撤销" in question.text and "崔王村" in question.text
    assert Campaign.objects.get(pk=submitted.pk).status == Campaign.Status.TOWN_ASSESSMENT
    response = client.post(approve, {"confirmed": "yes"})
    assert response.status_code == 302
    again = client.post(approve, {"confirmed": "yes"})
    assert again.status_code == 409 and "不能重复审定" in again.content.decode()
    assert AssessmentEvent.objects.filter(action="approved").count() == 17
    results = dict(submitted.assessments.values_list("village__name", "result_passed"))
    assert results == {name: name not in FAILING for name in results}

    client.force_login(town)
    response = client.post(
        reverse("assessments:pass_list_edit", args=[submitted.pk]),
        {
            "document_number": "汪发2024-12",
            "title": "关于2024年度平安村(社区)达标名单的通报",
            "body": "各村(社区)党支部：\n现予通报。",
            "issuer": "中共汪场镇委员会",
            "issued_on": "2024-12-20",
        },
    )
    assert response.status_code == 400
    assert "六角括号" in response.content.decode()
    edit = client.get(reverse("assessments:pass_list_edit", args=[submitted.pk]))
    assert "共有15个村(社区)" in edit.context["form"].initial["body"]
    client.post(
        reverse("assessments:pass_list_edit", args=[submitted.pk]),
        {
            "document_number": "汪发〔2024〕12号",
            "title": "关于2024年度平安村(社区)达标名单的通报",
            "body": edit.context["form"].initial["body"],
            "issuer": "中共汪场镇委员会",
            "issued_on": "2024-12-20",
        },
    )
    assert client.get(reverse("assessments:pass_list_pdf", args=[submitted.pk])).status_code == 200
    question = client.post(reverse("assessments:campaign_file", args=[submitted.pk]))
    assert "请确认：报市委平安办备案：汪发〔2024〕12号" in question.text
    assert "15 个达标村(社区)锁定" in question.text
    assert Campaign.objects.get(pk=submitted.pk).status == Campaign.Status.APPROVED
    client.post(reverse("assessments:campaign_file", args=[submitted.pk]), {"confirmed": "yes"})
    campaign = Campaign.objects.get(pk=submitted.pk)
    assert campaign.status == Campaign.Status.FILED
    pass_list = PassList.objects.get(campaign=campaign)
    assert pass_list.pdf
    names = list(pass_list.entries.values_list("village_name", flat=True))
    assert len(names) == 15 and "崔王村" not in names and "别台村" not in names

    refused = client.post(
        reverse("assessments:pass_list_edit", args=[submitted.pk]),
        {
            "document_number": "汪发〔2024〕13号",
            "title": "篡改",
            "body": "x",
            "issuer": "x",
            "issued_on": "2024-12-21",
        },
    )
    assert refused.status_code == 409
    Village.objects.filter(name="新沟村").update(name="新沟社区")
    assert "新沟村" in list(PassListEntry.objects.values_list("village_name", flat=True))
    assert PassList.objects.get(pk=pass_list.pk).document_number == "汪发〔2024〕12号"

    client.force_login(people["city_office"])
    assert client.get(campaign_url).status_code == 200
    pdf = client.get(reverse("assessments:pass_list_pdf", args=[submitted.pk]))
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    sheet = client.get(reverse("assessments:pass_list_xlsx", args=[submitted.pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(sheet.content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[2] == ("序号", "村(社区)名称", "类型", "统计用区划代码")
    assert [row[1] for row in rows[3:]] == names


@pytest.fixture
def filed(submitted, people):
    town = people["town_office"]
    assess_all(submitted, town)
    services.close_self_assessment(
        actor=town, campaign_id=submitted.pk, reason="各村(社区)均已提交"
    )
    services.approve_campaign(actor=people["town_leading_group"], campaign_id=submitted.pk)
    services.save_pass_list(
        actor=town,
        campaign_id=submitted.pk,
        document_number="汪发〔2024〕12号",
        issued_on=date(2024, 12, 20),
        **services.default_pass_list_text(submitted, 15),
    )
    services.file_campaign(actor=town, campaign_id=submitted.pk)
    return PassList.objects.get(campaign=submitted)


def test_pass_list_pdf_embeds_its_font_and_names_only_passing_villages(filed, tmp_path):
    path = filed.pdf.path
    fonts = subprocess.run(["pdffonts", path], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and all(row[-5] == "yes" for row in rows), fonts
    assert any("NotoSerifSC" in row[0] or "Noto-Serif-SC" in row[0] for row in rows), fonts

    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    compact = text.replace(" ", "").replace("\n", "")
    assert "汪发〔2024〕12号" in compact
    assert "中共汪场镇委员会文件" in compact
    for entry in filed.entries.all():
        assert entry.village_name in compact
    assert "崔王村" not in compact and "别台村" not in compact
    assert "—1—" in compact

    covered = set()
    for name in ("NotoSerifSC-Regular.otf", "NotoSansSC-Regular.otf"):
        covered |= set(TTFont(FONT_DIRECTORY / name).getBestCmap())
    missing = {ch for ch in compact if ord(ch) not in covered}
    assert not missing, f"characters without a glyph would print as boxes: {missing}"

    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", path, str(tmp_path / "page")],
        check=True,
    )
    assert (tmp_path / "page-1.png").stat().st_size > 5000


def test_the_filed_pass_list_prints_the_checkpoint_that_proves_the_trail(filed, people):
    text = "".join(page.extract_text() for page in PdfReader(filed.pdf.path).pages)
    printed = re.search(r"审计检查点\s*(\d+:[0-9a-f]{16})", text.replace("\n", ""))
    assert printed is not None, text[-300:]
    assert printed.group(1) == filed.checkpoint.printed
    filing = AuditEntry.objects.get(action="passlist.filed", object_id=str(filed.pk))
    assert filing.sequence <= filed.checkpoint.sequence
    call_command("verify_audit", checkpoint=[printed.group(1)], verbosity=0)
    AuditEntry.objects.filter(pk=filing.pk).update(object_repr="改写")
    with pytest.raises(CommandError):
        call_command("verify_audit", checkpoint=[printed.group(1)])


def test_filing_twice_is_refused(filed, people):
    with pytest.raises(InvalidTransition):
        services.file_campaign(actor=people["town_office"], campaign_id=filed.campaign_id)
    assert filed.entries.count() == 15


def test_approval_is_the_leading_groups(submitted, people):
    assess_all(submitted, people["town_office"])
    services.close_self_assessment(
        actor=people["town_office"], campaign_id=submitted.pk, reason="各村(社区)均已提交"
    )
    with pytest.raises(NotPermitted):
        services.approve_campaign(actor=people["town_office"], campaign_id=submitted.pk)
    assert not submitted.assessments.filter(status="approved").exists()


def test_nothing_changes_after_approval(submitted, people, xingou):
    assess_all(submitted, people["town_office"])
    services.close_self_assessment(
        actor=people["town_office"], campaign_id=submitted.pk, reason="各村(社区)均已提交"
    )
    services.approve_campaign(actor=people["town_leading_group"], campaign_id=submitted.pk)
    assessment = submitted.assessments.get(village=xingou)
    with pytest.raises(InvalidTransition):
        services.return_assessment(
            actor=people["town_office"],
            assessment_id=assessment.pk,
            comments={},
            general_reason="x",
        )
    with pytest.raises(InvalidTransition):
        services.reopen_town_assessment(
            actor=people["town_office"], assessment_id=assessment.pk, reason="x"
        )


def test_agree_with_the_remaining_criteria_in_one_step(client, submitted, people, xingou):
    assessment = submitted.assessments.get(village=xingou)
    cameras = Criterion.objects.get(standard=submitted.standard, key="technical-prevention.cameras")
    services.save_finding(
        actor=people["town_office"],
        assessment_id=assessment.pk,
        criterion_id=cameras.pk,
        agrees=False,
        value=2,
        comment="实地只有2个",
    )
    client.force_login(people["town_office"])
    page = client.get(reverse("assessments:town_assessment", args=[assessment.pk]))
    assert [str(r) for r in page.context["assessed_reasons"]] == [
        "五(2) 公共区域高清探头接入乡镇(街道)综治中心：实际2个，要求不少于5个"
    ]
    client.post(
        reverse("assessments:town_assessment", args=[assessment.pk]), {"agree_remaining": "1"}
    )
    assert assessment.findings.count() == 22
    assert assessment.findings.get(criterion=cameras).value == Decimal(2)


def test_the_register_shows_the_secretary_and_the_cameras_the_town_confirmed(
    client, submitted, people, xingou, django_assert_max_num_queries
):
    assess_all(submitted, people["town_office"])
    town_office = people["town_office"]
    confirmed = f"6 个 （2024年度镇级考核核定，{town_office.display_name}）"
    client.force_login(town_office)
    detail = client.get(reverse("villages:detail", args=[xingou.pk])).text
    assert people["secretary"].display_name in detail
    assert confirmed.replace(" （", ' <span class="muted">（') in detail
    with django_assert_max_num_queries(12):
        register = client.get(reverse("villages:list")).text
    assert "2024年度镇级考核核定" in register
    assert people["secretary"].display_name in register
    Village.objects.filter(pk=xingou.pk).update(camera_count=9)
    detail = client.get(reverse("villages:detail", args=[xingou.pk])).text
    assert "9 个" in detail and "镇级考核核定" not in detail


@pytest.fixture
def year_2025(people, standards, wangchang):
    """A fresh year whose self-assessment deadline (2025年6月30日) has passed; nobody has
    submitted."""
    draft = new_campaign(people, wangchang, standards[0], 2025)
    return services.open_campaign(actor=people["town_office"], campaign_id=draft.pk)


def test_a_village_that_never_submitted_is_concluded_as_not_submitted(
    client, year_2025, people, cuiwang
):
    town = people["town_office"]
    absent = year_2025.assessments.get(village=cuiwang)
    with pytest.raises(InvalidTransition, match="结束自评"):
        services.conclude_without_submission(actor=town, assessment_id=absent.pk)
    services.close_self_assessment(actor=town, campaign_id=year_2025.pk, reason="到期")
    extended = year_2025.assessments.exclude(pk=absent.pk).first()
    services.extend_deadline(
        actor=town,
        assessment_id=extended.pk,
        due_date=date.today() + timedelta(days=10),
        reason="村委换届",
    )
    with pytest.raises(InvalidTransition, match="期限届满后"):
        services.conclude_without_submission(actor=town, assessment_id=extended.pk)

    client.force_login(town)
    concluded = reverse("assessments:town_assessment_not_submitted", args=[absent.pk])
    question = client.post(concluded)
    assert "请确认：认定崔王村未按期提交自评" in question.text and "重新考核" in question.text
    assert Assessment.objects.get(pk=absent.pk).status == Assessment.Status.NOT_STARTED
    client.post(concluded, {"confirmed": "yes"})
    absent.refresh_from_db()
    assert absent.status == Assessment.Status.TOWN_ASSESSED
    assert (absent.town_passed, absent.town_reasons) == (False, ["未按期提交自评"])
    event = absent.events.latest("id")
    assert (event.from_status, event.to_status, event.actor) == (
        "not_started",
        "town_assessed",
        town,
    )
    assert "未按期提交自评" in event.reason
    page = client.get(reverse("assessments:town_assessment", args=[absent.pk])).text
    assert "镇级考核结果：不达标" in page and "重新考核" in page
    assert reverse("assessments:assessment_return", args=[absent.pk]) not in page
    with pytest.raises(InvalidTransition, match="没有可退回的内容"):
        services.return_assessment(
            actor=town, assessment_id=absent.pk, comments={}, general_reason="x"
        )

    services.reopen_town_assessment(actor=town, assessment_id=absent.pk, reason="误认定")
    absent.refresh_from_db()
    assert absent.status == Assessment.Status.NOT_STARTED and absent.town_passed is None
    assert absent.is_editable


def test_a_return_left_unanswered_is_concluded_too(submitted, people, cuiwang):
    town = people["town_office"]
    returned = submitted.assessments.get(village=cuiwang)
    services.return_assessment(
        actor=town, assessment_id=returned.pk, comments={}, general_reason="请补充"
    )
    services.close_self_assessment(actor=town, campaign_id=submitted.pk, reason="到期")
    Campaign.objects.filter(pk=submitted.pk).update(self_assessment_due=date(2024, 6, 30))
    services.conclude_without_submission(actor=town, assessment_id=returned.pk)
    services.reopen_town_assessment(actor=town, assessment_id=returned.pk, reason="误认定")
    assert Assessment.objects.get(pk=returned.pk).status == Assessment.Status.RETURNED


def test_absence_never_blocks_approval(year_2025, people, xingou):
    town = people["town_office"]
    mine = year_2025.assessments.get(village=xingou)
    answer_everything(people["secretary"], mine)
    services.submit_assessment(actor=people["secretary"], assessment_id=mine.pk)
    agree_with_everything(town, mine)
    services.conclude_town_assessment(actor=town, assessment_id=mine.pk)
    services.close_self_assessment(actor=town, campaign_id=year_2025.pk, reason="到期")
    for absent in year_2025.assessments.exclude(pk=mine.pk):
        services.conclude_without_submission(actor=town, assessment_id=absent.pk)
    services.approve_campaign(actor=people["town_leading_group"], campaign_id=year_2025.pk)
    results = dict(year_2025.assessments.values_list("village__name", "result_passed"))
    assert results.pop("新沟村") is True and set(results.values()) == {False}


def test_concluding_too_early_marks_the_rows_on_the_review_page(client, submitted, people, xingou):
    assessment = submitted.assessments.get(village=xingou)
    first = Criterion.objects.filter(standard=submitted.standard, kind="veto").first()
    services.save_finding(
        actor=people["town_office"], assessment_id=assessment.pk, criterion_id=first.pk, agrees=True
    )
    client.force_login(people["town_office"])
    response = client.post(reverse("assessments:town_assessment_conclude", args=[assessment.pk]))
    assert response.status_code == 400
    assert "尚有 21 条未镇级考核，已在下方标出" in response.text
    assert "操作未完成" not in response.text
    marked = [row["criterion"] for row in response.context["rows"] if row["unassessed"]]
    assert len(marked) == 21 and first not in marked
    assert response.text.count('class="unassessed"') == 21
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.SUBMITTED


def test_a_document_number_is_given_once_by_its_body(filed, people, xingou):
    pass_list, campaign = filed, filed.campaign
    services.record_inspection(
        actor=people["town_office"],
        village_id=xingou.pk,
        inspected_on=date(2024, 12, 1),
        inspectors="检查组",
        summary="",
        findings=[
            {
                "criterion_id": Criterion.objects.get(
                    standard=campaign.standard, key="technical-prevention.cameras"
                ).pk,
                "met": False,
                "comment": "探头不足",
                "deadline": date(2024, 12, 31),
            }
        ],
    )
    with pytest.raises(InvalidInput, match="已用于达标名单通报"):
        services.issue_bulletin(
            actor=people["town_office"],
            town=campaign.town,
            document_number=pass_list.document_number,
            title="通报",
            body="正文",
            issuer="中共汪场镇委员会",
            issued_on=date(2024, 12, 22),
            villages=[xingou],
        )
    assert not Bulletin.objects.exists()


def test_a_draft_pass_list_is_its_authors_and_approvers_in_every_format(client, submitted, people):
    town = people["town_office"]
    assess_all(submitted, town)
    services.close_self_assessment(actor=town, campaign_id=submitted.pk, reason="到期")
    services.approve_campaign(actor=people["town_leading_group"], campaign_id=submitted.pk)
    services.save_pass_list(
        actor=town,
        campaign_id=submitted.pk,
        document_number="汪发〔2024〕12号",
        issued_on=date(2024, 12, 20),
        **services.default_pass_list_text(submitted, 15),
    )
    sheet = reverse("assessments:pass_list_xlsx", args=[submitted.pk])
    preview = reverse("assessments:pass_list_pdf", args=[submitted.pk])
    for role, expected in [
        ("town_office", 200),
        ("town_leading_group", 200),
        ("secretary", 403),
        ("city_office", 403),
    ]:
        client.force_login(people[role])
        assert client.get(sheet).status_code == expected, role
        assert client.get(preview).status_code == expected, role
    services.file_campaign(actor=town, campaign_id=submitted.pk)
    client.force_login(people["secretary"])
    assert client.get(sheet).status_code == 200


def test_a_returned_assessment_is_not_concluded_on_its_earlier_findings(submitted, people, xingou):
    town = people["town_office"]
    assessment = submitted.assessments.get(village=xingou)
    agree_with_everything(town, assessment)
    services.return_assessment(
        actor=town, assessment_id=assessment.pk, comments={}, general_reason="请补充"
    )
    with pytest.raises(InvalidTransition, match="只有已提交的自评可以完成镇级考核"):
        services.conclude_town_assessment(actor=town, assessment_id=assessment.pk)
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.RETURNED
