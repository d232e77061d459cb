"""Changes made in the admin site reach the audit trail from the admin itself, one entry per
object added, changed or deleted, inline rows (a role granted on a user's page) included."""

import json

from django.forms.models import model_to_dict

from audit.trail import record

# Values the trail must not keep: it is read by offices and exported to Excel.
SECRET_FIELDS = ("password", "secret")


def snapshot(instance):
    """The object's editable values, JSON-safe, passwords and signing secrets left out."""
    if instance is None:
        return None
    values = model_to_dict(instance)
    for name in SECRET_FIELDS:
        values.pop(name, None)
    return json.loads(json.dumps(values, default=str))


def _action(instance, verb):
    return f"admin.{instance._meta.model_name}.{verb}"


class AuditedAdmin:
    """Mixed into a ModelAdmin before admin.ModelAdmin."""

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj)._default_manager.filter(pk=obj.pk).first()) if change else None
        super().save_model(request, obj, form, change)
        record(
            action=_action(obj, "changed" if change else "added"),
            actor=request.user,
            target=obj,
            before=before,
            after=snapshot(obj),
        )

    def delete_model(self, request, obj):
        record(action=_action(obj, "deleted"), actor=request.user, target=obj, before=snapshot(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            record(
                action=_action(obj, "deleted"),
                actor=request.user,
                target=obj,
                before=snapshot(obj),
            )
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        before = {
            row.instance.pk: snapshot(type(row.instance)._default_manager.get(pk=row.instance.pk))
            for row in formset.forms
            if row.instance.pk and row.has_changed()
        }
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            record(
                action=_action(obj, "added"), actor=request.user, target=obj, after=snapshot(obj)
            )
        for obj, _fields in formset.changed_objects:
            record(
                action=_action(obj, "changed"),
                actor=request.user,
                target=obj,
                before=before.get(obj.pk),
                after=snapshot(obj),
            )
        for obj in formset.deleted_objects:
            record(
                action=_action(obj, "deleted"),
                actor=request.user,
                target=obj,
                before=snapshot(obj),
            )
