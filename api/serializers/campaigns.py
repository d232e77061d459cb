"""Campaigns, the city's samples, and the year's standing in the three rates."""

from rest_framework import serializers

from assessments.models import (
    Campaign,
    Sample,
    SampleEntry,
    SamplingRule,
)


class SampleEntrySerializer(serializers.ModelSerializer):
    village = serializers.IntegerField(source="assessment.village_id", read_only=True)
    village_name = serializers.CharField(source="assessment.village.name", read_only=True)
    village_code = serializers.CharField(source="assessment.village.code", read_only=True)
    city_passed = serializers.BooleanField(
        source="assessment.city_passed", read_only=True, allow_null=True
    )

    class Meta:
        model = SampleEntry
        fields = [
            "position",
            "assessment",
            "village",
            "village_code",
            "village_name",
            "forced",
            "city_passed",
        ]


class SampleSerializer(serializers.ModelSerializer):
    entries = SampleEntrySerializer(many=True, read_only=True)

    class Meta:
        model = Sample
        fields = [
            "id",
            "ratio",
            "minimum_count",
            "seed",
            "method",
            "drawn_at",
            "redraw_reason",
            "entries",
        ]


class CampaignSerializer(serializers.ModelSerializer):
    town_name = serializers.CharField(source="town.name", read_only=True)
    sample = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "year",
            "town",
            "town_name",
            "standard",
            "status",
            "self_assessment_due",
            "town_assessment_due",
            "city_review_due",
            "recommendation_due",
            "opened_at",
            "approved_at",
            "filed_at",
            "sample",
        ]

    def get_sample(self, campaign) -> SampleSerializer(allow_null=True):
        current = [s for s in campaign.samples.all() if s.is_current]
        return SampleSerializer(current[0]).data if current else None


class CampaignInput(serializers.Serializer):
    town_id = serializers.IntegerField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    standard_id = serializers.IntegerField()
    self_assessment_due = serializers.DateField()
    town_assessment_due = serializers.DateField()
    city_review_due = serializers.DateField()
    recommendation_due = serializers.DateField(required=False, allow_null=True, default=None)


class PassListInput(serializers.Serializer):
    document_number = serializers.CharField(max_length=60)
    issued_on = serializers.DateField()
    title = serializers.CharField(required=False, max_length=200)
    body = serializers.CharField(required=False)
    issuer = serializers.CharField(required=False, max_length=100)


class SampleInput(serializers.Serializer):
    ratio = serializers.DecimalField(max_digits=4, decimal_places=3, min_value=0, max_value=1)
    minimum_count = serializers.IntegerField(min_value=0, max_value=10000)
    seed = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    forced = serializers.DictField(
        child=serializers.CharField(), required=False, default=dict, help_text="必抽村代码→原因"
    )


class RateSerializer(serializers.Serializer):
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    value = serializers.DecimalField(
        max_digits=5, decimal_places=4, allow_null=True, help_text="比率(0–1)，无分母时为空"
    )
    meets_target = serializers.BooleanField()


class RatesSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="参与创建的村(社区)数")
    passed = serializers.IntegerField(help_text="镇级考核达标数")
    reviewed = serializers.IntegerField(help_text="市级已复核数")
    review_passed = serializers.IntegerField(help_text="市级复核合格数")
    holding = serializers.IntegerField(help_text="持有本年度有效平安村(社区)称号数")
    target = serializers.DecimalField(max_digits=4, decimal_places=3, help_text="目标比率")
    pass_rate = RateSerializer(help_text="达标率")
    review_pass_rate = RateSerializer(help_text="复核合格率")
    holding_rate = RateSerializer(help_text="称号保有率")


class TownStandingSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(source="campaign.pk")
    town_code = serializers.CharField(source="campaign.town.code")
    town_name = serializers.CharField(source="campaign.town.name")
    status = serializers.CharField(source="campaign.status")
    rates = RatesSerializer()


class StandingSerializer(serializers.Serializer):
    code = serializers.CharField(source="region.code")
    name = serializers.CharField(source="region.name")
    level = serializers.CharField(source="region.level")
    year = serializers.IntegerField()
    rates = RatesSerializer(help_text="辖区合计")
    towns = TownStandingSerializer(many=True)


class SampleHistorySerializer(SampleSerializer):
    is_current = serializers.BooleanField()
    replaces = serializers.IntegerField(source="replaces_id", allow_null=True)

    class Meta(SampleSerializer.Meta):
        fields = [*SampleSerializer.Meta.fields, "is_current", "replaces"]


class SamplingRuleSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = SamplingRule
        fields = ["region", "region_code", "region_name", "ratio", "minimum_count", "target_ratio"]
