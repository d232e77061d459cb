"""Reminders: on each home page what is due, and by email each step once a day at most."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from assessments import services
from assessments.models import Criterion, SentReminder
from assessments.reminders import reminders_for, send_reminders, step_of
from pingan.notifications import EmailChannel
from tests.helpers import answer_everything, new_campaign

DUE = date(2025, 6, 30)


@pytest.mark.parametrize(
    ("days_left", "step"),
    [(30, None), (8, None), (7, 7), (5, 7), (3, 3), (2, 3), (1, 1), (0, 1), (-1, 0), (-9, 0)],
)
def test_a_deadline_is_announced_at_seven_three_and_one_days_then_once_overdue(days_left, step):
    assert step_of(DUE, DUE - timedelta(days=days_left)) == step


@pytest.fixture
def running(people, standards, wangchang):
    campaign = new_campaign(people, wangchang, standards[0], 2025)
    return services.open_campaign(actor=people["town_office"], campaign_id=campaign.pk)


def test_the_secretary_sees_the_deadline_and_a_return(running, people, xingou):
    secretary = people["secretary"]
    assert reminders_for(secretary, DUE - timedelta(days=20)) == []
    [reminder] = reminders_for(secretary, DUE - timedelta(days=2))
    assert "2025年度自评2025年06月30日截止，还有2天" in reminder.text
    assessment = running.assessments.get(village=xingou)
    assert reminder.url == reverse("assessments:assessment_detail", args=[assessment.pk])

    answer_everything(secretary, assessment)
    services.submit_assessment(actor=secretary, assessment_id=assessment.pk)
    services.return_assessment(
        actor=people["town_office"],
        assessment_id=assessment.pk,
        comments={},
        general_reason="方案过于简单",
    )
    texts = [r.text for r in reminders_for(secretary, DUE - timedelta(days=20))]
    assert texts == ["2025年度自评已被镇平安办退回，请按意见修改后重新提交。"]


def test_the_home_page_shows_the_reminders(client, running, people, monkeypatch):
    monkeypatch.setattr(
        "assessments.views.dashboards.timezone.localdate", lambda: DUE - timedelta(days=1)
    )
    client.force_login(people["secretary"])
    page = client.get(reverse("home")).content.decode()
    assert "提醒" in page and "还有1天" in page


def order_due_in(people, village, today, days):
    criterion = Criterion.objects.get(key="publicity", standard__code="safe-village")
    inspection = services.record_inspection(
        actor=people["town_office"],
        village_id=village.pk,
        inspected_on=today,
        inspectors="检查组",
        summary="",
        findings=[
            {
                "criterion_id": criterion.pk,
                "met": False,
                "comment": "宣传栏破损",
                "deadline": today + timedelta(days=days),
            }
        ],
    )
    return inspection.findings.get().rectification_order


def test_the_town_sees_rectification_deadlines_and_unassessed_submissions(running, people, xingou):
    today = date.today()
    order_due_in(people, xingou, today, 3)
    texts = [r.text for r in reminders_for(people["town_office"], today)]
    assert texts == [
        f"新沟村：限期整改“宣传栏破损”期限{today + timedelta(days=3):%m月%d日}，还有3天。"
    ]
    assert [r.text for r in reminders_for(people["secretary"], today)][-1].startswith(
        "限期整改“宣传栏破损”"
    )


def test_each_reminder_is_sent_once_by_email_and_again_only_at_the_next_step(
    running, people, xingou, cuiwang
):
    secretary = people["secretary"]
    secretary.email = "xingou@example.cn"
    secretary.save()
    channels = [EmailChannel()]

    assert send_reminders(DUE - timedelta(days=5), channels) == (1, 1)
    [message] = mail.outbox
    assert message.to == ["xingou@example.cn"]
    assert message.subject == "平安村创建待办提醒(1项)"
    assert "还有5天" in message.body

    assert send_reminders(DUE - timedelta(days=5), channels) == (0, 0)
    assert send_reminders(DUE - timedelta(days=4), channels) == (0, 0)
    assert send_reminders(DUE - timedelta(days=3), channels) == (1, 1)
    assert send_reminders(DUE + timedelta(days=1), channels) == (1, 1)
    assert send_reminders(DUE + timedelta(days=2), channels) == (0, 0)
    assert len(mail.outbox) == 3
    assert "已逾期1天" in mail.outbox[-1].body
    assert SentReminder.objects.filter(user=secretary).count() == 3
    assert not SentReminder.objects.exclude(user=secretary).exists()


def test_the_daily_command_reports_what_it_sent(running, people, capsys):
    people["town_office"].email = "town@example.cn"
    people["town_office"].save()
    order_due_in(people, people["secretary"].memberships.get().village, date.today(), 1)
    call_command("send_reminders")
    assert "已向 1 位用户发送 1 条提醒" in capsys.readouterr().out
    call_command("send_reminders")
    assert "已向 0 位用户发送 0 条提醒" in capsys.readouterr().out
    assert len(mail.outbox) == 1
