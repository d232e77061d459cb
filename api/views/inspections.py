"""The town's spot inspections, their rectification orders and the 重点通报."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
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
    ScopedViewSet,
    page_file,
    region_param,
    valid_data,
)
from assessments import services
from assessments.models import InspectionFinding
from assessments.selectors import (
    access_bulletin_by_id,
    access_inspection_by_id,
    access_order_by_id,
    access_region_by_id,
    visible_bulletins,
    visible_inspections,
    visible_orders,
)
from assessments.views import inspections as inspection_pages
from assessments.views import sheets
from villages.selectors import access_village_by_id


@extend_schema_view(
    list=extend_schema(summary="限期整改通知", parameters=[STATUS, TOWN]),
    retrieve=extend_schema(
        summary="一份限期整改通知；请求头 Accept: application/pdf 时答以限期整改通知书(PDF)",
        responses={(200, JSON): s.RectificationOrderSerializer, **PDF_ANSWER, **REFUSALS},
    ),
)
class RectificationOrderViewSet(Printable, ScopedViewSet):
    serializer_class = s.RectificationOrderSerializer
    access = staticmethod(access_order_by_id)

    def get_queryset(self):
        orders = visible_orders(self.request.user)
        if order_status := self.request.query_params.get("status"):
            orders = orders.filter(status=order_status)
        if (town := region_param(self.request, "town")) is not None:
            orders = orders.filter(village__town_id=town)
        return orders

    def _done(self, order):
        order = access_order_by_id(self.request.user, order.pk)
        return Response(self.get_serializer(order).data)

    printed_by = "notice"
    notice = page_file(
        "notice", "限期整改通知书(PDF)", inspection_pages.order_notice_pdf, "order_id"
    )

    xlsx = page_file(
        "xlsx", "限期整改一览(Excel)", sheets.export_list, answer="xlsx", name="orders"
    )

    @extend_schema(
        summary="报告整改情况(村(社区)书记)，可附佐证材料(files)",
        request={"multipart/form-data": s.ReportInput, "application/json": s.ReportInput},
        responses={200: s.RectificationOrderSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser])
    def report(self, request, pk):
        data = valid_data(s.ReportInput, request)
        order = access_order_by_id(request.user, pk)
        uploads = request.FILES.getlist("files")
        services.report_rectification(
            actor=request.user, order_id=order.pk, report=data["report"], uploads=uploads
        )
        return self._done(order)

    @extend_schema(
        summary="验收整改(镇平安办)",
        request=s.AcceptInput,
        responses={200: s.RectificationOrderSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk):
        data = valid_data(s.AcceptInput, request)
        order = access_order_by_id(request.user, pk)
        services.accept_rectification(actor=request.user, order_id=order.pk, **data)
        return self._done(order)

    @extend_schema(
        summary="验收不通过，定出新的整改期限(镇平安办)",
        request=s.ReopenInput,
        responses={200: s.RectificationOrderSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk):
        data = valid_data(s.ReopenInput, request)
        order = access_order_by_id(request.user, pk)
        services.reopen_rectification(actor=request.user, order_id=order.pk, **data)
        return self._done(order)


@extend_schema_view(
    list=extend_schema(summary="不定期抽查检查", parameters=[TOWN]),
    retrieve=extend_schema(summary="一次抽查检查(含各条目及其限期整改)"),
)
class InspectionViewSet(ScopedViewSet, mixins.CreateModelMixin):
    serializer_class = s.InspectionSerializer
    access = staticmethod(access_inspection_by_id)

    def get_queryset(self):
        inspections = visible_inspections(self.request.user).prefetch_related(
            Prefetch(
                "findings",
                queryset=InspectionFinding.objects.select_related("rectification_order"),
            )
        )
        if (town := region_param(self.request, "town")) is not None:
            inspections = inspections.filter(village__town_id=town)
        return inspections

    def get_object(self):
        found = access_inspection_by_id(self.request.user, self.kwargs["pk"])
        return self.get_queryset().get(pk=found.pk)

    @extend_schema(
        summary="记录一次抽查检查(镇平安办)；未达标的条目即下达限期整改通知",
        request=s.InspectionInput,
        responses={201: s.InspectionSerializer, **REFUSALS},
    )
    def create(self, request):
        data = valid_data(s.InspectionInput, request)
        village = access_village_by_id(request.user, data.pop("village_id"))
        inspection = services.record_inspection(
            actor=request.user,
            village_id=village.pk,
            findings=[dict(finding) for finding in data.pop("findings")],
            **data,
        )
        self.kwargs["pk"] = inspection.pk
        return Response(self.get_serializer(self.get_object()).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="重点通报(镇平安办印发)"),
    retrieve=extend_schema(
        summary="一份重点通报；请求头 Accept: application/pdf 时答以印发的通报(PDF)",
        responses={(200, JSON): s.BulletinSerializer, **PDF_ANSWER, **REFUSALS},
    ),
)
class BulletinViewSet(Printable, ScopedViewSet, mixins.CreateModelMixin):
    serializer_class = s.BulletinSerializer
    access = staticmethod(access_bulletin_by_id)

    def get_queryset(self):
        return visible_bulletins(self.request.user).prefetch_related("villages")

    @extend_schema(
        summary="印发重点通报(镇平安办)",
        request=s.BulletinInput,
        responses={201: s.BulletinSerializer, **REFUSALS},
    )
    def create(self, request):
        data = valid_data(s.BulletinInput, request)
        town = access_region_by_id(request.user, data.pop("town_id"), ["town"])
        villages = [access_village_by_id(request.user, pk) for pk in data.pop("village_ids")]
        bulletin = services.issue_bulletin(actor=request.user, town=town, villages=villages, **data)
        return Response(self.get_serializer(bulletin).data, status=status.HTTP_201_CREATED)

    printed_by = "pdf"
    pdf = page_file(
        "pdf", "重点通报(PDF，印发时生成并保存)", inspection_pages.bulletin_pdf, "bulletin_id"
    )
