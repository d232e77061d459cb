"""Assessments: the village's self-assessment, the town's and the city's findings."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from api import serializers as s
from api.documents import PDF_ANSWER, Printable
from api.schema import JSON
from api.views.common import (
    REFUSALS,
    STATUS,
    TOWN,
    YEAR,
    ScopedViewSet,
    page_file,
    query_int,
    region_param,
    valid_data,
    village_param,
)
from assessments import services
from assessments.models import (
    Assessment,
)
from assessments.selectors import (
    access_assessment_by_id,
    visible_assessments,
    with_year_titles,
)
from assessments.views import campaigns as campaign_pages


@extend_schema_view(
    list=extend_schema(
        summary="考评(含结论与原因)",
        parameters=[
            YEAR,
            TOWN,
            STATUS,
            OpenApiParameter("campaign", int),
            OpenApiParameter(
                "kind", str, description="yearly 年度考评；demonstration 示范村推荐考评"
            ),
            OpenApiParameter("village", str, description="村(社区)的统计用区划代码，也接受其编号"),
        ],
    ),
    retrieve=extend_schema(
        summary="一份考评；请求头 Accept: application/pdf 时答以考评报告(PDF)",
        responses={(200, JSON): s.AssessmentDetailSerializer, **PDF_ANSWER, **REFUSALS},
    ),
)
class AssessmentViewSet(Printable, ScopedViewSet):
    def get_serializer_class(self):
        return s.AssessmentSerializer if self.action == "list" else s.AssessmentDetailSerializer

    def get_queryset(self):
        assessments = with_year_titles(
            visible_assessments(self.request.user).order_by(
                "-campaign__year", "village__code", "kind"
            )
        )
        if (year := query_int(self.request, "year")) is not None:
            assessments = assessments.filter(campaign__year=year)
        if (town := region_param(self.request, "town")) is not None:
            assessments = assessments.filter(village__town_id=town)
        if (campaign := query_int(self.request, "campaign")) is not None:
            assessments = assessments.filter(campaign_id=campaign)
        if assessment_status := self.request.query_params.get("status"):
            assessments = assessments.filter(status=assessment_status)
        if kind := self.request.query_params.get("kind"):
            assessments = assessments.filter(kind=kind)
        if (village := village_param(self.request, "village")) is not None:
            assessments = assessments.filter(village_id=village)
        return assessments

    def get_object(self):
        assessment = access_assessment_by_id(self.request.user, self.kwargs["pk"])
        return with_year_titles(
            Assessment.objects.select_related("campaign", "village").prefetch_related(
                "answers", "findings", "events__actor", "events__comments__criterion"
            )
        ).get(pk=assessment.pk)

    def _done(self, pk):
        self.kwargs["pk"] = pk
        return Response(
            s.AssessmentDetailSerializer(
                self.get_object(), context=self.get_serializer_context()
            ).data
        )

    printed_by = "report"
    report = page_file(
        "report", "考评报告(PDF)", campaign_pages.assessment_report_pdf, "assessment_id"
    )

    def _act(self, request, pk, service, **arguments):
        """As CampaignViewSet._act: reach the assessment, call the service, answer it."""
        assessment = access_assessment_by_id(request.user, pk)
        service(actor=request.user, assessment_id=assessment.pk, **arguments)
        return self._done(assessment.pk)

    @extend_schema(
        summary="保存一项自评答案(村(社区)书记)；只保留该条目类型对应的字段",
        request=s.AnswerInput,
        responses={200: s.AssessmentDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def answers(self, request, pk):
        assessment = access_assessment_by_id(request.user, pk)
        services.save_answer(
            actor=request.user, assessment_id=assessment.pk, **valid_data(s.AnswerInput, request)
        )
        return self._done(assessment.pk)

    @extend_schema(
        summary="保存创建方案(村(社区)书记)",
        request=s.PlanInput,
        responses={200: s.AssessmentDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def plan(self, request, pk):
        assessment = access_assessment_by_id(request.user, pk)
        services.save_plan(
            actor=request.user, assessment_id=assessment.pk, **valid_data(s.PlanInput, request)
        )
        return self._done(assessment.pk)

    @extend_schema(
        summary="上传一项佐证材料(村(社区)书记)；文件类型按内容检查",
        request={"multipart/form-data": s.EvidenceInput},
        responses={201: s.EvidenceSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def evidence(self, request, pk):
        data = valid_data(s.EvidenceInput, request)
        assessment = access_assessment_by_id(request.user, pk)
        evidence = services.add_evidence(
            actor=request.user,
            assessment_id=assessment.pk,
            criterion_id=data["criterion_id"],
            upload=data["file"],
            covers_from=data["covers_from"],
            covers_until=data["covers_until"],
        )
        return Response(s.EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="提交自评(村(社区)书记)；未完成的条目在 missing 中逐项列出",
        request=None,
        responses={200: s.AssessmentDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk):
        return self._act(request, pk, services.submit_assessment)

    @extend_schema(
        summary="退回修改(镇平安办)：逐条目写明退回意见(条目编号 → 意见)，或写整体意见",
        request=s.ReturnInput,
        responses={200: s.AssessmentDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_for_changes(self, request, pk):
        data = valid_data(s.ReturnInput, request)
        return self._act(request, pk, services.return_assessment, **data)

    @extend_schema(
        summary="延长一个村(社区)的自评截止日期(镇平安办)，须说明原因",
        request=s.ExtendInput,
        responses={200: s.AssessmentDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def extend(self, request, pk):
        data = valid_data(s.ExtendInput, request)
        return self._act(request, pk, services.extend_deadline, **data)

    @extend_schema(
        summary="记录考核意见：镇级考核(镇平安办)或市级复核(市委平安办)，全部保存或全部不保存",
        request=s.FindingsInput,
        responses={200: s.AssessmentDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def findings(self, request, pk):
        data = valid_data(s.FindingsInput, request)
        assessment = access_assessment_by_id(request.user, pk)
        services.save_findings(
            actor=request.user,
            assessment_id=assessment.pk,
            stage=data["stage"],
            findings=[dict(finding) for finding in data["findings"]],
        )
        return self._done(assessment.pk)

    @extend_schema(
        summary="得出镇级考核结论(镇平安办)",
        request=None,
        responses={200: s.AssessmentDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="conclude-town")
    def conclude_town(self, request, pk):
        return self._act(request, pk, services.conclude_town_assessment)

    @extend_schema(
        summary="得出市级复核结论(市委平安办)；不合格即取消年度结果",
        request=None,
        responses={200: s.AssessmentDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="conclude-city")
    def conclude_city(self, request, pk):
        return self._act(request, pk, services.conclude_city_review)

    @extend_schema(
        summary="为复核合格的村(社区)准备示范村推荐考评(镇平安办)",
        request=None,
        responses={201: s.AssessmentDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def candidacy(self, request, pk):
        assessment = access_assessment_by_id(request.user, pk)
        candidacy = services.start_candidacy(actor=request.user, assessment_id=assessment.pk)
        response = self._done(candidacy.pk)
        response.status_code = status.HTTP_201_CREATED
        return response
