"""The administrative tree and the villages within the user's reach, addressed by their
statistical codes (ids still accepted), and a region's standing for a year."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from api import serializers as s
from api.views.common import REFUSALS, TOWN, ScopedViewSet, page_file, query_int, region_param
from assessments.selectors import region_standing
from pingan.errors import InvalidInput
from villages import views as village_pages
from villages.selectors import visible_regions, visible_villages

CODE_OR_ID = "统计用区划代码；也接受编号"


def by_code_or_id(objects, key, message):
    """An object of `objects` (already scoped to the user) by its code, else by its id."""
    found = objects.filter(code=key).first()
    if found is None and len(key) <= 9:
        found = objects.filter(pk=int(key)).first()
    if found is None:
        raise Http404(message)
    return found


@extend_schema_view(
    list=extend_schema(
        summary="行政区划",
        parameters=[
            OpenApiParameter("level", str, description="province、city、county 或 town"),
            OpenApiParameter("parent", str, description="上级区划的" + CODE_OR_ID),
        ],
    ),
    retrieve=extend_schema(
        summary="一个区划", parameters=[OpenApiParameter("id", str, "path", description=CODE_OR_ID)]
    ),
)
class RegionViewSet(ScopedViewSet):
    serializer_class = s.RegionSerializer
    lookup_value_regex = "[0-9]{1,12}"

    def get_queryset(self):
        regions = visible_regions(self.request.user)
        if level := self.request.query_params.get("level"):
            regions = regions.filter(level=level)
        if (parent := region_param(self.request, "parent")) is not None:
            regions = regions.filter(parent_id=parent)
        return regions

    def get_object(self):
        return by_code_or_id(
            visible_regions(self.request.user), self.kwargs["pk"], "未找到该区划。"
        )

    @extend_schema(
        summary="区划某年度的创建情况：各乡镇(街道)及合计的达标率、复核合格率、称号保有率与目标",
        parameters=[
            OpenApiParameter("id", str, "path", description=CODE_OR_ID),
            OpenApiParameter("year", int, required=True, description="年度"),
        ],
        responses={200: s.StandingSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["get"])
    def standing(self, request, pk):
        region = self.get_object()
        if not request.user.has_perm("villages.view_region_dashboard", region):
            raise Http404("未找到该区划。")
        year = query_int(request, "year")
        if year is None:
            raise InvalidInput("请用 year 参数指明年度。")
        rows, total = region_standing(region, year)
        return Response(
            s.StandingSerializer(
                {
                    "region": region,
                    "year": year,
                    "rates": total,
                    "towns": [{"campaign": c, "rates": rates} for c, rates in rows],
                }
            ).data
        )


@extend_schema_view(
    list=extend_schema(summary="村(社区)", parameters=[TOWN]),
    retrieve=extend_schema(
        summary="一个村(社区)",
        parameters=[OpenApiParameter("id", str, "path", description="12位" + CODE_OR_ID)],
    ),
)
class VillageViewSet(ScopedViewSet):
    serializer_class = s.VillageSerializer
    lookup_value_regex = "[0-9]{1,12}"

    def get_queryset(self):
        villages = visible_villages(self.request.user)
        if (town := region_param(self.request, "town")) is not None:
            villages = villages.filter(town_id=town)
        return villages

    def get_object(self):
        return by_code_or_id(
            visible_villages(self.request.user), self.kwargs["pk"], "未找到该村(社区)。"
        )

    xlsx = page_file(
        "xlsx",
        "村(社区)名录(Excel)，与导入模板同样的列",
        village_pages.village_export,
        answer="xlsx",
    )
