"""What several representations share: the event rows, reasons and tokens."""

from rest_framework import serializers


class EventSerializer(serializers.Serializer):
    actor = serializers.CharField(source="actor.username")
    occurred_at = serializers.DateTimeField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    reason = serializers.CharField()


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


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RequiredReasonInput(serializers.Serializer):
    reason = serializers.CharField()


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="令牌全文，仅此一次显示，请妥善保存")
    expiry = serializers.DateTimeField(help_text="有效期至")
    name = serializers.CharField(help_text="用途")
