"""Official documents (公文): the issued ones of the places in reach, drafts for their office."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api import serializers as s
from api.documents import PDF_ANSWER, Printable
from api.schema import JSON
from api.views.common import REFUSALS, YEAR, ScopedViewSet, page_file, query_int, valid_data
from assessments import services
from assessments.selectors import access_document_by_id, visible_documents
from assessments.views import prepared_files as document_pages


@extend_schema_view(
    list=extend_schema(
        summary="公文：命名决定、抽查复核结果通报、年度创建工作总结；草稿仅发文机关可见",
        parameters=[YEAR, OpenApiParameter("kind", str, description="公文种类")],
    ),
    retrieve=extend_schema(
        summary="一份公文；请求头 Accept: application/pdf 时答以公文(PDF)",
        responses={(200, JSON): s.OfficialDocumentSerializer, **PDF_ANSWER, **REFUSALS},
    ),
)
class OfficialDocumentViewSet(Printable, ScopedViewSet, mixins.CreateModelMixin):
    serializer_class = s.OfficialDocumentSerializer
    access = staticmethod(access_document_by_id)

    def get_queryset(self):
        documents = visible_documents(self.request.user)
        if (year := query_int(self.request, "year")) is not None:
            documents = documents.filter(year=year)
        if kind := self.request.query_params.get("kind"):
            documents = documents.filter(kind=kind)
        return documents

    def _done(self, document_id, code=status.HTTP_200_OK):
        document = access_document_by_id(self.request.user, document_id)
        return Response(self.get_serializer(document).data, status=code)

    @extend_schema(
        summary="按年度数据拟制公文草稿(省委平安办：命名决定；市委平安办：抽查复核结果通报；"
        "镇平安办：年度创建工作总结)；已有草稿时打开该草稿",
        request=s.DocumentDraftInput,
        responses={201: s.OfficialDocumentSerializer, **REFUSALS},
    )
    def create(self, request):
        document = services.draft_document(
            actor=request.user, **valid_data(s.DocumentDraftInput, request)
        )
        return self._done(document.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="修改公文草稿(发文机关)",
        request=s.DocumentTextInput,
        responses={200: s.OfficialDocumentSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def save(self, request, pk):
        data = valid_data(s.DocumentTextInput, request)
        document = access_document_by_id(request.user, pk)
        services.save_document(actor=request.user, document_id=document.pk, **data)
        return self._done(document.pk)

    @extend_schema(
        summary="印发公文(发文机关)：编号、生成正式文件并冻结；须已填发文字号和成文日期",
        request=None,
        responses={200: s.OfficialDocumentSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def issue(self, request, pk):
        document = access_document_by_id(request.user, pk)
        services.issue_document(actor=request.user, document_id=document.pk)
        return self._done(document.pk)

    printed_by = "pdf"
    pdf = page_file(
        "pdf",
        "公文(PDF)：已印发的为印发时生成的文件；草稿印“草稿”、无文号",
        document_pages.document_pdf,
        "document_id",
    )
