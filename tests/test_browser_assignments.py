"""责任到人 in Chromium at phone width: the secretary hands out three items, a member of the
team completes one, the secretary accepts it and submits."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from assessments.models import Assignment
from tests import files
from tests.helpers import answer_everything, finish_photos
from tests.test_browser_year import PHONE, accessible, sign_in, snap

pytestmark = pytest.mark.browser

ITEMS = ("宣传", "调解", "探头")


def test_the_secretary_assigns_a_member_completes_and_the_secretary_accepts_and_submits(
    browser, live_server, people, campaign, xingou, tmp_path
):
    server = live_server.url
    assessment = campaign.assessments.get(village=xingou)
    # The secretary has answered the rest already; the member's work must be accepted first.
    answer_everything(people["secretary"], assessment, cameras=4)

    secretary = browser.new_context(viewport=PHONE, locale="zh-CN", bypass_csp=True).new_page()
    sign_in(secretary, server, people["secretary"])
    secretary.goto(f"{server}/assessments/{assessment.pk}/")
    secretary.get_by_role("link", name="责任分工：交办和验收").click()
    accessible(secretary)
    secretary.get_by_label("责任人").select_option(label="李网格")
    secretary.get_by_label("完成期限").fill((date.today() + timedelta(days=7)).isoformat())
    for item in ITEMS:
        secretary.locator(".criteria-choice .choice").filter(has_text=item).first.locator(
            "input"
        ).check()
    secretary.get_by_role("button", name="交办").click()
    expect(secretary.get_by_text("已交办 3 项给李网格")).to_be_visible()
    snap(secretary, "phone-secretary-assignments", tmp_path)

    member = browser.new_context(viewport=PHONE, locale="zh-CN", bypass_csp=True).new_page()
    sign_in(member, server, people["village_staff"])
    expect(member.get_by_role("heading", name="我的任务")).to_be_visible()
    expect(member.locator(".my-item")).to_have_count(3)
    accessible(member)
    snap(member, "phone-member-items", tmp_path)
    member.locator(".my-item a").filter(has_text="探头").click()
    member.get_by_label(re.compile("实际数量")).fill("6")
    with member.expect_navigation():
        member.get_by_role("button", name="保存并继续").click()
    member.locator("input[type=file]").set_input_files(
        files={"name": "探头.jpg", "mimeType": "image/jpeg", "buffer": files.jpeg().read()}
    )
    member.get_by_role("button", name="上传", exact=True).click()
    expect(member.get_by_text("已上传“探头.jpg”")).to_be_visible()
    finish_photos()
    member.get_by_label("交回说明(可不填)").fill("6个探头均接入镇综治中心")
    member.get_by_role("button", name="交回书记验收").click()
    expect(member.get_by_text("已交回书记验收")).to_be_visible()
    accessible(member)

    secretary.reload()
    expect(secretary.get_by_text("1 项已交回，待您验收")).to_be_visible()
    secretary.locator("tr.waiting").get_by_role("button", name="验收").click()
    expect(secretary.locator(".message").filter(has_text="已验收")).to_be_visible()
    secretary.goto(f"{server}/assessments/{assessment.pk}/")
    secretary.get_by_role("button", name="提交自评").click()
    secretary.get_by_role("button", name="确认提交").click()
    expect(secretary.get_by_text("自评已提交")).to_be_visible()

    accepted = Assignment.objects.get(status=Assignment.Status.ACCEPTED)
    assert accepted.criterion.key == "technical-prevention.cameras"
    assert assessment.answers.get(criterion=accepted.criterion).value == 6
    assert Assignment.objects.filter(status=Assignment.Status.ASSIGNED).count() == 2
