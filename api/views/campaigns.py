"""Campaigns and the steps of the town and the city on them."""

from types import SimpleNamespace

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api import serializers as s
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
)
from assessments import services
from assessments.exports import CAMPAIGN_EXPORTS
from assessments.models import (
    Sample,
    SampleEntry,
    SamplingRule,
)
from assessments.selectors import (
    access_campaign_by_id,
    access_region_by_id,
    access_standard_by_id,
    candidacies_of,
    candidacy_waits_for,
    readable_pass_list,
    visible_campaigns,
)
from assessments.views import city_review, sheets, town_review
from villages.selectors import visible_regions


def _with_samples(campaigns):
    current = Sample.objects.filter(is_current=True).prefetch_related(
        Prefetch(
            "entries",
            queryset=SampleEntry.objects.select_related("assessment__village").order_by("position"),
        )
    )
    return campaigns.prefetch_related(Prefetch("samples", queryset=current))


@extend_schema_view(
    list=extend_schema(summary="创建活动", parameters=[YEAR, TOWN, STATUS]),
    retrieve=extend_schema(summary="一个创建活动(含当前抽查)"),
)
class CampaignViewSet(ScopedViewSet, mixins.CreateModelMixin):
    serializer_class = s.CampaignSerializer

    def get_queryset(self):
        campaigns = visible_campaigns(self.request.user)
        if (year := query_int(self.request, "year")) is not None:
            campaigns = campaigns.filter(year=year)
        if (town := region_param(self.request, "town")) is not None:
            campaigns = campaigns.filter(town_id=town)
        if campaign_status := self.request.query_params.get("status"):
            campaigns = campaigns.filter(status=campaign_status)
        return _with_samples(campaigns)

    def get_object(self):
        campaign = access_campaign_by_id(self.request.user, self.kwargs["pk"])
        return _with_samples(visible_campaigns(self.request.user)).get(pk=campaign.pk)

    def _done(self, campaign_id, code=status.HTTP_200_OK):
        self.kwargs["pk"] = campaign_id
        return Response(s.CampaignSerializer(self.get_object()).data, status=code)

    @extend_schema(
        summary="新建创建活动(镇平安办)",
        request=s.CampaignInput,
        responses={201: s.CampaignSerializer, **REFUSALS},
    )
    def create(self, request):
        data = valid_data(s.CampaignInput, request)
        town = access_region_by_id(request.user, data.pop("town_id"), ["town"])
        standard = access_standard_by_id(request.user, data.pop("standard_id"))
        campaign = services.create_campaign(
            actor=request.user, town=town, standard=standard, **data
        )
        return self._done(campaign.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="该创建活动的全部抽查(含被重新抽取取代的)，每个村(社区)带统计用区划代码",
        responses={200: s.SampleHistorySerializer(many=True), **REFUSALS},
    )
    @action(detail=True, methods=["get"])
    def samples(self, request, pk):
        campaign = access_campaign_by_id(request.user, pk)
        history = (
            Sample.objects.filter(campaign=campaign)
            .order_by("drawn_at", "id")
            .prefetch_related(
                Prefetch(
                    "entries",
                    queryset=SampleEntry.objects.select_related("assessment__village").order_by(
                        "position"
                    ),
                )
            )
        )
        return Response(s.SampleHistorySerializer(history, many=True).data)

    @extend_schema(
        summary="示范村推荐：通过市级复核的每个村(社区)及其示范村推荐考评、尚待办理的环节",
        responses={200: s.CandidacySerializer(many=True), **REFUSALS},
    )
    @action(detail=True, methods=["get"])
    def candidacies(self, request, pk):
        campaign = access_campaign_by_id(request.user, pk)
        rows = [
            SimpleNamespace(
                yearly=yearly, candidacy=candidacy, waiting_for=candidacy_waits_for(candidacy)
            )
            for yearly, candidacy in candidacies_of(campaign)
        ]
        return Response(s.CandidacySerializer(rows, many=True).data)

    def _act(self, request, pk, service, **arguments):
        campaign = access_campaign_by_id(request.user, pk)
        service(actor=request.user, campaign_id=campaign.pk, **arguments)
        return self._done(campaign.pk)

    @extend_schema(
        summary="启动自评(镇平安办)",
        request=None,
        responses={200: s.CampaignSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="open")
    def open(self, request, pk):
        return self._act(request, pk, services.open_campaign)

    @extend_schema(
        summary="结束自评，进入镇级考核(镇平安办)；截止日期前或尚有村(社区)未提交时须写明原因",
        request=s.ReasonInput,
        responses={200: s.CampaignSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="close-self-assessment")
    def close_self_assessment(self, request, pk):
        return self._act(
            request, pk, services.close_self_assessment, **valid_data(s.ReasonInput, request)
        )

    @extend_schema(
        summary="审定考评结果(镇平安建设领导小组)",
        request=s.ReasonInput,
        responses={200: s.CampaignSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk):
        return self._act(
            request, pk, services.approve_campaign, **valid_data(s.ReasonInput, request)
        )

    @extend_schema(
        methods=["GET"],
        summary="达标名单通报及名单(已报备的为报备时的文字和名单；草稿仅镇平安办和镇领导小组可取)",
        responses={200: s.PassListSerializer, **REFUSALS},
    )
    @extend_schema(
        methods=["POST"],
        summary="拟制达标名单通报(镇平安办)；标题、正文、发文机关缺省时使用默认文字",
        request=s.PassListInput,
        responses={200: s.CampaignSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["get", "post"], url_path="pass-list")
    def pass_list(self, request, pk):
        if request.method == "GET":
            campaign = access_campaign_by_id(request.user, pk)
            pass_list, pass_list.readable_entries = readable_pass_list(request.user, campaign)
            return Response(
                s.PassListSerializer(pass_list, context=self.get_serializer_context()).data
            )
        data = valid_data(s.PassListInput, request)
        campaign = access_campaign_by_id(request.user, pk)
        passed = campaign.assessments.filter(kind="yearly", result_passed=True).count()
        text = {**services.default_pass_list_text(campaign, passed), **data}
        return self._act(request, pk, services.save_pass_list, **text)

    pass_list_pdf = page_file(
        "pass-list/pdf",
        "达标名单通报(PDF)：已报备的为报备时生成的文件；报备前的草稿(印“草稿”、无文号)"
        "仅镇平安办和镇领导小组可取",
        town_review.pass_list_pdf,
        "campaign_id",
    )

    pass_list_xlsx = page_file(
        "pass-list/xlsx",
        "达标名单(Excel)，与 PDF 同样的权限",
        town_review.pass_list_xlsx,
        "campaign_id",
        answer="xlsx",
    )

    sample_pdf = page_file("sample/pdf", "当前抽查名单(PDF)", city_review.sample_pdf, "campaign_id")

    export = page_file(
        f"exports/(?P<name>{'|'.join(CAMPAIGN_EXPORTS)})",
        "导出(Excel)：assessments 考评结果、findings 考核意见、sample 抽查名单",
        sheets.export_campaign,
        "campaign_id",
        answer="xlsx",
        url_name="export",
    )

    @extend_schema(
        summary="报市委平安办备案(镇平安办)",
        request=None,
        responses={200: s.CampaignSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="file")
    def file(self, request, pk):
        return self._act(request, pk, services.file_campaign)

    @extend_schema(
        summary="抽取复核样本(市委平安办)；重新抽取须写明原因",
        request=s.SampleInput,
        responses={200: s.CampaignSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def sample(self, request, pk):
        return self._act(request, pk, services.draw_sample, **valid_data(s.SampleInput, request))

    @extend_schema(
        summary="结束市级复核并授予年度称号(市委平安办)",
        request=None,
        responses={200: s.CampaignSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="close-review")
    def close_review(self, request, pk):
        return self._act(request, pk, services.close_city_review)


@extend_schema_view(
    list=extend_schema(summary="抽查比例、最少抽查数和复核合格率目标(按市、省设定)"),
)
class SamplingRuleViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.SamplingRuleSerializer
    pagination_class = None

    def get_queryset(self):
        return (
            SamplingRule.objects.filter(region__in=visible_regions(self.request.user))
            .select_related("region")
            .order_by("region__path")
        )
