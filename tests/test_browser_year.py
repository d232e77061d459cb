"""The whole year in Chromium, each person signing in through the login page."""

import io
import os
import re
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from assessments import services
from assessments.models import Answer, Assessment, Campaign, Evidence, Finding, Title
from assessments.selectors import criteria_of
from tests import files
from tests.helpers import answer_everything, finish_photos, run_town_year, secretary_of

PASSWORD = "correct-horse-battery"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
AXE = Path(__file__).parent / "assets" / "axe-4.14.1.min.js"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"

pytestmark = pytest.mark.browser


def snap(page, name, tmp_path):
    """Keep a screenshot; `make screenshots` writes them to docs/screenshots for the README."""
    folder = SCREENSHOTS if os.environ.get("PINGAN_SCREENSHOTS") else tmp_path
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def sign_in(page, server, user):
    page.goto(f"{server}/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".who-name")).to_be_visible()


def accessible(page):
    """axe-core finds no serious or critical violation on the page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])})"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{page.url}: {bad}"


def answer_on_the_phone(page):
    """Open the first criterion and answer each in turn until back on the overview."""
    page.locator(".criterion-row a").first.click()
    while "/criteria/" in page.url:
        accessible(page)
        if page.get_by_text("(必须上传)").count() and page.get_by_text("尚未上传佐证材料").count():
            page.locator("input[type=file]").set_input_files(
                files={"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": files.jpeg().read()}
            )
            page.get_by_role("button", name="上传", exact=True).click()
            expect(page.get_by_text("已上传“现场.jpg”")).to_be_visible()
            finish_photos()
        if page.locator("input[name=veto_occurred][value=false]").count():
            page.locator("input[name=veto_occurred][value=false]").check()
        elif page.locator("input[name=met][value=true]").count():
            page.locator("input[name=met][value=true]").check()
            page.get_by_label("情况说明").fill("已落实，台账齐全")
        elif page.locator("input[name=value]").count():
            page.get_by_label(re.compile("实际数量")).fill("6")
        with page.expect_navigation():
            page.get_by_role("button", name="保存并继续").click()


@pytest.fixture
def year(campaign, people, xingou, cuiwang):
    """Every village but 新沟村 has already submitted when the secretary picks up her phone."""
    call_command("loaddata", "fixtures/sampling_rules.json", verbosity=0)
    secretaries = {}
    for assessment in campaign.assessments.exclude(village=xingou).select_related("village"):
        secretary = secretary_of(assessment.village, secretaries)
        secretaries[assessment.village.pk] = secretary
        answer_everything(secretary, assessment)
        services.submit_assessment(actor=secretary, assessment_id=assessment.pk)
    return campaign, secretaries


def test_the_whole_year(browser, live_server, people, year, xingou, cuiwang, tmp_path):
    campaign, secretaries = year
    server = live_server.url

    phone = browser.new_context(viewport=PHONE, locale="zh-CN", bypass_csp=True)
    page = phone.new_page()
    sign_in(page, server, people["secretary"])
    accessible(page)
    page.get_by_role("link", name="我的创建").first.click()
    page.get_by_role("link", name=re.compile("创建方案")).click()
    accessible(page)
    page.get_by_label("创建方案", exact=True).fill("一、目标任务\n二、工作措施：网格员每日巡查")
    page.get_by_label("向小区、湾组、网格、家庭延伸情况").fill("延伸到8个湾组")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("创建方案已保存")).to_be_visible()
    snap(page, "phone-secretary-workspace", tmp_path)
    accessible(page)
    answer_on_the_phone(page)
    expect(page.get_by_text("已答 22 / 22 条")).to_be_visible()
    accessible(page)
    page.get_by_role("button", name="提交自评").click()
    expect(page.get_by_role("heading", name="请确认：提交2024年度自评")).to_be_visible()
    accessible(page)
    page.get_by_role("button", name="确认提交").click()
    expect(page.get_by_text("自评已提交")).to_be_visible()
    snap(page, "phone-secretary-submitted", tmp_path)
    phone.close()

    desk = browser.new_context(viewport=DESKTOP, accept_downloads=True, bypass_csp=True)
    page = desk.new_page()
    sign_in(page, server, people["town_office"])
    accessible(page)
    returned = campaign.assessments.get(village=cuiwang)
    page.goto(f"{server}/assessments/{returned.pk}/return/")
    accessible(page)
    page.get_by_label("整体意见").fill("宣传阵地照片不清晰，请补充")
    page.get_by_role("button", name="退回修改").click()
    expect(page.get_by_text("退回修改").first).to_be_visible()
    services.submit_assessment(actor=secretaries[cuiwang.pk], assessment_id=returned.pk)

    mine = campaign.assessments.get(village=xingou)
    page.goto(f"{server}/assessments/{mine.pk}/town/")
    accessible(page)
    page.get_by_role("button", name="其余条目均同意自评").click()
    snap(page, "desktop-town-assessment", tmp_path)
    page.get_by_role("button", name="完成镇级考核").click()
    expect(page.get_by_text("镇级考核结果：达标").first).to_be_visible()
    judged = [c for c in criteria_of(campaign.standard) if c.is_judged]
    for assessment in campaign.assessments.exclude(pk=mine.pk):
        services.save_findings(
            actor=people["town_office"],
            assessment_id=assessment.pk,
            findings=[{"criterion_id": c.pk, "agrees": True} for c in judged],
        )
        services.conclude_town_assessment(actor=people["town_office"], assessment_id=assessment.pk)
    page.goto(f"{server}/campaigns/{campaign.pk}/")
    accessible(page)
    page.get_by_role("button", name="结束自评，进入镇级考核").click()
    accessible(page)
    page.get_by_label("提前结束自评的原因(必填)").fill("各村(社区)均已提交")
    page.get_by_role("button", name="确认结束自评").click()
    expect(page.get_by_text("已结束自评阶段")).to_be_visible()

    leader = browser.new_context(viewport=DESKTOP, bypass_csp=True).new_page()
    sign_in(leader, server, people["town_leading_group"])
    leader.goto(f"{server}/campaigns/{campaign.pk}/approve/")
    accessible(leader)
    leader.get_by_role("button", name="审定", exact=True).click()
    expect(leader.get_by_text("此操作不能撤销")).to_be_visible()
    accessible(leader)
    leader.get_by_role("button", name="确认审定").click()
    expect(leader.get_by_text("考评结果已审定")).to_be_visible()

    page.goto(f"{server}/campaigns/{campaign.pk}/pass-list/")
    accessible(page)
    page.get_by_label("发文字号").fill("汪发〔2024〕12号")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("达标名单通报已保存")).to_be_visible()
    href = page.get_by_role("link", name="预览通报(PDF)").get_attribute("href")
    printed = page.context.request.get(f"{server}{href}")
    assert printed.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "pass-list.pdf"
    pdf.write_bytes(printed.body())
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    assert "Noto-Serif-SC" in fonts.stdout and " yes " in fonts.stdout
    page.get_by_role("button", name="报市委平安办备案").click()
    page.get_by_role("button", name="确认报备").click()
    expect(page.get_by_text("名单已锁定")).to_be_visible()
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.FILED

    city = browser.new_context(viewport=DESKTOP, bypass_csp=True).new_page()
    sign_in(city, server, people["city_office"])
    city.goto(f"{server}/campaigns/{campaign.pk}/review/")
    city.get_by_label("随机种子(可选)").fill("2024-天门")
    city.get_by_label("必抽村(社区)(可选)").fill(f"{xingou.code} 典型")
    city.get_by_role("button", name="抽取", exact=True).click()
    expect(city.get_by_text("随机种子 2024-天门")).to_be_visible()
    snap(city, "desktop-city-sample", tmp_path)
    accessible(city)
    city.goto(f"{server}/assessments/{mine.pk}/city/")
    accessible(city)
    city.get_by_role("button", name="其余条目均同意镇级考核").click()
    city.get_by_role("button", name="完成市级复核").click()
    expect(city.get_by_text("复核合格").first).to_be_visible()
    sample = campaign.samples.get(is_current=True)
    for entry in sample.entries.exclude(assessment=mine):
        services.save_findings(
            actor=people["city_office"],
            assessment_id=entry.assessment.pk,
            findings=[{"criterion_id": c.pk, "agrees": True} for c in judged],
            stage=Finding.Stage.CITY,
        )
        services.conclude_city_review(
            actor=people["city_office"], assessment_id=entry.assessment.pk
        )
    city.goto(f"{server}/campaigns/{campaign.pk}/review/")
    city.get_by_role("button", name="结束市级复核").click()
    city.get_by_role("button", name="确认结束市级复核").click()
    expect(city.get_by_text("市级复核已结束。")).to_be_visible()
    assert Title.objects.filter(village=xingou, status="valid").count() == 1

    page.goto(f"{server}/incidents/new/")
    accessible(page)
    page.get_by_label("村(社区)").select_option(label="新沟村")
    page.get_by_label("类别").select_option(label="十无：命案")
    page.get_by_label("发生日期").fill("2024-10-01")
    page.get_by_label("简要案情").fill("一起命案")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_text("将被撤销的称号")).to_be_visible()
    accessible(page)
    page.get_by_role("button", name="确认登记并撤销称号").click()
    expect(page.get_by_text("已即时撤销称号 1 个")).to_be_visible()
    assert Title.objects.get(village=xingou).status == "revoked"

    page.goto(server)
    expect(page.get_by_text("达标率").first).to_be_visible()
    snap(page, "desktop-town-dashboard", tmp_path)
    expect(page.get_by_text("目标 70%").first).to_be_visible()
    accessible(page)
    city.goto(server)
    expect(city.get_by_role("link", name="汪场镇")).to_be_visible()
    accessible(city)
    expect(city.get_by_text("近30日因案事件即时撤销称号 1 个")).to_be_visible()


def test_a_refused_upload_as_the_secretary_sees_it(browser, live_server, people, campaign, xingou):
    page = browser.new_context(viewport=PHONE).new_page()
    sign_in(page, live_server.url, people["secretary"])
    mine = campaign.assessments.get(village=xingou)
    cameras = campaign.standard.criteria.get(key="technical-prevention.cameras")
    page.goto(f"{live_server.url}/assessments/{mine.pk}/criteria/{cameras.pk}/")
    page.locator("input[type=file]").set_input_files(
        files={
            "name": "照片.jpg",
            "mimeType": "image/jpeg",
            "buffer": files.executable_as_jpeg().read(),
        }
    )
    page.get_by_role("button", name="上传", exact=True).click()
    expect(page.get_by_text("实际内容不是可接受的类型")).to_be_visible()
    expect(page.get_by_text("尚未上传佐证材料")).to_be_visible()


def test_a_forbidden_page_as_the_secretary_sees_it(browser, live_server, people, campaign, cuiwang):
    page = browser.new_context(viewport=PHONE).new_page()
    sign_in(page, live_server.url, people["secretary"])
    other = campaign.assessments.get(village=cuiwang)
    response = page.goto(f"{live_server.url}/assessments/{other.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="未找到")).to_be_visible()
    expect(page.get_by_text("不在您的工作范围内")).to_be_visible()
    assert "崔王村" not in page.content()


def test_signing_in_by_keyboard(browser, live_server, people, wangchang):
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.id")
    if focused != "id_username":
        page.focus("#id_username")
    page.keyboard.type(people["town_office"].username)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator(".who-name")).to_be_visible()


def secretary_on_the_phone(browser, live_server, people, campaign, xingou):
    """新沟村's secretary signed in on a phone: (context, page, assessment, cameras criterion)."""
    phone = browser.new_context(viewport=PHONE)
    page = phone.new_page()
    sign_in(page, live_server.url, people["secretary"])
    mine = campaign.assessments.get(village=xingou)
    return phone, page, mine, campaign.standard.criteria.get(key="technical-prevention.cameras")


def test_answers_typed_while_offline_reach_the_server_when_the_signal_returns(
    browser, live_server, people, campaign, xingou
):
    phone, page, mine, cameras = secretary_on_the_phone(
        browser, live_server, people, campaign, xingou
    )
    publicity = campaign.standard.criteria.get(key="publicity")
    status = page.locator("[data-draft-status]")

    page.goto(f"{live_server.url}/assessments/{mine.pk}/criteria/{cameras.pk}/")
    phone.set_offline(True)
    page.get_by_label(re.compile("实际数量")).fill("7")
    page.get_by_label("情况说明").fill("村口新装两个高清探头")
    expect(status).to_contain_text("保存在本机")
    assert not Answer.objects.filter(assessment=mine).exists()
    phone.set_offline(False)
    expect(status).to_contain_text("已自动保存(第1版)")
    saved = Answer.objects.get(assessment=mine, criterion=cameras)
    assert (saved.value, saved.narrative) == (7, "村口新装两个高清探头")

    page.goto(f"{live_server.url}/assessments/{mine.pk}/criteria/{publicity.pk}/")
    phone.set_offline(True)
    page.get_by_label("达标", exact=True).check()
    page.get_by_label("情况说明").fill("宣传栏已更新")
    expect(status).to_contain_text("保存在本机")
    phone.set_offline(False)
    # Reloading while the save is still on its way can show the page as it stood before
    # the save; the answer is kept either way. The reload here waits for the save.
    expect(status).to_contain_text("已自动保存(第1版)")
    page.reload()
    expect(page.get_by_label("情况说明")).to_have_value("宣传栏已更新")
    saved = Answer.objects.get(assessment=mine, criterion=publicity)
    assert (saved.met, saved.narrative) == (True, "宣传栏已更新")
    unsent = "Object.keys(localStorage).filter((key) => key.startsWith('pingan:draft'))"
    for _ in range(50):
        if not page.evaluate(unsent):
            break
        page.wait_for_timeout(100)
    assert page.evaluate(unsent) == []
    phone.close()


def test_returned_items_are_answered_one_by_one_on_the_phone(
    browser, live_server, people, campaign, xingou, tmp_path
):
    mine = campaign.assessments.get(village=xingou)
    answer_everything(people["secretary"], mine)
    services.submit_assessment(actor=people["secretary"], assessment_id=mine.pk)
    cameras = campaign.standard.criteria.get(key="technical-prevention.cameras")
    publicity = campaign.standard.criteria.get(key="publicity")
    services.return_assessment(
        actor=people["town_office"],
        assessment_id=mine.pk,
        comments={cameras.pk: "探头数量与台账不符", publicity.pk: "宣传栏照片不清晰"},
        general_reason="请逐项核对",
    )
    page = browser.new_context(viewport=PHONE, locale="zh-CN", bypass_csp=True).new_page()
    sign_in(page, live_server.url, people["secretary"])
    expect(page.get_by_text("镇平安办退回了 2 个条目，并附整体意见：请逐项核对")).to_be_visible()
    expect(page.get_by_text("各项已填写完整，可以提交")).to_have_count(0)
    accessible(page)
    page.get_by_role("link", name="继续填报").click()
    expect(page.get_by_text("尚有 2 个退回条目待处理")).to_be_visible()
    page.get_by_role("button", name="提交自评").click()
    expect(page.get_by_text("须修改后保存，或确认无需修改并说明理由").first).to_be_visible()
    assert Assessment.objects.get(pk=mine.pk).status == "returned"

    page.goto(f"{live_server.url}/assessments/{mine.pk}/criteria/{cameras.pk}/")
    expect(page.get_by_text("探头数量与台账不符")).to_be_visible()
    page.get_by_label(re.compile("实际数量")).fill("7")
    with page.expect_navigation():
        page.get_by_role("button", name="保存并继续").click()
    page.goto(f"{live_server.url}/assessments/{mine.pk}/criteria/{publicity.pk}/")
    snap(page, "phone-secretary-returned-criterion", tmp_path)
    accessible(page)
    page.get_by_label("确认无需修改的理由").fill("照片为原图，宣传栏现状如此")
    page.get_by_role("button", name="确认无需修改").click()
    expect(page.get_by_text("已确认无需修改")).to_be_visible()
    page.goto(f"{live_server.url}/assessments/{mine.pk}/")
    expect(page.get_by_text("退回的条目均已处理，可以重新提交")).to_be_visible()
    page.get_by_role("button", name="提交自评").click()
    page.get_by_role("button", name="确认提交").click()
    expect(page.get_by_text("自评已提交")).to_be_visible()
    snap(page, "phone-secretary-resubmitted", tmp_path)


def test_closing_early_asks_why_and_an_absent_village_is_concluded_from_the_board(
    browser, live_server, people, campaign, xingou, cuiwang, tmp_path
):
    server = live_server.url
    page = browser.new_context(viewport=DESKTOP, bypass_csp=True).new_page()
    sign_in(page, server, people["town_office"])
    page.goto(f"{server}/campaigns/{campaign.pk}/")
    page.get_by_role("button", name="结束自评，进入镇级考核").click()
    expect(page.get_by_text("尚未提交自评的村(社区)(17 个)")).to_be_visible()
    expect(page.get_by_text("此操作不能撤销")).to_be_visible()
    snap(page, "desktop-confirm-close-self-assessment", tmp_path)
    accessible(page)
    page.get_by_label("提前结束自评的原因(必填)").fill("县里要求提前上报")
    page.get_by_role("button", name="确认结束自评").click()
    expect(page.get_by_text("已结束自评阶段")).to_be_visible()
    Campaign.objects.filter(pk=campaign.pk).update(self_assessment_due=date(2024, 6, 30))

    page.get_by_role("link", name="未提交", exact=True).click()
    row = page.locator("tr", has_text="崔王村")
    row.get_by_role("button", name="认定未按期提交").click()
    expect(page.get_by_text("可在该村(社区)的镇级考核页“重新考核”")).to_be_visible()
    page.get_by_role("button", name="确认认定").click()
    expect(page.get_by_text("已认定崔王村未按期提交自评")).to_be_visible()
    snap(page, "desktop-town-board-unsubmitted", tmp_path)
    accessible(page)
    absent = campaign.assessments.get(village=cuiwang)
    assert (absent.status, absent.town_reasons) == ("town_assessed", ["未按期提交自评"])

    phone = browser.new_context(viewport=PHONE, locale="zh-CN", bypass_csp=True).new_page()
    sign_in(phone, server, people["secretary"])
    expect(phone.get_by_text("仍可提交，记为逾期提交").first).to_be_visible()
    accessible(phone)
    phone.goto(f"{server}/assessments/{campaign.assessments.get(village=xingou).pk}/")
    phone.get_by_role("link", name=re.compile("一次确认一票否决事项")).click()
    snap(phone, "phone-secretary-vetoes", tmp_path)
    accessible(phone)


def test_concluding_too_early_marks_the_rows_on_the_page(
    browser, live_server, people, campaign, xingou
):
    mine = campaign.assessments.get(village=xingou)
    answer_everything(people["secretary"], mine)
    services.submit_assessment(actor=people["secretary"], assessment_id=mine.pk)
    page = browser.new_context(viewport=DESKTOP, bypass_csp=True).new_page()
    sign_in(page, live_server.url, people["town_office"])
    page.goto(f"{live_server.url}/assessments/{mine.pk}/town/")
    page.get_by_role("button", name="完成镇级考核").click()
    expect(page.get_by_text("尚有 22 条未镇级考核，已在下方标出")).to_be_visible()
    expect(page.get_by_role("heading", name="操作未完成")).to_have_count(0)
    expect(page.locator("tr.unassessed")).to_have_count(22)
    accessible(page)


def test_the_year_reaches_naming_after_the_city_closes_early(
    browser, live_server, people, campaign, xingou
):
    call_command("loaddata", "fixtures/sampling_rules.json", verbosity=0)
    run_town_year(campaign, people, secretaries={xingou.pk: people["secretary"]})
    sample = services.draw_sample(
        actor=people["city_office"],
        campaign_id=campaign.pk,
        ratio=Decimal("0.3"),
        minimum_count=3,
        forced={xingou.code: "典型"},
        seed="2024",
    )
    judged = [c for c in criteria_of(campaign.standard) if c.is_judged]
    for entry in sample.entries.all():
        services.save_findings(
            actor=people["city_office"],
            assessment_id=entry.assessment.pk,
            findings=[{"criterion_id": c.pk, "agrees": True} for c in judged],
            stage=Finding.Stage.CITY,
        )
        services.conclude_city_review(
            actor=people["city_office"], assessment_id=entry.assessment.pk
        )
    server = live_server.url
    city = browser.new_context(viewport=DESKTOP, bypass_csp=True).new_page()
    sign_in(city, server, people["city_office"])
    city.goto(f"{server}/campaigns/{campaign.pk}/review/")
    city.get_by_role("button", name="结束市级复核").click()
    expect(city.get_by_text("新沟村：镇平安办尚未准备示范村推荐考评")).to_be_visible()
    expect(city.get_by_text("直到印发本年度示范村推荐名单").first).to_be_visible()
    accessible(city)
    city.get_by_role("button", name="确认结束市级复核").click()
    expect(city.get_by_text("市级复核已结束。")).to_be_visible()

    town = browser.new_context(viewport=DESKTOP, bypass_csp=True).new_page()
    sign_in(town, server, people["town_office"])
    town.goto(f"{server}/campaigns/{campaign.pk}/review/")
    town.locator("li", has_text="新沟村").get_by_role("button", name="准备示范村推荐考评").click()
    expect(town.get_by_text("已为新沟村建立示范村推荐考评")).to_be_visible()
    expect(town.get_by_role("heading", name=re.compile("示范村\\(社区\\)推荐考评"))).to_be_visible()
    accessible(town)


def test_going_back_to_a_saved_criterion_saves_from_its_new_version(
    browser, live_server, people, campaign, xingou
):
    _, page, mine, cameras = secretary_on_the_phone(browser, live_server, people, campaign, xingou)
    page.goto(f"{live_server.url}/assessments/{mine.pk}/criteria/{cameras.pk}/")
    page.get_by_label(re.compile("实际数量")).fill("6")
    with page.expect_navigation():
        page.get_by_role("button", name="保存并继续").click()
    page.go_back()
    expect(page.get_by_label(re.compile("实际数量"))).to_have_value("6")
    page.get_by_label("情况说明").fill("又新装一个")
    status = page.locator("[data-draft-status]")
    expect(status).to_contain_text("已自动保存")
    expect(status).not_to_contain_text("较新的答案")
    saved = Answer.objects.get(assessment=mine, criterion=cameras)
    assert saved.narrative == "又新装一个" and saved.value == 6
    version = page.locator("input[name=base_version]")
    assert version.get_attribute("autocomplete") == "off"


def test_a_phone_sends_its_photo_small_upright_and_with_its_capture_time(
    browser, live_server, people, campaign, xingou, tmp_path
):
    page = browser.new_context(viewport=PHONE).new_page()
    sign_in(page, live_server.url, people["secretary"])
    mine = campaign.assessments.get(village=xingou)
    cameras = campaign.standard.criteria.get(key="technical-prevention.cameras")
    page.goto(f"{live_server.url}/assessments/{mine.pk}/criteria/{cameras.pk}/")
    taken = files.phone_photo().read()
    page.locator("input[type=file]").set_input_files(
        files={"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": taken}
    )
    page.get_by_role("button", name="上传", exact=True).click()
    expect(page.get_by_text("已上传“现场.jpg”")).to_be_visible()
    expect(page.get_by_text("处理中")).to_be_visible()
    snap(page, "phone-photo-processing", tmp_path)

    photo = Evidence.objects.get()
    sent = photo.file.read()
    photo.file.close()
    assert len(sent) < len(taken) / 4
    with Image.open(io.BytesIO(sent)) as image:
        # Drawn upright by the phone: the 4000×3000 photo taken on its side arrives 1536×2048.
        assert image.size == (1536, 2048)
        assert image.getexif().get_ifd(0x8769)[0x9003] == "2024:05:06 07:08:09"
        assert not image.getexif().get_ifd(0x8825)

    finish_photos()
    page.reload()
    expect(page.locator("img.thumbnail")).to_be_visible()
    snap(page, "phone-photo-ready", tmp_path)
    photo.refresh_from_db()
    assert timezone.localtime(photo.captured_at).strftime("%Y-%m-%d %H:%M") == "2024-05-06 07:08"
