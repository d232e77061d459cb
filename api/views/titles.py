"""Titles, incidents, the city's recommendation list and the province's naming."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api import serializers as s
from api.documents import (
    PDF_ANSWER,
    Printable,
)
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
)
from assessments import services
from assessments.models import (
    IncidentCategory,
    Title,
)
from assessments.selectors import (
    access_incident_by_id,
    access_naming_by_id,
    access_recommendation_list_by_id,
    access_region_by_id,
    access_title_by_id,
    visible_incidents,
    visible_namings,
    visible_recommendation_lists,
    visible_titles,
)
from assessments.views import city_review, sheets
from assessments.views import titles as title_pages
from pingan.errors import InvalidInput
from villages.selectors import (
    access_village_by_id,
)


@extend_schema_view(
    list=extend_schema(
        summary="称号及其变更记录",
        parameters=[YEAR, OpenApiParameter("kind", str), STATUS, TOWN],
    ),
    retrieve=extend_schema(
        summary="一个称号；请求头 Accept: application/pdf 时答以荣誉证书(PDF)",
        responses={(200, JSON): s.TitleSerializer, **PDF_ANSWER, **REFUSALS},
    ),
)
class TitleViewSet(Printable, ScopedViewSet):
    serializer_class = s.TitleSerializer
    access = staticmethod(access_title_by_id)

    def get_queryset(self):
        titles = visible_titles(self.request.user).prefetch_related("events__actor")
        if (year := query_int(self.request, "year")) is not None:
            titles = titles.filter(first_year__lte=year, last_year__gte=year)
        if kind := self.request.query_params.get("kind"):
            titles = titles.filter(kind=kind)
        if title_status := self.request.query_params.get("status"):
            titles = titles.filter(status=title_status)
        if (town := region_param(self.request, "town")) is not None:
            titles = titles.filter(village__town_id=town)
        return titles.order_by("-first_year", "kind", "village__code")

    def get_object(self):
        title = access_title_by_id(self.request.user, self.kwargs["pk"])
        return Title.objects.prefetch_related("events__actor").get(pk=title.pk)

    @extend_schema(
        summary="示范村定期复核(省委平安办)：保留或取消命名，须写明复核意见",
        request=s.TitleReviewInput,
        responses={200: s.TitleSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk):
        data = valid_data(s.TitleReviewInput, request)
        title = access_title_by_id(request.user, pk)
        services.review_title(actor=request.user, title_id=title.pk, **data)
        return Response(self.get_serializer(self.get_object()).data)

    printed_by = "certificate"
    certificate = page_file(
        "certificate",
        "荣誉证书(PDF)；已撤销的称号不出具证书",
        title_pages.title_certificate,
        "title_id",
    )

    xlsx = page_file("xlsx", "称号一览(Excel)", sheets.export_list, answer="xlsx", name="titles")


@extend_schema_view(
    list=extend_schema(summary="案事件登记", parameters=[YEAR, TOWN, STATUS]),
    retrieve=extend_schema(summary="一起案事件"),
)
class IncidentViewSet(ScopedViewSet, mixins.CreateModelMixin):
    serializer_class = s.IncidentSerializer
    access = staticmethod(access_incident_by_id)

    def get_queryset(self):
        incidents = visible_incidents(self.request.user).order_by("-occurred_on", "-id")
        if (year := query_int(self.request, "year")) is not None:
            incidents = incidents.filter(occurred_on__year=year)
        if (town := region_param(self.request, "town")) is not None:
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
        data = valid_data(s.IncidentInput, request)
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
        reason = valid_data(s.RequiredReasonInput, request)["reason"]
        incident = access_incident_by_id(request.user, pk)
        services.correct_incident(actor=request.user, incident_id=incident.pk, reason=reason)
        incident.refresh_from_db()
        return Response(s.IncidentSerializer(incident).data)

    xlsx = page_file(
        "xlsx", "案事件一览(Excel)", sheets.export_list, answer="xlsx", name="incidents"
    )


@extend_schema_view(
    list=extend_schema(summary="示范村推荐名单(市委平安办印发)"),
    retrieve=extend_schema(
        summary="一份示范村推荐名单；请求头 Accept: application/pdf 时答以推荐报告(PDF)",
        responses={(200, JSON): s.RecommendationListSerializer, **PDF_ANSWER, **REFUSALS},
    ),
)
class RecommendationViewSet(
    Printable, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.RecommendationListSerializer
    lookup_value_regex = "[0-9]{1,9}"

    def get_queryset(self):
        return visible_recommendation_lists(self.request.user).prefetch_related(
            "recommendations__assessment__village"
        )

    def get_object(self):
        found = access_recommendation_list_by_id(self.request.user, self.kwargs["pk"])
        return self.get_queryset().get(pk=found.pk)

    @extend_schema(
        summary="印发示范村推荐名单(市委平安办)",
        request=s.RecommendationInput,
        responses={201: s.RecommendationListSerializer, **REFUSALS},
    )
    def create(self, request):
        data = valid_data(s.RecommendationInput, request)
        city = access_region_by_id(request.user, data.pop("city_id"), ["city", "county"])
        picks = [(pick["assessment_id"], pick["justification"]) for pick in data.pop("picks")]
        recommendation_list = services.issue_recommendations(
            actor=request.user, city=city, picks=picks, **data
        )
        self.kwargs["pk"] = recommendation_list.pk
        return Response(self.get_serializer(self.get_object()).data, status=status.HTTP_201_CREATED)

    printed_by = "pdf"
    pdf = page_file(
        "pdf", "推荐报告(PDF，印发时生成并保存)", city_review.recommendation_pdf, "list_id"
    )

    xlsx = page_file(
        "xlsx", "推荐名单(Excel)", city_review.recommendation_xlsx, "list_id", answer="xlsx"
    )


@extend_schema_view(
    list=extend_schema(summary="示范村审定命名批次(含命名的村(社区)及证书编号)"),
    retrieve=extend_schema(summary="一个审定命名批次"),
)
class NamingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.NamingResultSerializer
    lookup_value_regex = "[0-9]{1,9}"

    def get_queryset(self):
        return visible_namings(self.request.user).prefetch_related(
            Prefetch(
                "titles",
                queryset=Title.objects.select_related("village").prefetch_related("events__actor"),
            )
        )

    def get_object(self):
        found = access_naming_by_id(self.request.user, self.kwargs["pk"])
        return self.get_queryset().get(pk=found.pk)

    @extend_schema(
        summary="审定命名示范村(省委平安办)，两年一批",
        request=s.NamingInput,
        responses={201: s.NamingResultSerializer, **REFUSALS},
    )
    def create(self, request):
        data = valid_data(s.NamingInput, request)
        province = access_region_by_id(request.user, data.pop("province_id"), ["province"])
        picks = [
            (pick["recommendation_id"], pick["certificate_number"]) for pick in data.pop("picks")
        ]
        batch = services.name_demonstration_villages(
            actor=request.user, province=province, picks=picks, **data
        )
        self.kwargs["pk"] = batch.pk
        return Response(self.get_serializer(self.get_object()).data, status=status.HTTP_201_CREATED)
