"""The standards with their criteria."""

from drf_spectacular.utils import extend_schema, extend_schema_view

from api import serializers as s
from api.views.common import ScopedViewSet
from assessments.selectors import (
    access_standard_by_id,
    visible_standards,
)


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
