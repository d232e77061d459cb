"""The one PDF renderer of the portal: a template rendered to HTML, then by WeasyPrint.

Documents reach only two places: the portal's own static files (`static:css/…`) and the
Chinese fonts installed with the project (`font:NotoSerifSC-Regular.otf`), so a printout
never depends on what the machine happens to have, and never fetches from the network.
"""

import mimetypes
from pathlib import Path

import pylopdf_fonts_zh_cn
from django.contrib.staticfiles import finders
from django.core import checks
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.ffi import harfbuzz_subset
from weasyprint.urls import URLFetcher, URLFetcherResponse

FONT_DIRECTORY = Path(pylopdf_fonts_zh_cn.__file__).resolve().parent


class PortalFetcher(URLFetcher):
    def fetch(self, url, headers=None):
        scheme, _, name = url.partition(":")
        if scheme == "static":
            located = finders.find(name.lstrip("/"))
            path = Path(located).resolve() if located else None
        elif scheme == "font":
            path = (FONT_DIRECTORY / name).resolve()
            if path.parent != FONT_DIRECTORY:
                path = None
        else:
            path = None
        if path is None or not path.is_file():
            raise ValueError(f"文档只能引用平台自身的静态文件和字体：{url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def check_font_subsetter(app_configs=None, **kwargs):
    """Without HarfBuzz-Subset, WeasyPrint subsets the 12 MB Chinese fonts in Python: each
    printout then takes seconds instead of a tenth of one."""
    if harfbuzz_subset is not None:
        return []
    return [
        checks.Warning(
            "未找到 HarfBuzz-Subset 库，PDF 中文字体子集化将退回到很慢的 Python 实现。",
            hint="在 Debian/Ubuntu 上安装：apt-get install libharfbuzz-subset0",
            id="pingan.W001",
        )
    ]


def html_to_pdf(html, fetcher=None):
    fetcher = fetcher or PortalFetcher(fail_on_errors=True)
    return HTML(string=html, base_url="static:/", url_fetcher=fetcher).write_pdf()


def render_pdf_in_parts(template_name, contexts, progress):
    """One PDF of many documents rendered one by one, reporting `progress(done, total)`; each
    part keeps its own page numbers."""
    fetcher = PortalFetcher(fail_on_errors=True)
    total = len(contexts)
    progress(0, total)
    pages, first = [], None
    for done, context in enumerate(contexts, start=1):
        html = render_to_string(template_name, context)
        document = HTML(string=html, base_url="static:/", url_fetcher=fetcher).render()
        first = first or document
        pages.extend(document.pages)
        progress(done, total)
    if first is None:
        return html_to_pdf(render_to_string(template_name, {}))
    return first.copy(pages).write_pdf()


def render_pdf(template_name, context, request=None):
    """Render a document template to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context, request=request))
