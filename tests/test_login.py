"""Signing in and out, in Chinese, with the menu of each role."""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse

DEMO_PASSWORD = "pingan-demo-2023"

NAVIGATION = {
    "secretary_203": ({"首页", "我的村(社区)"}, {"村(社区)名录", "管理后台"}),
    "town_office": ({"首页", "村(社区)名录"}, {"我的村(社区)", "管理后台"}),
    "town_leader": ({"首页", "村(社区)名录"}, {"我的村(社区)", "管理后台"}),
    "city": ({"首页", "村(社区)名录"}, {"我的村(社区)", "管理后台"}),
    "province": ({"首页", "村(社区)名录"}, {"我的村(社区)", "管理后台"}),
    "admin": ({"首页", "村(社区)名录", "管理后台"}, {"我的村(社区)"}),
}


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    settings.DEBUG = False


def test_login_page_is_chinese(client, db):
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "用户登录" in page and "密码" in page


@pytest.mark.parametrize("username", NAVIGATION)
def test_each_demo_role_signs_in_and_sees_its_menu(client, demo, username):
    response = client.post(
        reverse("login"), {"username": username, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[0][0] == reverse("home")
    labels = {label for label, _ in response.context["nav_items"]}
    shown, hidden = NAVIGATION[username]
    assert shown <= labels
    assert not hidden & labels
    page = response.content.decode()
    membership = response.context["user_memberships"][0]
    assert membership.get_role_display() in page


def test_wrong_password_is_told_in_chinese(client, demo):
    response = client.post(reverse("login"), {"username": "city", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_repeated_failures_lock_the_account(client, demo, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "city", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "city", "password": DEMO_PASSWORD})
    assert response.status_code == 429
    assert "已暂时锁定" in response.content.decode()


def test_logout_returns_to_login(client, demo):
    client.post(reverse("login"), {"username": "city", "password": DEMO_PASSWORD})
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def wrong(client, username, address="10.0.0.9"):
    return client.post(
        reverse("login"), {"username": username, "password": "wrong"}, REMOTE_ADDR=address
    )


def test_signing_in_as_oneself_does_not_clear_the_failures_against_another(client, demo, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        wrong(client, "city")
    client.post(
        reverse("login"),
        {"username": "province", "password": DEMO_PASSWORD},
        REMOTE_ADDR="10.0.0.9",
    )
    client.post(reverse("logout"))
    assert wrong(client, "city").status_code == 429
    locked = client.post(
        reverse("login"), {"username": "city", "password": DEMO_PASSWORD}, REMOTE_ADDR="10.0.0.9"
    )
    assert locked.status_code == 429 and "请于" in locked.text and "联系系统管理员" in locked.text


def test_one_persons_failures_do_not_lock_the_office_behind_the_same_address(
    client, demo, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        wrong(client, "city")
    response = client.post(
        reverse("login"),
        {"username": "town_office", "password": DEMO_PASSWORD},
        REMOTE_ADDR="10.0.0.9",
        follow=True,
    )
    assert response.status_code == 200 and response.context["user"].username == "town_office"


def test_an_administrator_unlocks_an_account(client, demo, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        wrong(client, "city")
    assert AccessAttempt.objects.filter(username="city").exists()
    call_command("axes_reset_username", "city", verbosity=0)
    ok = client.post(
        reverse("login"), {"username": "city", "password": DEMO_PASSWORD}, REMOTE_ADDR="10.0.0.9"
    )
    assert ok.status_code == 302
