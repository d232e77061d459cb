"""The audit trail's entries."""

from rest_framework import serializers

from audit.models import AuditEntry


class AuditEntrySerializer(serializers.ModelSerializer):
    village = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = AuditEntry
        fields = [
            "sequence",
            "occurred_at",
            "actor_name",
            "address",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "village",
            "region",
            "before",
            "after",
            "previous_hash",
            "entry_hash",
        ]
