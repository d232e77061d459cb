"""公示 in Chromium: a member of the public raises an 异议 on a phone, without signing in and
without JavaScript; the town answers it; the list is then filed."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Campaign, Objection
from tests.helpers import approve_town_year
from tests.test_browser_year import DESKTOP, PHONE, accessible, sign_in, snap
from tests.test_publications import end_period, open_period, publish

pytestmark = pytest.mark.browser


def test_the_public_objects_on_a_phone_the_town_answers_and_files(
    browser, live_server, people, campaign, xingou, tmp_path
):
    server = live_server.url
    approve_town_year(campaign, people, (), {xingou.pk: people["secretary"]})
    publication = publish(people, campaign)
    open_period(publication)

    phone = browser.new_context(
        viewport=PHONE, locale="zh-CN", java_script_enabled=False
    ).new_page()
    phone.goto(f"{server}/accounts/login/")
    phone.get_by_role("link", name="查看正在公示的名单").click()
    expect(phone.get_by_role("heading", name=publication.title)).to_be_visible()
    assert "王群众" not in phone.content()
    checked_by_axe(browser, phone.url)
    snap(phone, "phone-public-publication", tmp_path)
    phone.get_by_role("link", name="提出异议").click()
    phone.get_by_label("对哪个村(社区)有异议").select_option(label="新沟村")
    phone.get_by_label("异议内容").fill("该村3月发生一起聚众赌博案件，已被派出所查处。")
    phone.get_by_label("您的姓名").fill("王群众")
    phone.get_by_label("联系电话").fill("13812345678")
    phone.get_by_role("button", name="提交异议").click()
    expect(phone.get_by_role("heading", name="异议已收到")).to_be_visible()
    snap(phone, "phone-public-objection-received", tmp_path)
    checked_by_axe(browser, f"{server}/gongshi/{publication.pk}/objection/")

    desk = browser.new_context(viewport=DESKTOP, bypass_csp=True).new_page()
    sign_in(desk, server, people["town_office"])
    desk.goto(f"{server}/campaigns/{campaign.pk}/publication/")
    expect(desk.get_by_text("答复全部 1 件异议后")).to_be_visible()
    # The page shows the day in the portal's time zone, a day after UTC from 16:00 UTC on.
    raised_on = timezone.localtime(Objection.objects.get().raised_at)
    desk.get_by_role("link", name=raised_on.strftime("%-m月%-d日")).click()
    accessible(desk)
    desk.get_by_label("核实不属实").check()
    desk.get_by_label("核实情况").fill("经派出所核实，该案发生在邻村。")
    desk.get_by_label("答复理由").fill("所反映案件不在本村辖区，异议不属实，已电话告知。")
    desk.get_by_role("button", name="答复").click()
    expect(desk.get_by_text("异议已答复")).to_be_visible()

    end_period(publication)
    desk.goto(f"{server}/campaigns/{campaign.pk}/")
    desk.get_by_role("button", name="报市委平安办备案").click()
    desk.get_by_role("button", name="确认报备").click()
    expect(desk.get_by_text("达标名单已报市委平安办备案")).to_be_visible()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.FILED


def checked_by_axe(browser, address):
    """axe-core finds nothing serious on the page; run where scripts may run, the page itself
    having been used above without them."""
    page = browser.new_context(viewport=PHONE, bypass_csp=True).new_page()
    page.goto(address)
    accessible(page)
    page.context.close()
