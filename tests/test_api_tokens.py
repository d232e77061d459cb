"""Personal API tokens: hashed at rest, expiring, dead once the password changes, listed and
revoked by their owner on 我的令牌."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from api.tokens import issue_token
from audit.models import AuditEntry
from pingan.errors import InvalidInput

PASSWORD = "秘密-2024"


def reads(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/villages/")


@pytest.fixture
def secretary(people):
    user = people["secretary"]
    user.set_password(PASSWORD)
    user.save()
    return user


def test_a_token_is_issued_for_the_password_and_kept_only_as_a_hash(secretary):
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": secretary.username, "password": PASSWORD, "name": "综治中心系统"},
    )
    assert response.status_code == 200
    key = response.json()["token"]
    token = ApiToken.objects.get(user=secretary)
    assert token.name == "综治中心系统"
    assert key not in (token.digest, token.token_key) and len(key) == 64
    stored = [str(value) for value in ApiToken.objects.values_list(flat=False).get()]
    assert not any(key in value for value in stored)
    assert token.expiry - timezone.now() > timedelta(days=89)
    assert reads(key).status_code == 200
    issued = AuditEntry.objects.get(action="token.created")
    assert issued.actor == secretary and issued.after["令牌"] == f"{key[:6]}…"
    assert key not in str(issued.after)


def test_a_wrong_password_gets_no_token(secretary):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": secretary.username, "password": "猜的"}
    )
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_an_expired_token_is_refused_and_removed(secretary):
    token, key = issue_token(actor=secretary)
    ApiToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert reads(key).status_code == 401
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_changing_the_password_kills_every_token(secretary):
    _, first = issue_token(actor=secretary)
    _, second = issue_token(actor=secretary)
    assert reads(first).status_code == 200
    secretary.set_password("新密码-2025")
    secretary.save()
    response = reads(first)
    assert response.status_code == 401
    assert response.json()["detail"] == "密码已更改，此令牌已失效，请重新申请令牌。"
    assert reads(second).status_code == 401
    assert reads(issue_token(actor=secretary)[1]).status_code == 200


def test_a_person_holds_a_bounded_number_of_live_tokens(secretary, settings):
    settings.API_TOKEN_LIMIT = 2
    issue_token(actor=secretary)
    issue_token(actor=secretary)
    with pytest.raises(InvalidInput, match="最多同时持有 2 个"):
        issue_token(actor=secretary)
    assert ApiToken.objects.filter(user=secretary).count() == 2


def test_the_owner_lists_makes_and_revokes_tokens_on_the_page(client, secretary, people):
    client.force_login(secretary)
    made = client.post(reverse("token_list"), {"name": "案事件系统"})
    assert made.status_code == 200
    assert "no-store" in made["Cache-Control"]
    token = ApiToken.objects.get(user=secretary)
    key = made.context["issued_key"]
    assert key in made.text and token.shown_key in made.text
    listing = client.get(reverse("token_list")).text
    assert "案事件系统" in listing and key not in listing
    assert reads(key).status_code == 200

    other_token, other_key = issue_token(actor=people["town_office"])
    foreign = client.post(reverse("token_revoke", args=[other_token.digest]))
    assert foreign.status_code == 404
    assert reads(other_key).status_code == 200

    client.post(reverse("token_revoke", args=[token.digest]))
    assert reads(key).status_code == 401
    revoked = AuditEntry.objects.get(action="token.revoked")
    assert revoked.actor == secretary and revoked.after == {"原因": "本人撤销"}


def test_the_owner_revokes_every_token_at_once(client, secretary):
    keys = [issue_token(actor=secretary)[1] for _ in range(3)]
    client.force_login(secretary)
    client.post(reverse("token_revoke_all"))
    assert all(reads(key).status_code == 401 for key in keys)


def test_the_admin_shows_no_key_and_may_revoke(client, secretary, people):
    token, key = issue_token(actor=secretary)
    client.force_login(people["administrator"])
    listing = client.get(reverse("admin:api_apitoken_changelist")).text
    assert token.shown_key in listing and key not in listing
    assert client.get(reverse("admin:api_apitoken_add")).status_code == 403
    client.post(reverse("admin:api_apitoken_delete", args=[token.pk]), {"post": "yes"}, follow=True)
    assert reads(key).status_code == 401
    assert AuditEntry.objects.get(action="token.revoked").after == {"原因": "管理员撤销"}


def test_a_token_s_use_is_a_sign_in_entry_once_a_quarter_hour(secretary):
    token, key = issue_token(actor=secretary, name="综治中心")
    for _ in range(3):
        assert reads(key).status_code == 200
    used = AuditEntry.objects.filter(action="token.used", actor=secretary)
    assert used.count() == 1 and used.get().after == {"用途": "综治中心", "令牌": token.shown_key}
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(hours=1))
    reads(key)
    assert used.count() == 2
