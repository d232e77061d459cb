"""The administrative tree and the villages within the user's reach."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view

from api import serializers as s
from api.views.common import TOWN, ScopedViewSet, query_int
from villages.selectors import (
    access_region_in_tree_by_id,
    access_village_by_id,
    visible_regions,
    visible_villages,
)


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
        if (parent := query_int(self.request, "parent")) is not None:
            regions = regions.filter(parent_id=parent)
        return regions


@extend_schema_view(list=extend_schema(summary="村(社区)", parameters=[TOWN]))
class VillageViewSet(ScopedViewSet):
    serializer_class = s.VillageSerializer
    access = staticmethod(access_village_by_id)

    def get_queryset(self):
        villages = visible_villages(self.request.user)
        if (town := query_int(self.request, "town")) is not None:
            villages = villages.filter(town_id=town)
        return villages
