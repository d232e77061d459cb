"""What the API shows, and what it accepts; the accepted data goes straight to the services."""

from rest_framework import serializers

from assessments.models import (
    Answer,
    Assessment,
    AssessmentEvent,
    Bulletin,
    Campaign,
    Criterion,
    Finding,
    Incident,
    IncidentCategory,
    RecommendationList,
    RectificationOrder,
    Sample,
    SampleEntry,
    Standard,
    Title,
    TitleEvent,
)
from assessments.selectors import result_sentence
from audit.models import AuditEntry
from villages.models import NUMERIC_PROFILE_FIELDS, Region, Village


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent"]


class VillageSerializer(serializers.ModelSerializer):
    town_name = serializers.CharField(source="town.name", read_only=True)

    class Meta:
        model = Village
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "town",
            "town_name",
            "is_active",
            "merged_into",
            "secretary_name",
            *NUMERIC_PROFILE_FIELDS,
        ]


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


class AnswerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Answer
        fields = [
            "criterion",
            "veto_occurred",
            "met",
            "value",
            "score",
            "narrative",
            "carried_over",
            "version",
            "updated_at",
        ]


class FindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Finding
        fields = [
            "criterion",
            "stage",
            "agrees",
            "veto_occurred",
            "met",
            "value",
            "score",
            "comment",
            "recorded_at",
        ]


class EventSerializer(serializers.Serializer):
    actor = serializers.CharField(source="actor.username")
    occurred_at = serializers.DateTimeField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    reason = serializers.CharField()


class ReturnCommentSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(source="criterion_id", allow_null=True)
    criterion_key = serializers.CharField(source="criterion.key", allow_null=True, default=None)
    text = serializers.CharField(help_text="退回意见")
    answered_at = serializers.DateTimeField(allow_null=True, help_text="书记处理该意见的时间")
    kept_note = serializers.CharField(help_text="书记确认无需修改时的说明")


class AssessmentEventSerializer(EventSerializer):
    action = serializers.ChoiceField(choices=AssessmentEvent.Action.choices)
    comments = ReturnCommentSerializer(
        many=True, read_only=True, help_text="退回时逐条目的退回意见(条目为空者为整体意见)"
    )


class TitleEventSerializer(EventSerializer):
    action = serializers.ChoiceField(choices=TitleEvent.Action.choices)
    incident = serializers.IntegerField(source="incident_id", allow_null=True)


class AssessmentSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="campaign.year", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    village_code = serializers.CharField(source="village.code", read_only=True)
    result_sentence = serializers.SerializerMethodField(
        help_text="该年度结果一句话：镇级考核、市级复核、结果取消及称号撤销，依次列明原因"
    )

    class Meta:
        model = Assessment
        fields = [
            "id",
            "campaign",
            "year",
            "village",
            "village_code",
            "village_name",
            "kind",
            "standard",
            "status",
            "submitted_at",
            "submitted_late",
            "town_passed",
            "town_reasons",
            "town_total_score",
            "result_passed",
            "result_reasons",
            "city_passed",
            "city_reasons",
            "result_sentence",
        ]

    def get_result_sentence(self, assessment) -> str:
        return result_sentence(assessment)


class AssessmentDetailSerializer(AssessmentSerializer):
    answers = AnswerSerializer(many=True, read_only=True)
    findings = FindingSerializer(many=True, read_only=True)
    events = AssessmentEventSerializer(many=True, read_only=True)

    class Meta(AssessmentSerializer.Meta):
        fields = [
            *AssessmentSerializer.Meta.fields,
            "plan_text",
            "outreach_text",
            "answers",
            "findings",
            "events",
        ]


class TitleSerializer(serializers.ModelSerializer):
    village_name = serializers.CharField(source="village.name", read_only=True)
    village_code = serializers.CharField(source="village.code", read_only=True)
    events = TitleEventSerializer(many=True, read_only=True)

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


class RectificationOrderSerializer(serializers.ModelSerializer):
    village_code = serializers.CharField(source="village.code", read_only=True)

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


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    criterion = serializers.IntegerField(source="criterion_id")
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()
    captured_at = serializers.DateTimeField(allow_null=True, help_text="照片 EXIF 拍摄时间")
    covers_from = serializers.DateField(allow_null=True)
    covers_until = serializers.DateField(allow_null=True)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="中文说明")
    code = serializers.CharField()
    missing = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="提交自评时尚未完成的各项"
    )
    current = AnswerSerializer(required=False, help_text="服务器上较新的答案(版本冲突时)")


# What the API accepts.


class JudgementInput(serializers.Serializer):
    """One criterion's judgement; only the field of the criterion's kind is kept."""

    criterion_id = serializers.IntegerField()
    veto_occurred = serializers.BooleanField(required=False, allow_null=True, default=None)
    met = serializers.BooleanField(required=False, allow_null=True, default=None)
    value = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True, default=None
    )
    score = serializers.DecimalField(
        max_digits=6, decimal_places=2, required=False, allow_null=True, default=None
    )


class AnswerInput(JudgementInput):
    narrative = serializers.CharField(required=False, allow_blank=True, default="")
    base_version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
        help_text="保存所依据的答案版本；服务器上已有更新的版本时拒绝(409)，并返回 current",
    )


class PlanInput(serializers.Serializer):
    plan_text = serializers.CharField(help_text="创建方案")
    outreach_text = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="向小区、湾组、网格、家庭延伸情况"
    )


class EvidenceInput(serializers.Serializer):
    criterion_id = serializers.IntegerField()
    file = serializers.FileField(help_text="照片(JPEG、PNG)或文档(PDF、Word、Excel)，不超过 20 MB")
    covers_from = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="材料所涉期间(起)"
    )
    covers_until = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="材料所涉期间(止)"
    )


class FindingInput(JudgementInput):
    agrees = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class FindingsInput(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Finding.Stage.choices, default=Finding.Stage.TOWN)
    findings = FindingInput(many=True, allow_empty=False)


class CampaignInput(serializers.Serializer):
    town_id = serializers.IntegerField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    standard_id = serializers.IntegerField()
    self_assessment_due = serializers.DateField()
    town_assessment_due = serializers.DateField()
    city_review_due = serializers.DateField()
    recommendation_due = serializers.DateField(required=False, allow_null=True, default=None)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RequiredReasonInput(serializers.Serializer):
    reason = serializers.CharField()


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


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="令牌全文，仅此一次显示，请妥善保存")
    expiry = serializers.DateTimeField(help_text="有效期至")
    name = serializers.CharField(help_text="用途")


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


class ReturnInput(serializers.Serializer):
    comments = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        default=dict,
        help_text="条目编号 → 退回意见",
    )
    general_reason = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_comments(self, comments):
        try:
            return {int(key): text for key, text in comments.items()}
        except ValueError:
            raise serializers.ValidationError("退回意见的键应为条目编号。") from None


class ExtendInput(serializers.Serializer):
    due_date = serializers.DateField(help_text="新的自评截止日期")
    reason = serializers.CharField(help_text="延长原因")


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


class TitleReviewInput(serializers.Serializer):
    keep = serializers.BooleanField(help_text="true 保留命名，false 取消命名")
    reason = serializers.CharField(help_text="复核意见")
