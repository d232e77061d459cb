from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from audit.admin_changes import AuditedAdmin
from villages import services
from villages.models import (
    Grid,
    IssuingBody,
    Membership,
    Region,
    User,
    Village,
    VillageEvent,
)

admin.site.site_header = "平安村(社区)创建考评平台 管理后台"
admin.site.site_title = "平安创建管理后台"
admin.site.index_title = "数据维护"


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["region", "village"]


@admin.register(User)
class PinganUserAdmin(AuditedAdmin, UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        ("联系方式", {"fields": ("full_name", "phone", "password_must_change")}),
    )
    list_display = ["username", "full_name", "phone", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "phone"]
    inlines = [MembershipInline]


@admin.register(Region)
class RegionAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


@admin.register(Grid)
class GridAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["village", "name", "households", "grid_worker", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "village__name", "village__code"]
    autocomplete_fields = ["village", "grid_worker"]


@admin.register(IssuingBody)
class IssuingBodyAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["full_name", "region", "number_code", "printer", "signer"]
    list_filter = ["region__level"]
    search_fields = ["full_name", "mark", "region__name"]
    autocomplete_fields = ["region"]


class VillageAdminForm(forms.ModelForm):
    change_reason = forms.CharField(
        label="变更原因",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="更名、合并或停止参与创建时请写明依据，将记入变更记录。",
    )

    class Meta:
        model = Village
        fields = [
            "code",
            "name",
            "kind",
            "town",
            "is_active",
            "merged_into",
            "secretary_name",
            "secretary_phone",
            "grid_count",
            "camera_count",
            "grid_worker_count",
            "auxiliary_police_count",
            "legal_adviser_count",
            "mediation_director_count",
            "patrol_team_size",
        ]

    def clean(self):
        cleaned = super().clean()
        target = cleaned.get("merged_into")
        if target and "merged_into" in self.changed_data:
            if self.instance.pk and target.pk == self.instance.pk:
                self.add_error("merged_into", "不能将村(社区)并入其自身。")
            elif not target.is_active:
                self.add_error("merged_into", f"{target.name}已停止参与创建，不能作为合并目标。")
            if not cleaned.get("change_reason", "").strip():
                self.add_error("change_reason", "合并村(社区)须说明原因(如区划调整文件)。")
        if self.instance.merged_into_id and "merged_into" in self.changed_data and not target:
            self.add_error("merged_into", "合并记录不能撤销；如需恢复请新增村(社区)。")
        return cleaned


class RecordInline(admin.TabularInline):
    """Event rows shown beside their object: written by services, never edited by hand."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class RecordAdmin(admin.ModelAdmin):
    """An append-only record: readable, never added, changed or deleted by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VillageEventInline(RecordInline):
    model = VillageEvent
    fields = ["occurred_at", "kind", "actor", "from_value", "to_value", "reason"]


@admin.register(Village)
class VillageAdmin(AuditedAdmin, admin.ModelAdmin):
    form = VillageAdminForm
    list_display = ["code", "name", "kind", "town", "is_active", "merged_into", "camera_count"]
    list_filter = ["kind", "is_active", "town"]
    search_fields = ["code", "name", "secretary_name"]
    autocomplete_fields = ["town", "merged_into"]
    inlines = [VillageEventInline]

    def save_model(self, request, obj, form, change):
        """Route admin edits through the services so every change is recorded."""
        reason = form.cleaned_data.get("change_reason", "")
        data = {
            name: form.cleaned_data[name] for name in form.changed_data if name != "change_reason"
        }
        if not change:
            profile = {name: getattr(obj, name) for name in services.PROFILE_FIELDS}
            created = services.create_village(
                actor=request.user,
                code=obj.code,
                name=obj.name,
                town=obj.town,
                reason=reason,
                **profile,
            )
            obj.pk = created.pk
            return
        target = data.pop("merged_into", None)
        if target:
            data.pop("is_active", None)
        if data:
            services.update_village(
                actor=request.user, village_id=obj.pk, changes=data, reason=reason
            )
        if target:
            services.merge_village(
                actor=request.user, village_id=obj.pk, into_village_id=target.pk, reason=reason
            )

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(VillageEvent)
class VillageEventAdmin(RecordAdmin):
    list_display = ["occurred_at", "village", "kind", "actor", "from_value", "to_value"]
    list_filter = ["kind"]
    search_fields = ["village__name", "village__code", "from_value", "to_value"]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["user", "role", "region", "village", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__full_name", "village__name", "region__name"]
    autocomplete_fields = ["user", "region", "village"]
