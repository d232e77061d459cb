"""The standards with their criteria, and the incident categories with their codes."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from api import serializers as s
from api.views.common import ScopedViewSet
from assessments.models import IncidentCategory
from assessments.selectors import (
    access_standard_by_id,
    visible_standards,
)


@extend_schema_view(
    list=extend_schema(summary="创建标准(含条目)"),
    retrieve=extend_schema(summary="一个创建标准(含条目)"),
)
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


@extend_schema_view(
    list=extend_schema(
        summary="案事件类别及其代码(含“十无”“五个不发生”分组)：登记案事件时用 category 传代码"
    ),
    retrieve=extend_schema(summary="一个案事件类别"),
)
class IncidentCategoryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.IncidentCategorySerializer
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]{1,40}"
    pagination_class = None

    def get_queryset(self):
        return IncidentCategory.objects.select_related("group").order_by(
            "group__code", "order", "code"
        )
