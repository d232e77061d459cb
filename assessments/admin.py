from django.contrib import admin, messages
from django.utils.html import format_html

from assessments import services
from assessments.models import (
    STANDARD_LOCKED_MESSAGE,
    Assessment,
    AssessmentEvent,
    Campaign,
    CampaignEvent,
    Criterion,
    DocumentSetting,
    Evidence,
    Holiday,
    IncidentCategory,
    IncidentGroup,
    Standard,
    StandardEvent,
)
from audit.admin_changes import AuditedAdmin
from villages.admin import RecordAdmin, RecordInline


class IncidentCategoryInline(admin.TabularInline):
    model = IncidentCategory
    extra = 0
    fields = ["order", "code", "name", "disqualifying", "is_active", "description"]


@admin.register(Holiday)
class HolidayAdmin(AuditedAdmin, admin.ModelAdmin):
    """The calendar 公示 periods are counted on: each year's 法定节假日 and 调休上班 days."""

    list_display = ["day", "name", "is_workday"]
    list_filter = ["is_workday"]
    date_hierarchy = "day"
    search_fields = ["name"]


@admin.register(IncidentGroup)
class IncidentGroupAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "code", "confirmation", "source"]
    inlines = [IncidentCategoryInline]

    @admin.display(description="核实状态")
    def confirmation(self, group):
        if group.needs_confirmation:
            return format_html('<strong style="color:#b71c1c">{}</strong>', "待对照上级文件核实")
        return "已确认"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        group = self.get_object(request, object_id)
        if group is not None and group.needs_confirmation:
            messages.warning(
                request,
                f"“{group.name}”的具体内容依据文件未列明，现有条目为暂定，"
                f"请对照{group.source or '上级文件'}核实后取消“待核实”标记。",
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(IncidentCategory)
class IncidentCategoryAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "code", "group", "disqualifying", "is_active"]
    list_filter = ["group", "disqualifying", "is_active"]
    search_fields = ["name", "code"]


class CriterionInline(admin.StackedInline):
    model = Criterion
    extra = 0
    fk_name = "standard"
    fields = [
        ("order", "number", "key", "parent"),
        "title",
        "text",
        ("kind", "incident_category"),
        ("comparator", "bound", "unit", "profile_field"),
        "max_score",
        ("expected_evidence", "evidence_required"),
        "shows_publicity",
    ]

    def _editable(self, obj):
        return obj is None or obj.is_editable

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            standard_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Criterion.objects.filter(standard_id=standard_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class StandardEventInline(RecordInline):
    model = StandardEvent
    fields = ["occurred_at", "kind", "actor", "from_status", "to_status", "reason"]


@admin.register(Standard)
class StandardAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "code", "version", "effective_year", "kind", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "code"]
    inlines = [CriterionInline, StandardEventInline]
    actions = ["copy_as_new_version"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        standard = self.get_object(request, object_id)
        if standard is not None and not standard.is_editable:
            messages.warning(request, STANDARD_LOCKED_MESSAGE)
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="复制为新版本")
    def copy_as_new_version(self, request, queryset):
        for standard in queryset:
            copy = services.copy_standard_as_new_version(
                actor=request.user, standard_id=standard.pk
            )
            self.message_user(request, f"已生成“{copy}”，可编辑。", messages.SUCCESS)


@admin.register(StandardEvent)
class StandardEventAdmin(RecordAdmin):
    list_display = ["occurred_at", "standard", "kind", "actor", "reason"]


class CampaignEventInline(RecordInline):
    model = CampaignEvent
    fields = ["occurred_at", "actor", "from_status", "to_status", "reason"]


@admin.register(Campaign)
class CampaignAdmin(AuditedAdmin, admin.ModelAdmin):
    """Deadlines may be corrected here; the state moves only through the portal's actions."""

    list_display = ["__str__", "year", "town", "standard", "status", "self_assessment_due"]
    list_filter = ["status", "year"]
    inlines = [CampaignEventInline]

    def get_readonly_fields(self, request, obj=None):
        return ["town", "year", "standard"] if obj else []

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AssessmentEventInline(RecordInline):
    model = AssessmentEvent
    fields = ["occurred_at", "action", "actor", "from_status", "to_status", "reason"]


@admin.register(Assessment)
class AssessmentAdmin(RecordAdmin):
    list_display = ["village", "campaign", "status", "submitted_at", "submitted_late"]
    list_filter = ["status", "campaign"]
    search_fields = ["village__name", "village__code"]
    inlines = [AssessmentEventInline]


@admin.register(Evidence)
class EvidenceAdmin(RecordAdmin):
    list_display = [
        "original_name",
        "assessment",
        "criterion",
        "content_type",
        "size",
        "uploaded_at",
    ]
    list_filter = ["content_type"]
    search_fields = ["original_name", "assessment__village__name"]
    exclude = ["file", "thumbnail"]


@admin.register(DocumentSetting)
class DocumentSettingAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["region", "kind", "issuing_body", "direction", "copies_to"]
    list_filter = ["kind", "direction", "region__level"]
    search_fields = ["region__name", "issuing_body__full_name"]
    autocomplete_fields = ["region", "issuing_body"]
