"""Spot inspections, rectification orders and 重点通报."""

from rest_framework import serializers

from assessments.models import (
    Bulletin,
    RectificationOrder,
)


class RectificationOrderSerializer(serializers.ModelSerializer):
    village_code = serializers.CharField(source="village.code", read_only=True)
    notice = serializers.HyperlinkedIdentityField(
        view_name="api:order-notice", help_text="限期整改通知书(PDF)"
    )

    class Meta:
        model = RectificationOrder
        fields = [
            "id",
            "village",
            "village_code",
            "problem",
            "deadline",
            "status",
            "report",
            "reported_at",
            "closed_at",
            "created_at",
            "notice",
        ]


class InspectionFindingSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(source="criterion_id")
    met = serializers.BooleanField()
    comment = serializers.CharField()
    order = serializers.IntegerField(
        source="rectification_order.pk", allow_null=True, default=None, help_text="整改通知编号"
    )


class InspectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    village = serializers.IntegerField(source="village_id")
    village_code = serializers.CharField(source="village.code")
    village_name = serializers.CharField(source="village.name")
    inspected_on = serializers.DateField()
    inspectors = serializers.CharField()
    summary = serializers.CharField()
    findings = InspectionFindingSerializer(many=True)


class InspectionFindingInput(serializers.Serializer):
    criterion_id = serializers.IntegerField()
    met = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


class InspectionInput(serializers.Serializer):
    village_id = serializers.IntegerField()
    inspected_on = serializers.DateField()
    inspectors = serializers.CharField(max_length=200)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    findings = InspectionFindingInput(many=True, allow_empty=False)


class BulletinSerializer(serializers.ModelSerializer):
    town_code = serializers.CharField(source="town.code", read_only=True)
    villages = serializers.SlugRelatedField(many=True, slug_field="code", read_only=True)
    pdf = serializers.HyperlinkedIdentityField(
        view_name="api:bulletin-pdf", help_text="印发的重点通报(PDF)"
    )

    class Meta:
        model = Bulletin
        fields = [
            "id",
            "town",
            "town_code",
            "document_number",
            "title",
            "body",
            "issuer",
            "issued_on",
            "villages",
            "pdf",
        ]


class BulletinInput(serializers.Serializer):
    town_id = serializers.IntegerField()
    document_number = serializers.CharField(max_length=40)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField()
    issuer = serializers.CharField(max_length=100)
    issued_on = serializers.DateField()
    village_ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class ReportInput(serializers.Serializer):
    report = serializers.CharField(help_text="整改情况")


class AcceptInput(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReopenInput(serializers.Serializer):
    reason = serializers.CharField(help_text="验收不通过的原因")
    deadline = serializers.DateField(help_text="新的整改期限")
