"""Rectification orders of the town's spot inspections."""

from drf_spectacular.utils import extend_schema, extend_schema_view

from api import serializers as s
from api.views.common import STATUS, TOWN, ScopedViewSet, region_param
from assessments.selectors import (
    access_order_by_id,
    visible_orders,
)


@extend_schema_view(list=extend_schema(summary="限期整改通知", parameters=[STATUS, TOWN]))
class RectificationOrderViewSet(ScopedViewSet):
    serializer_class = s.RectificationOrderSerializer
    access = staticmethod(access_order_by_id)

    def get_queryset(self):
        orders = visible_orders(self.request.user)
        if order_status := self.request.query_params.get("status"):
            orders = orders.filter(status=order_status)
        if (town := region_param(self.request, "town")) is not None:
            orders = orders.filter(village__town_id=town)
        return orders
