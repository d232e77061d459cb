"""Campaigns, the city's samples, and the year's standing in the three rates."""

from rest_framework import serializers

from assessments.models import (
    Campaign,
    PassList,
    PassListEntry,
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


class PassListEntrySerializer(serializers.ModelSerializer):
    village_code = serializers.CharField(source="village.code", read_only=True)

    class Meta:
        model = PassListEntry
        fields = ["position", "village", "village_code", "village_name", "village_kind"]


class PassListSerializer(serializers.ModelSerializer):
    filed = serializers.SerializerMethodField(help_text="已报市委平安办备案")
    entries = PassListEntrySerializer(
        many=True,
        source="readable_entries",
        help_text="名单：已报备的为报备时的名单；草稿为按今日考评结论应列入的村(社区)",
    )
    pdf = serializers.HyperlinkedIdentityField(
        view_name="api:campaign-pass-list-pdf",
        lookup_field="campaign_id",
        lookup_url_kwarg="pk",
        help_text="通报(PDF)",
    )
    xlsx = serializers.HyperlinkedIdentityField(
        view_name="api:campaign-pass-list-xlsx",
        lookup_field="campaign_id",
        lookup_url_kwarg="pk",
        help_text="名单(Excel)",
    )

    class Meta:
        model = PassList
        fields = [
            "campaign",
            "filed",
            "document_number",
            "title",
            "body",
            "issuer",
            "issued_on",
            "updated_at",
            "entries",
            "pdf",
            "xlsx",
        ]

    def get_filed(self, pass_list) -> bool:
        return bool(pass_list.pdf)


class CandidacySerializer(serializers.Serializer):
    village = serializers.IntegerField(source="yearly.village_id")
    village_code = serializers.CharField(source="yearly.village.code")
    village_name = serializers.CharField(source="yearly.village.name")
    yearly_assessment = serializers.IntegerField(
        source="yearly.pk", help_text="通过市级复核的年度考评"
    )
    candidacy = serializers.IntegerField(
        source="candidacy.pk", allow_null=True, help_text="示范村推荐考评；镇平安办尚未准备时为空"
    )
    candidacy_status = serializers.CharField(source="candidacy.status", allow_null=True)
    city_passed = serializers.BooleanField(source="candidacy.city_passed", allow_null=True)
    waiting_for = serializers.CharField(
        allow_null=True, help_text="尚待办理的环节；已复核完毕时为空"
    )


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
