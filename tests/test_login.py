"""Signing in and out, in Chinese, with the menu of each role."""

import pytest
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
