"""What every endpoint shares: the refusals it answers with, parameter parsing, and the
read-only list and detail of what the user may see."""

import re

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action

from api.documents import PDF_ANSWER, PDF_RENDERERS, XLSX_ANSWER, XLSX_RENDERERS, from_page
from api.schema import JSON, refusal
from pingan.errors import InvalidInput
from pingan.params import int_param
from villages.models import Region, Village

REFUSALS = {(code, JSON): refusal(code) for code in (400, 403, 404, 409)}
YEAR = OpenApiParameter("year", int, description="年度")
TOWN = OpenApiParameter("town", str, description="乡镇(街道)的统计用区划代码(9位)，也接受其编号")
STATUS = OpenApiParameter("status", str, description="状态")


def page_file(
    url_path, summary, page_view, object_kwarg=None, *, answer="pdf", url_name=None, **fixed
):
    """An action answering what a page's view prints or exports (api.documents.from_page): under
    an object when the page takes its id as `object_kwarg`, else under the collection; `fixed`
    are the page's other arguments."""
    answers, renderers = (
        (PDF_ANSWER, PDF_RENDERERS) if answer == "pdf" else (XLSX_ANSWER, XLSX_RENDERERS)
    )

    def serve(self, request, pk=None, **from_path):
        arguments = {**fixed, **from_path}
        if object_kwarg:
            arguments[object_kwarg] = pk
        return from_page(page_view, request, **arguments)

    serve.__name__ = url_name or re.sub(r"\W+", "_", url_path)
    serve = action(
        detail=object_kwarg is not None,
        methods=["get"],
        url_path=url_path,
        renderer_classes=renderers,
    )(serve)
    return extend_schema(summary=summary, responses={**answers, **REFUSALS})(serve)


def query_int(request, name):
    return int_param(request.query_params, name)


def _code_or_id_param(request, name, model):
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise InvalidInput(f"参数“{name}”应为统计用区划代码(2至12位数字)或编号。")
    found = model.objects.filter(code=raw).values_list("pk", flat=True).first()
    if found is not None:
        return found
    return int(raw) if len(raw) <= 9 else 0


def region_param(request, name):
    """The id of a region named in a query by its statistical code, or by its id; a code
    matches first, so `town=429006104` means 汪场镇 whatever its id."""
    return _code_or_id_param(request, name, Region)


def village_param(request, name):
    """The id of a village named in a query by its 12-digit code, or by its id."""
    return _code_or_id_param(request, name, Village)


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
