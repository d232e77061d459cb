"""Assessments: answers, findings, returns, evidence, what a village or reviewer sends, and
the refusals (which may carry the newer answer)."""

from rest_framework import serializers

from api.serializers.common import EventSerializer, JudgementInput
from assessments.models import (
    Answer,
    Assessment,
    AssessmentEvent,
    Finding,
)
from assessments.selectors import result_sentence


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
    report = serializers.HyperlinkedIdentityField(
        view_name="api:assessment-report", help_text="考评报告(PDF)"
    )

    class Meta(AssessmentSerializer.Meta):
        fields = [
            *AssessmentSerializer.Meta.fields,
            "plan_text",
            "outreach_text",
            "answers",
            "findings",
            "events",
            "report",
        ]


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
    status = serializers.CharField(
        help_text="processing 照片处理中(尚不能下载)；ready 可用；refused 无法使用(见 refusal)"
    )
    refusal = serializers.CharField(help_text="无法使用的原因")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="中文说明")
    code = serializers.CharField()
    missing = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="提交自评时尚未完成的各项"
    )
    current = AnswerSerializer(required=False, help_text="服务器上较新的答案(版本冲突时)")


# What the API accepts.


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
