from django.contrib import admin
from django.db import models

from api.models import ApiToken, WebhookDelivery, WebhookEndpoint
from audit.admin_changes import AuditedAdmin
from audit.trail import record


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens as their owners see them: never the key, only its first characters. The
    administrator may revoke one (a lost phone, a departed clerk) but not make one: a token
    is shown once, to the person it belongs to."""

    list_display = ("user", "name", "shown_key", "created", "expiry", "last_used_at")
    list_filter = ("expiry",)
    search_fields = ("user__username", "user__first_name", "name")
    fields = ("user", "name", "shown_key", "created", "expiry", "last_used_at")
    readonly_fields = fields

    @admin.display(description="令牌开头")
    def shown_key(self, token):
        return token.shown_key

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def _record_revocation(self, request, token):
        record(
            action="token.revoked",
            actor=request.user,
            target=token.user,
            before={"用途": token.name, "令牌": token.shown_key},
            after={"原因": "管理员撤销"},
        )

    def delete_model(self, request, obj):
        self._record_revocation(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for token in queryset:
            self._record_revocation(request, token)
        super().delete_queryset(request, queryset)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AuditedAdmin, admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "region", "url", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "url", "region__name")
    autocomplete_fields = ("region",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log: what was sent where, how often, and what came back."""

    list_display = (
        "event",
        "endpoint",
        "sequence",
        "status",
        "attempts",
        "last_status_code",
        "created_at",
        "delivered_at",
    )
    list_filter = ("status", "event", "endpoint")
    readonly_fields = [field.name for field in WebhookDelivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
