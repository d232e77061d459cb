"""Titles, incidents, recommendation lists and naming batches."""

from rest_framework import serializers

from api.serializers.common import EventSerializer
from assessments.models import (
    Incident,
    RecommendationList,
    Title,
    TitleEvent,
)


class TitleEventSerializer(EventSerializer):
    action = serializers.ChoiceField(choices=TitleEvent.Action.choices)
    incident = serializers.IntegerField(source="incident_id", allow_null=True)


class TitleSerializer(serializers.ModelSerializer):
    village_name = serializers.CharField(source="village.name", read_only=True)
    village_code = serializers.CharField(source="village.code", read_only=True)
    events = TitleEventSerializer(many=True, read_only=True)
    certificate = serializers.HyperlinkedIdentityField(
        view_name="api:title-certificate", help_text="荣誉证书(PDF)；已撤销的称号不出具证书"
    )

    class Meta:
        model = Title
        fields = [
            "id",
            "village",
            "village_code",
            "village_name",
            "kind",
            "first_year",
            "last_year",
            "status",
            "assessment",
            "naming",
            "certificate_number",
            "certificate_date",
            "issuer",
            "events",
            "certificate",
        ]


class IncidentSerializer(serializers.ModelSerializer):
    village_code = serializers.CharField(source="village.code", read_only=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "village",
            "village_code",
            "category",
            "category_name",
            "occurred_on",
            "description",
            "case_number",
            "status",
            "recorded_at",
            "correction_reason",
            "corrected_at",
        ]


class RecommendationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    assessment = serializers.IntegerField(source="assessment_id")
    position = serializers.IntegerField()
    village_code = serializers.CharField(source="assessment.village.code")
    village_name = serializers.CharField(source="assessment.village.name")
    justification = serializers.CharField()


class RecommendationListSerializer(serializers.ModelSerializer):
    city_code = serializers.CharField(source="city.code", read_only=True)
    recommendations = RecommendationSerializer(many=True, read_only=True)
    pdf = serializers.HyperlinkedIdentityField(
        view_name="api:recommendation-pdf", help_text="印发的推荐报告(PDF)"
    )

    class Meta:
        model = RecommendationList
        fields = [
            "id",
            "city",
            "city_code",
            "year",
            "document_number",
            "title",
            "body",
            "issuer",
            "issued_on",
            "recommendations",
            "pdf",
        ]


class NamingResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    province_code = serializers.CharField(source="province.code")
    document_number = serializers.CharField()
    issuer = serializers.CharField()
    named_on = serializers.DateField()
    first_year = serializers.IntegerField()
    last_year = serializers.IntegerField()
    titles = TitleSerializer(many=True)


class IncidentInput(serializers.Serializer):
    village_id = serializers.IntegerField()
    category = serializers.CharField(help_text="案事件类别代码，如 vice")
    occurred_on = serializers.DateField()
    description = serializers.CharField()
    case_number = serializers.CharField(required=False, allow_blank=True, default="")


class RecommendationPick(serializers.Serializer):
    assessment_id = serializers.IntegerField(help_text="示范村推荐考评的编号")
    justification = serializers.CharField()


class RecommendationInput(serializers.Serializer):
    city_id = serializers.IntegerField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    document_number = serializers.CharField(max_length=60)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField()
    issuer = serializers.CharField(max_length=100)
    issued_on = serializers.DateField()
    picks = RecommendationPick(many=True, allow_empty=False)


class NamingPick(serializers.Serializer):
    recommendation_id = serializers.IntegerField()
    certificate_number = serializers.CharField(max_length=40)


class NamingInput(serializers.Serializer):
    province_id = serializers.IntegerField()
    first_year = serializers.IntegerField(min_value=2000, max_value=2100)
    document_number = serializers.CharField(max_length=60)
    issuer = serializers.CharField(max_length=100)
    named_on = serializers.DateField()
    picks = NamingPick(many=True, allow_empty=False)


class TitleReviewInput(serializers.Serializer):
    keep = serializers.BooleanField(help_text="true 保留命名，false 取消命名")
    reason = serializers.CharField(help_text="复核意见")
