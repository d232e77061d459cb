"""The one PDF renderer of the portal: a template rendered to HTML, then by WeasyPrint.

Documents reach only two places: the portal's own static files (`static:css/…`) and the
Chinese fonts installed with the project (`font:NotoSerifSC-Regular.otf`), so a printout
never depends on what the machine happens to have, and never fetches from the network.

Each font is offered twice: first a cut of it holding only the common characters (GB 2312
and the punctuation of official documents, `font:NotoSerifSC-Regular.common.otf`, made once
by `manage.py prepare_fonts`), then the whole font for the rare character of a village's
name. Cutting a document's glyphs out of the 3 MB common font is several times faster than
out of the 12 MB whole font; the whole font is embedded only when a rare character needs it.
"""

import hashlib
import json
import mimetypes
import threading
from pathlib import Path

import pylopdf_fonts_zh_cn
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core import checks
from django.core.cache import cache
from django.template.loader import render_to_string
from fontTools import subset
from fontTools.ttLib import TTFont
from weasyprint import HTML
from weasyprint.text.ffi import harfbuzz_subset
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

FONT_DIRECTORY = Path(pylopdf_fonts_zh_cn.__file__).resolve().parent
FONT_FILES = ("NotoSerifSC-Regular.otf", "NotoSansSC-Regular.otf")
COMMON_SUFFIX = ".common.otf"
# Latin, general punctuation, circled numbers, CJK symbols, full-width forms; GB 2312 is added.
COMMON_RANGES = (
    (0x20, 0x7E),
    (0xA0, 0xFF),
    (0x2000, 0x206F),
    (0x2460, 0x24FF),
    (0x3000, 0x303F),
    (0xFF00, 0xFFEF),
)


def common_characters():
    characters = {code for low, high in COMMON_RANGES for code in range(low, high + 1)}
    for first in range(0xA1, 0xF8):
        for second in range(0xA1, 0xFF):
            try:
                characters.add(ord(bytes((first, second)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return characters


def common_font_path(name):
    return Path(settings.PDF_FONT_CACHE) / name.replace(".otf", COMMON_SUFFIX)


def prepare_common_fonts():
    """Write the common-character cut of each font; returns the paths written."""
    characters = common_characters()
    written = []
    for name in FONT_FILES:
        font = TTFont(FONT_DIRECTORY / name)
        options = subset.Options(
            layout_features=["*"], name_IDs=["*"], name_languages=["*"], notdef_outline=True
        )
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=characters)
        subsetter.subset(font)
        path = common_font_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        font.save(path)
        written.append(path)
    return written


def _font_file(name):
    """The file behind a `font:` URL: an installed font, or its common cut (the whole font
    until `prepare_fonts` has made the cut)."""
    if name.endswith(COMMON_SUFFIX):
        whole = name.replace(COMMON_SUFFIX, ".otf")
        if whole not in FONT_FILES:
            return None
        common = common_font_path(whole)
        return common if common.is_file() else FONT_DIRECTORY / whole
    return FONT_DIRECTORY / name if name in FONT_FILES else None


class PortalFetcher(URLFetcher):
    def fetch(self, url, headers=None):
        scheme, _, name = url.partition(":")
        if scheme == "static":
            located = finders.find(name.lstrip("/"))
            path = Path(located).resolve() if located else None
        elif scheme == "font":
            path = _font_file(name)
        else:
            path = None
        if path is None or not path.is_file():
            raise ValueError(f"文档只能引用平台自身的静态文件和字体：{url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def check_font_subsetter(app_configs=None, **kwargs):
    """Without HarfBuzz-Subset, WeasyPrint subsets the 12 MB Chinese fonts in Python: each
    printout then takes seconds instead of a tenth of one. Without the common cuts, every
    printout works from the whole fonts."""
    problems = []
    if harfbuzz_subset is None:
        problems.append(
            checks.Warning(
                "未找到 HarfBuzz-Subset 库，PDF 中文字体子集化将退回到很慢的 Python 实现。",
                hint="在 Debian/Ubuntu 上安装：apt-get install libharfbuzz-subset0",
                id="pingan.W001",
            )
        )
    if not all(common_font_path(name).is_file() for name in FONT_FILES):
        problems.append(
            checks.Warning(
                "尚未生成 PDF 常用字字体，打印文件将使用完整字体，速度较慢。",
                hint="运行 python manage.py prepare_fonts",
                id="pingan.W002",
            )
        )
    return problems


_fonts = threading.local()


def portal_fonts():
    """The font configuration of this thread, kept from one document to the next, so that the
    Chinese fonts are read and registered with Fontconfig once rather than for every printout.
    Each thread has its own because Pango's font maps are not shared between threads."""
    if not hasattr(_fonts, "config"):
        _fonts.config = FontConfiguration()
    return _fonts.config


def html_to_pdf(html, fetcher=None, font_config=None):
    """`fetcher` and `font_config` go together: fonts are cached by their URL."""
    fetcher = fetcher or PortalFetcher(fail_on_errors=True)
    document = HTML(string=html, base_url="static:/", url_fetcher=fetcher)
    return document.write_pdf(font_config=font_config or portal_fonts())


def render_pdf_in_parts(template_name, contexts, progress):
    """One PDF of many documents rendered one by one, reporting `progress(done, total)`; each
    part keeps its own page numbers."""
    fetcher = PortalFetcher(fail_on_errors=True)
    total = len(contexts)
    progress(0, total)
    pages, first = [], None
    for done, context in enumerate(contexts, start=1):
        html = render_to_string(template_name, context)
        document = HTML(string=html, base_url="static:/", url_fetcher=fetcher).render(
            font_config=portal_fonts()
        )
        first = first or document
        pages.extend(document.pages)
        progress(done, total)
    if first is None:
        return html_to_pdf(render_to_string(template_name, {}))
    return first.copy(pages).write_pdf(font_config=portal_fonts())


def render_pdf(template_name, context, request=None):
    """Render a document template to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context, request=request))


# A printout kept this long after it was last made; a reprint after that is rendered again.
PRINTOUT_KEPT_SECONDS = 30 * 24 * 3600


def render_pdf_once(template_name, context, printed):
    """A document rendered the first time it is asked for and read from the cache after, for
    as long as what it prints (`printed`: the plain values on the page) stays the same: a
    certificate or a drawn sample list is the same document however often it is reprinted,
    and a change to any value it prints makes it a new one."""
    identity = json.dumps([template_name, printed], default=str, ensure_ascii=False)
    key = f"printout:{hashlib.sha256(identity.encode()).hexdigest()}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_pdf(template_name, context)
        cache.set(key, pdf, PRINTOUT_KEPT_SECONDS)
    return pdf
