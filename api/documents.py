"""Printed documents and workbooks served to token holders by the pages' own views: the same
permission checks, the same bytes, the same file names. A resource that is itself a printed
document also answers its detail with the PDF when the client asks for `application/pdf`."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import renderers

from pingan.responses import XLSX


class PdfRenderer(renderers.BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class XlsxRenderer(PdfRenderer):
    media_type = XLSX
    format = "xlsx"


# JSON first, so a client that asks for nothing in particular is answered as before; a refusal
# is JSON whatever was asked for (api.errors).
PDF_RENDERERS = [renderers.JSONRenderer, PdfRenderer]
XLSX_RENDERERS = [renderers.JSONRenderer, XlsxRenderer]


def from_page(page_view, request, **kwargs):
    """The page's view of a document, called with the request the token signed in."""
    return page_view(request._request, **kwargs)


PDF_ANSWER = {
    (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF 文件")
}
XLSX_ANSWER = {(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="Excel 工作簿(.xlsx)")}


class Printable:
    """Mixed into a viewset whose objects are printed documents: its `printed_by` action (a
    `page_file`) answers the PDF, reached by its link or by `Accept: application/pdf` on the
    detail."""

    printed_by = None

    def get_renderers(self):
        found = super().get_renderers()
        if self.action == "retrieve":
            found.append(PdfRenderer())
        return found

    def retrieve(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "pdf":
            return getattr(self, self.printed_by)(request, pk=kwargs["pk"])
        return super().retrieve(request, *args, **kwargs)
