"""What every endpoint shares: the refusals it answers with, parameter parsing, and the
read-only list and detail of what the user may see."""

from drf_spectacular.utils import OpenApiParameter
from rest_framework import viewsets

from api import serializers as s
from pingan.params import int_param

REFUSALS = {
    400: s.ErrorSerializer,
    403: s.ErrorSerializer,
    404: s.ErrorSerializer,
    409: s.ErrorSerializer,
}
YEAR = OpenApiParameter("year", int, description="年度")
TOWN = OpenApiParameter("town", int, description="乡镇(街道)编号")
STATUS = OpenApiParameter("status", str, description="状态")


def query_int(request, name):
    return int_param(request.query_params, name)


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
