"""Printed documents served to token holders as to the pages: the stored file of a filed or
issued document, read back as it was made."""

from django.http import FileResponse, Http404


def stored_pdf(field, title):
    if not field:
        raise Http404("该文件尚未印发。")
    return FileResponse(field.open("rb"), filename=f"{title}.pdf", content_type="application/pdf")
