"""The audit trail, for those who may read it."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.exceptions import PermissionDenied

from api import serializers as s
from audit.selectors import filtered_entries, may_read_trail

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
