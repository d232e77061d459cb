import secrets

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


def new_secret():
    return secrets.token_hex(32)


class WebhookEndpoint(models.Model):
    """An integrator's receiver (a 综治中心 or case system) for the events of a region and
    everything under it, signed with its own secret."""

    region = models.ForeignKey(
        "villages.Region", verbose_name="区划", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField("接收系统", max_length=60)
    url = models.URLField("接收地址", max_length=300)
    secret = models.CharField(
        "签名密钥",
        max_length=64,
        default=new_secret,
        help_text="接收方用它核验请求头 X-Pingan-Signature(HMAC-SHA256)。",
    )
    events = models.JSONField(
        "订阅事件", default=list, blank=True, help_text="事件名列表；留空表示全部事件。"
    )
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "事件推送地址"
        verbose_name_plural = "事件推送地址"
        ordering = ["region__path", "name"]

    def __str__(self):
        return f"{self.region.name} {self.name}"

    def wants(self, event):
        return not self.events or event in self.events


class WebhookDelivery(models.Model):
    """One event sent to one endpoint, with every attempt's outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        DELIVERED = "delivered", "已送达"
        FAILED = "failed", "发送失败"

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name="推送地址",
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event = models.CharField("事件", max_length=40)
    sequence = models.PositiveBigIntegerField("审计序号")
    payload = models.JSONField("内容")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    last_status_code = models.PositiveIntegerField("最近响应码", null=True, blank=True)
    last_error = models.TextField("最近错误", blank=True)
    created_at = models.DateTimeField("产生时间", auto_now_add=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)

    class Meta:
        verbose_name = "事件推送记录"
        verbose_name_plural = "事件推送记录"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.endpoint} {self.event} #{self.sequence}"
