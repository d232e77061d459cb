"""Standards with their criteria, and the incident categories with their codes."""

from rest_framework import serializers

from assessments.models import (
    Criterion,
    IncidentCategory,
    Standard,
)


class CriterionSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    incident_category = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Criterion
        fields = [
            "id",
            "key",
            "parent",
            "number",
            "label",
            "title",
            "text",
            "kind",
            "incident_category",
            "comparator",
            "bound",
            "unit",
            "max_score",
            "evidence_required",
            "expected_evidence",
        ]


class StandardSerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Standard
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "version",
            "effective_year",
            "status",
            "pass_mark",
            "source_document",
            "criteria",
        ]


class IncidentCategorySerializer(serializers.ModelSerializer):
    group = serializers.SlugRelatedField(slug_field="code", read_only=True)
    group_name = serializers.CharField(source="group.name", read_only=True, allow_null=True)

    class Meta:
        model = IncidentCategory
        fields = [
            "code",
            "name",
            "group",
            "group_name",
            "disqualifying",
            "is_active",
            "description",
        ]
