"""What every endpoint shares: the refusals it answers with, parameter parsing, and the
read-only list and detail of what the user may see."""

from drf_spectacular.utils import OpenApiParameter
from rest_framework import viewsets

from api import serializers as s
from pingan.errors import InvalidInput
from pingan.params import int_param
from villages.models import Region

REFUSALS = {
    400: s.ErrorSerializer,
    403: s.ErrorSerializer,
    404: s.ErrorSerializer,
    409: s.ErrorSerializer,
}
YEAR = OpenApiParameter("year", int, description="年度")
TOWN = OpenApiParameter("town", str, description="乡镇(街道)的统计用区划代码(9位)，也接受其编号")
STATUS = OpenApiParameter("status", str, description="状态")


def query_int(request, name):
    return int_param(request.query_params, name)


def region_param(request, name):
    """The id of a region named in a query by its statistical code, or by its id; a code
    matches first, so `town=429006104` means 汪场镇 whatever its id."""
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise InvalidInput(f"参数“{name}”应为区划代码(2至12位数字)或编号。")
    region = Region.objects.filter(code=raw).values_list("pk", flat=True).first()
    if region is not None:
        return region
    return int(raw) if len(raw) <= 9 else 0


def valid_data(serializer_class, request):
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
