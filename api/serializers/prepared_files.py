"""Official documents (公文) drafted and issued in the portal."""

from rest_framework import serializers

from assessments.models import OfficialDocument


class OfficialDocumentSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)
    pdf = serializers.HyperlinkedIdentityField(
        view_name="api:document-pdf", help_text="印发的公文(PDF)；草稿印“草稿”、无文号"
    )

    class Meta:
        model = OfficialDocument
        fields = [
            "id",
            "kind",
            "region",
            "region_code",
            "year",
            "naming",
            "status",
            "document_number",
            "title",
            "body",
            "issuer",
            "issued_on",
            "updated_at",
            "pdf",
        ]


class DocumentDraftInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OfficialDocument.KIND_CHOICES)
    region_id = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="发文区划(命名决定不填)"
    )
    year = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=2000, max_value=2100
    )
    naming_id = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="审定命名批次(仅命名决定)"
    )


class DocumentTextInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(help_text="第一行以“：”结尾的作为主送机关；每行为一段")
    issuer = serializers.CharField(max_length=100)
    document_number = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="", help_text="印发时必填"
    )
    issued_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="成文日期，印发时必填"
    )
