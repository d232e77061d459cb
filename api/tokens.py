"""Personal API tokens: issued against the password, kept only as hashes, expiring, and
listed and revoked by their owner (我的令牌)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from api.models import ApiToken, password_stamp
from audit.trail import record
from pingan.errors import InvalidInput

# A token's use is written down at most this often, so reading the API costs no write.
USE_RESOLUTION = timedelta(minutes=15)


def tokens_of(user):
    return ApiToken.objects.filter(user=user).order_by("-created")


def live_q(now):
    return Q(expiry__isnull=True) | Q(expiry__gt=now)


def access_token_of(user, digest):
    """The user's own token; 404 alike for another person's and a missing one."""
    token = tokens_of(user).filter(digest=str(digest)[:128]).first()
    if token is None:
        raise Http404("未找到该令牌。")
    return token


def issue_token(*, actor, name=""):
    """A new token for the actor; the key is returned once and never stored."""
    name = " ".join(str(name).split())[:60]
    with transaction.atomic():
        # The owner's row is the lock under which the count of live tokens is checked.
        get_user_model().objects.select_for_update().get(pk=actor.pk)
        live = tokens_of(actor).filter(live_q(timezone.now()), password_stamp=password_stamp(actor))
        if live.count() >= settings.API_TOKEN_LIMIT:
            raise InvalidInput(
                f"每人最多同时持有 {settings.API_TOKEN_LIMIT} 个有效令牌，请先撤销不再使用的令牌。"
            )
        token, key = ApiToken.objects.create(
            actor,
            expiry=timedelta(days=settings.API_TOKEN_DAYS),
            name=name,
            password_stamp=password_stamp(actor),
        )
        record(
            action="token.created",
            actor=actor,
            target=token.user,
            after={"用途": token.name, "令牌": token.shown_key, "有效期至": token.expiry},
        )
    return token, key


def revoke_token(*, actor, digest, reason="本人撤销"):
    with transaction.atomic():
        token = access_token_of(actor, digest)
        ApiToken.objects.select_for_update().filter(pk=token.pk).delete()
        record(
            action="token.revoked",
            actor=actor,
            target=token.user,
            before={"用途": token.name, "令牌": token.shown_key},
            after={"原因": reason},
        )


def revoke_all_tokens(*, actor):
    with transaction.atomic():
        tokens = list(tokens_of(actor).select_for_update())
        ApiToken.objects.filter(pk__in=[t.pk for t in tokens]).delete()
        record(
            action="token.revoked",
            actor=actor,
            target=actor,
            before={"令牌": [t.shown_key for t in tokens]},
            after={"原因": "本人撤销全部令牌"},
        )
    return len(tokens)


class ApiTokenAuthentication(TokenAuthentication):
    """Knox's hashed, expiring tokens, refused once the password they were issued under has
    changed (the dead token is removed). Their use is kept to the quarter hour, and each
    such first use in a quarter hour is a sign-in entry of the audit trail."""

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        if not token.matches_password():
            ApiToken.objects.filter(pk=token.pk).delete()
            raise AuthenticationFailed("密码已更改，此令牌已失效，请重新申请令牌。")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > USE_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            record(
                action="token.used",
                actor=user,
                target=user,
                after={"用途": token.name, "令牌": token.shown_key},
            )
        return user, token


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the schema tells integrators to send the token."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Token"
        )
