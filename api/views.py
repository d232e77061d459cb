"""The JSON API: reads through the same selectors as the pages, writes through the same services.

An object out of the user's reach answers 404 like a missing one; a refused action answers with
the service's Chinese message (403 not permitted, 409 wrong state, 400 bad input).
"""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from api import serializers as s
from api.tokens import issue_token
from assessments import services
from assessments.models import (
    Assessment,
    IncidentCategory,
    Sample,
    SampleEntry,
    Title,
)
from assessments.selectors import (
    access_assessment_by_id,
    access_campaign_by_id,
    access_incident_by_id,
    access_order_by_id,
    access_region_by_id,
    access_standard_by_id,
    access_title_by_id,
    visible_assessments,
    visible_campaigns,
    visible_incidents,
    visible_orders,
    visible_standards,
    visible_titles,
    with_year_titles,
)
from audit.selectors import filtered_entries, may_read_trail
from pingan.errors import InvalidInput
from pingan.params import int_param
from villages.selectors import (
    access_region_in_tree_by_id,
    access_village_by_id,
    visible_regions,
    visible_villages,
)

REFUSALS = {
    400: s.ErrorSerializer,
    403: s.ErrorSerializer,
    404: s.ErrorSerializer,
    409: s.ErrorSerializer,
}
YEAR = OpenApiParameter("year", int, description="年度")
TOWN = OpenApiParameter("town", int, description="乡镇(街道)编号")
STATUS = OpenApiParameter("status", str, description="状态")


def _int(request, name):
    return int_param(request.query_params, name)


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    """A read-only list and detail of what the user may see."""

    access = None
    # Larger numbers are no object's id; refusing them here keeps them from the database.
    lookup_value_regex = "[0-9]{1,9}"

    def get_object(self):
        return type(self).access(self.request.user, self.kwargs["pk"])


@extend_schema_view(
    list=extend_schema(
        summary="行政区划",
        parameters=[OpenApiParameter("level", str), OpenApiParameter("parent", int)],
    )
)
class RegionViewSet(ScopedViewSet):
    serializer_class = s.RegionSerializer
    access = staticmethod(access_region_in_tree_by_id)

    def get_queryset(self):
        regions = visible_regions(self.request.user)
        if level := self.request.query_params.get("level"):
            regions = regions.filter(level=level)
        if (parent := _int(self.request, "parent")) is not None:
            regions = regions.filter(parent_id=parent)
        return regions


@extend_schema_view(list=extend_schema(summary="村(社区)", parameters=[TOWN]))
class VillageViewSet(ScopedViewSet):
    serializer_class = s.VillageSerializer
    access = staticmethod(access_village_by_id)

    def get_queryset(self):
        villages = visible_villages(self.request.user)
        if (town := _int(self.request, "town")) is not None:
            villages = villages.filter(town_id=town)
        return villages


@extend_schema_view(list=extend_schema(summary="创建标准(含条目)"))
class StandardViewSet(ScopedViewSet):
    serializer_class = s.StandardSerializer
    access = staticmethod(access_standard_by_id)

    def get_queryset(self):
        return visible_standards(self.request.user).prefetch_related(
            "criteria__incident_category", "criteria__parent__parent"
        )

    def get_object(self):
        standard = access_standard_by_id(self.request.user, self.kwargs["pk"])
        return self.get_queryset().get(pk=standard.pk)


def _with_samples(campaigns):
    current = Sample.objects.filter(is_current=True).prefetch_related(
        Prefetch(
            "entries",
            queryset=SampleEntry.objects.select_related("assessment__village").order_by("position"),
        )
    )
    return campaigns.prefetch_related(Prefetch("samples", queryset=current))


@extend_schema_view(list=extend_schema(summary="创建活动", parameters=[YEAR, TOWN, STATUS]))
class CampaignViewSet(ScopedViewSet, mixins.CreateModelMixin):
    serializer_class = s.CampaignSerializer

    def get_queryset(self):
        campaigns = visible_campaigns(self.request.user)
        if (year := _int(self.request, "year")) is not None:
            campaigns = campaigns.filter(year=year)
        if (town := _int(self.request, "town")) is not None:
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
        data = _valid(s.CampaignInput, request)
        town = access_region_by_id(request.user, data.pop("town_id"), ["town"])
        standard = access_standard_by_id(request.user, data.pop("standard_id"))
        campaign = services.create_campaign(
            actor=request.user, town=town, standard=standard, **data
        )
        return self._done(campaign.pk, status.HTTP_201_CREATED)

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
            request, pk, services.close_self_assessment, **_valid(s.ReasonInput, request)
        )

    @extend_schema(
        summary="审定考评结果(镇平安建设领导小组)",
        request=s.ReasonInput,
        responses={200: s.CampaignSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk):
        return self._act(request, pk, services.approve_campaign, **_valid(s.ReasonInput, request))

    @extend_schema(
        summary="拟制达标名单通报(镇平安办)；标题、正文、发文机关缺省时使用默认文字",
        request=s.PassListInput,
        responses={200: s.CampaignSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="pass-list")
    def pass_list(self, request, pk):
        data = _valid(s.PassListInput, request)
        campaign = access_campaign_by_id(request.user, pk)
        passed = campaign.assessments.filter(kind="yearly", result_passed=True).count()
        text = {**services.default_pass_list_text(campaign, passed), **data}
        return self._act(request, pk, services.save_pass_list, **text)

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
        return self._act(request, pk, services.draw_sample, **_valid(s.SampleInput, request))

    @extend_schema(
        summary="结束市级复核并授予年度称号(市委平安办)",
        request=None,
        responses={200: s.CampaignSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="close-review")
    def close_review(self, request, pk):
        return self._act(request, pk, services.close_city_review)


@extend_schema_view(
    list=extend_schema(
        summary="考评(含结论与原因)",
        parameters=[YEAR, TOWN, STATUS, OpenApiParameter("campaign", int)],
    )
)
class AssessmentViewSet(ScopedViewSet):
    def get_serializer_class(self):
        return s.AssessmentSerializer if self.action == "list" else s.AssessmentDetailSerializer

    def get_queryset(self):
        assessments = with_year_titles(
            visible_assessments(self.request.user).order_by(
                "-campaign__year", "village__code", "kind"
            )
        )
        if (year := _int(self.request, "year")) is not None:
            assessments = assessments.filter(campaign__year=year)
        if (town := _int(self.request, "town")) is not None:
            assessments = assessments.filter(village__town_id=town)
        if (campaign := _int(self.request, "campaign")) is not None:
            assessments = assessments.filter(campaign_id=campaign)
        if assessment_status := self.request.query_params.get("status"):
            assessments = assessments.filter(status=assessment_status)
        return assessments

    def get_object(self):
        assessment = access_assessment_by_id(self.request.user, self.kwargs["pk"])
        return with_year_titles(
            Assessment.objects.select_related("campaign", "village").prefetch_related(
                "answers", "findings", "events__actor"
            )
        ).get(pk=assessment.pk)

    def _done(self, pk):
        self.kwargs["pk"] = pk
        return Response(s.AssessmentDetailSerializer(self.get_object()).data)

    @extend_schema(
        summary="保存一项自评答案(村(社区)书记)；只保留该条目类型对应的字段",
        request=s.AnswerInput,
        responses={200: s.AssessmentDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def answers(self, request, pk):
        assessment = access_assessment_by_id(request.user, pk)
        services.save_answer(
            actor=request.user, assessment_id=assessment.pk, **_valid(s.AnswerInput, request)
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
            actor=request.user, assessment_id=assessment.pk, **_valid(s.PlanInput, request)
        )
        return self._done(assessment.pk)

    @extend_schema(
        summary="上传一项佐证材料(村(社区)书记)；文件类型按内容检查",
        request={"multipart/form-data": s.EvidenceInput},
        responses={201: s.EvidenceSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def evidence(self, request, pk):
        data = _valid(s.EvidenceInput, request)
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
        assessment = access_assessment_by_id(request.user, pk)
        services.submit_assessment(actor=request.user, assessment_id=assessment.pk)
        return self._done(assessment.pk)

    @extend_schema(
        summary="记录考核意见：镇级考核(镇平安办)或市级复核(市委平安办)，全部保存或全部不保存",
        request=s.FindingsInput,
        responses={200: s.AssessmentDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def findings(self, request, pk):
        data = _valid(s.FindingsInput, request)
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
        assessment = access_assessment_by_id(request.user, pk)
        services.conclude_town_assessment(actor=request.user, assessment_id=assessment.pk)
        return self._done(assessment.pk)

    @extend_schema(
        summary="得出市级复核结论(市委平安办)；不合格即取消年度结果",
        request=None,
        responses={200: s.AssessmentDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="conclude-city")
    def conclude_city(self, request, pk):
        assessment = access_assessment_by_id(request.user, pk)
        services.conclude_city_review(actor=request.user, assessment_id=assessment.pk)
        return self._done(assessment.pk)

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


@extend_schema_view(
    list=extend_schema(
        summary="称号及其变更记录",
        parameters=[YEAR, OpenApiParameter("kind", str), STATUS, TOWN],
    )
)
class TitleViewSet(ScopedViewSet):
    serializer_class = s.TitleSerializer
    access = staticmethod(access_title_by_id)

    def get_queryset(self):
        titles = visible_titles(self.request.user).prefetch_related("events__actor")
        if (year := _int(self.request, "year")) is not None:
            titles = titles.filter(first_year__lte=year, last_year__gte=year)
        if kind := self.request.query_params.get("kind"):
            titles = titles.filter(kind=kind)
        if title_status := self.request.query_params.get("status"):
            titles = titles.filter(status=title_status)
        if (town := _int(self.request, "town")) is not None:
            titles = titles.filter(village__town_id=town)
        return titles.order_by("-first_year", "kind", "village__code")

    def get_object(self):
        title = access_title_by_id(self.request.user, self.kwargs["pk"])
        return Title.objects.prefetch_related("events__actor").get(pk=title.pk)


@extend_schema_view(list=extend_schema(summary="案事件登记", parameters=[YEAR, TOWN, STATUS]))
class IncidentViewSet(ScopedViewSet, mixins.CreateModelMixin):
    serializer_class = s.IncidentSerializer
    access = staticmethod(access_incident_by_id)

    def get_queryset(self):
        incidents = visible_incidents(self.request.user).order_by("-occurred_on", "-id")
        if (year := _int(self.request, "year")) is not None:
            incidents = incidents.filter(occurred_on__year=year)
        if (town := _int(self.request, "town")) is not None:
            incidents = incidents.filter(village__town_id=town)
        if incident_status := self.request.query_params.get("status"):
            incidents = incidents.filter(status=incident_status)
        return incidents

    @extend_schema(
        summary="登记案事件；一票否决类即时取消该村(社区)的有效称号",
        request=s.IncidentInput,
        responses={201: s.IncidentSerializer, **REFUSALS},
    )
    def create(self, request):
        data = _valid(s.IncidentInput, request)
        village = access_village_by_id(request.user, data.pop("village_id"))
        category = IncidentCategory.objects.filter(code=data.pop("category")).first()
        if category is None:
            raise InvalidInput("没有这种案事件类别。")
        incident = services.record_incident(
            actor=request.user, village_id=village.pk, category_id=category.pk, **data
        )
        return Response(s.IncidentSerializer(incident).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="更正误录的案事件；恢复其取消的称号与结果",
        request=s.RequiredReasonInput,
        responses={200: s.IncidentSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def correct(self, request, pk):
        reason = _valid(s.RequiredReasonInput, request)["reason"]
        incident = access_incident_by_id(request.user, pk)
        services.correct_incident(actor=request.user, incident_id=incident.pk, reason=reason)
        incident.refresh_from_db()
        return Response(s.IncidentSerializer(incident).data)


@extend_schema_view(list=extend_schema(summary="限期整改通知", parameters=[STATUS, TOWN]))
class RectificationOrderViewSet(ScopedViewSet):
    serializer_class = s.RectificationOrderSerializer
    access = staticmethod(access_order_by_id)

    def get_queryset(self):
        orders = visible_orders(self.request.user)
        if order_status := self.request.query_params.get("status"):
            orders = orders.filter(status=order_status)
        if (town := _int(self.request, "town")) is not None:
            orders = orders.filter(village__town_id=town)
        return orders


class RecommendationViewSet(viewsets.GenericViewSet):
    serializer_class = s.RecommendationListSerializer

    @extend_schema(
        summary="印发示范村推荐名单(市委平安办)",
        request=s.RecommendationInput,
        responses={201: s.RecommendationListSerializer, **REFUSALS},
    )
    def create(self, request):
        data = _valid(s.RecommendationInput, request)
        city = access_region_by_id(request.user, data.pop("city_id"), ["city", "county"])
        picks = [(pick["assessment_id"], pick["justification"]) for pick in data.pop("picks")]
        recommendation_list = services.issue_recommendations(
            actor=request.user, city=city, picks=picks, **data
        )
        return Response(
            s.RecommendationListSerializer(recommendation_list).data,
            status=status.HTTP_201_CREATED,
        )


class NamingViewSet(viewsets.GenericViewSet):
    serializer_class = s.NamingResultSerializer

    @extend_schema(
        summary="审定命名示范村(省委平安办)，两年一批",
        request=s.NamingInput,
        responses={201: s.NamingResultSerializer, **REFUSALS},
    )
    def create(self, request):
        data = _valid(s.NamingInput, request)
        province = access_region_by_id(request.user, data.pop("province_id"), ["province"])
        picks = [
            (pick["recommendation_id"], pick["certificate_number"]) for pick in data.pop("picks")
        ]
        batch = services.name_demonstration_villages(
            actor=request.user, province=province, picks=picks, **data
        )
        titles = batch.titles.prefetch_related("events__actor").select_related("village")
        body = {
            "id": batch.pk,
            "document_number": batch.document_number,
            "first_year": batch.first_year,
            "last_year": batch.last_year,
            "titles": titles,
        }
        return Response(s.NamingResultSerializer(body).data, status=status.HTTP_201_CREATED)


AUDIT_FILTERS = [
    OpenApiParameter("village", str, description="村(社区)名称或统计用区划代码"),
    OpenApiParameter("person", str, description="操作人账号或姓名"),
    OpenApiParameter("action", str, description="事项的开头，如 answer"),
    OpenApiParameter("since", str, description="起始日期 YYYY-MM-DD"),
    OpenApiParameter("until", str, description="截止日期 YYYY-MM-DD"),
]


@extend_schema_view(
    list=extend_schema(
        summary="审计日志(系统管理员看全部，各级平安办看本辖区)", parameters=AUDIT_FILTERS
    )
)
class AuditEntryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.AuditEntrySerializer

    def get_queryset(self):
        if not may_read_trail(self.request.user):
            raise PermissionDenied("只有系统管理员和各级平安办可以查阅审计日志。")
        return filtered_entries(self.request.user, self.request.query_params)


class TokenExchangeSerializer(AuthTokenSerializer):
    name = drf_serializers.CharField(label="用途", required=False, allow_blank=True, max_length=60)


class ObtainToken(GenericAPIView):
    """A new personal token for the username and password: shown once, stored as a hash,
    expiring after API_TOKEN_DAYS and dead once the password changes."""

    authentication_classes = []
    permission_classes = []
    serializer_class = TokenExchangeSerializer

    @extend_schema(
        summary="用户名和密码换取个人令牌",
        responses={200: s.TokenSerializer, 400: s.ErrorSerializer},
    )
    def post(self, request):
        serializer = TokenExchangeSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        token, key = issue_token(actor=data["user"], name=data.get("name", ""))
        return Response({"token": key, "expiry": token.expiry, "name": token.name})
