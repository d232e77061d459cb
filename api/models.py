from django.db import models
from django.utils.crypto import constant_time_compare, salted_hmac
from knox.models import AbstractAuthToken


def password_stamp(user):
    """A keyed fingerprint of the user's password hash: a token carries the one of its
    issue, so any change of password, by whatever path, leaves every older token dead."""
    return salted_hmac("pingan.api-token", user.password, algorithm="sha256").hexdigest()


class ApiToken(AbstractAuthToken):
    """A personal API token (个人令牌), stored only as a hash; it expires and dies with the
    password it was issued under."""

    name = models.CharField("用途", max_length=60, blank=True)
    password_stamp = models.CharField("密码指纹", max_length=64, editable=False)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created"]

    def __str__(self):
        return f"{self.user} {self.name or self.token_key[:6]}"

    @property
    def shown_key(self):
        """The first characters of the token, enough for its owner to tell tokens apart."""
        return f"{self.token_key[:6]}…"

    def matches_password(self):
        return constant_time_compare(self.password_stamp, password_stamp(self.user))
