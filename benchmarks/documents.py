"""Time the printed documents, and the same documents with a Latin-only font."""

import re
import statistics
import time
from pathlib import Path

from django.template.loader import render_to_string
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcherResponse

from assessments.documents import assessment_reports, pass_list_document
from assessments.models import Assessment, Campaign, PassListEntry
from pingan.pdf import PortalFetcher, html_to_pdf
from villages.models import Region

LATIN_FONTS = Path("/usr/share/fonts/truetype/dejavu")
CJK = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]")
RUNS = 5


class LatinFetcher(PortalFetcher):
    """The portal's fetcher with DejaVu in place of the Chinese fonts."""

    def fetch(self, url, headers=None):
        scheme, _, name = url.partition(":")
        if scheme == "font":
            latin = "DejaVuSans.ttf" if "Sans" in name else "DejaVuSerif.ttf"
            path = LATIN_FONTS / latin
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": "font/ttf"})
        response = super().fetch(url, headers)
        if name.endswith(".css"):
            text = CJK.sub("x", response.read().decode("utf-8"))
            return URLFetcherResponse(url, text.encode("utf-8"), {"Content-Type": "text/css"})
        return response


def _median_seconds(call):
    call()
    durations = []
    for _ in range(RUNS):
        started = time.perf_counter()
        call()
        durations.append(time.perf_counter() - started)
    return statistics.median(durations)


def _documents(actors):
    closed = (
        Campaign.objects.filter(town=actors.town, status=Campaign.Status.CLOSED)
        .order_by("-year")
        .first()
    )
    pass_list = closed.pass_list
    town_entries = list(pass_list.entries.all())
    generated_city = Region.objects.filter(level=Region.Level.CITY).exclude(pk=actors.city.pk)
    city = generated_city.order_by("code").first()
    city_entries = list(
        PassListEntry.objects.filter(
            pass_list__campaign__year=closed.year,
            pass_list__campaign__town__path__startswith=city.path,
        ).order_by("village__code")[:633]
    )
    for position, entry in enumerate(city_entries, start=1):
        entry.position = position
    reports = assessment_reports(
        Assessment.objects.filter(campaign=closed, kind=Assessment.Kind.YEARLY)
        .select_related("village", "campaign__town", "standard")
        .order_by("village__code")
    )
    return [
        (
            f"达标名单通报({len(town_entries)} 个村)",
            render_to_string(
                "documents/pass_list.html", pass_list_document(pass_list, town_entries)
            ),
        ),
        (
            f"全市名单({len(city_entries)} 个村)",
            render_to_string(
                "documents/pass_list.html", pass_list_document(pass_list, city_entries)
            ),
        ),
        (
            f"考评报告合订({len(reports)} 份)",
            render_to_string("documents/assessment_report.html", {"reports": reports}),
        ),
    ]


def section(actors):
    lines = [
        "## 4. PDFs",
        "",
        f"Median of {RUNS} renders after one warm-up, HTML to PDF bytes through WeasyPrint",
        "with the portal's fetcher. The Latin-only figure renders the same HTML with every",
        "CJK character replaced by `x` and DejaVu in place of Noto Serif/Sans SC: the",
        "difference is the cost of the Chinese font. Goal for the pass list: under 1 s and",
        "within 1.5× of the Latin-only render.",
        "",
        "| document | Chinese | KB | Latin-only | × Latin |",
        "|---|---|---|---|---|",
    ]
    latin_fetcher = LatinFetcher(fail_on_errors=True)
    latin_fonts = FontConfiguration()
    for name, html in _documents(actors):
        size = len(html_to_pdf(html))
        chinese = _median_seconds(lambda html=html: html_to_pdf(html))
        latin_html = CJK.sub("x", html)
        latin = _median_seconds(lambda h=latin_html: html_to_pdf(h, latin_fetcher, latin_fonts))
        lines.append(
            f"| {name} | {chinese:.2f} s | {size / 1024:.0f} | {latin:.2f} s | "
            f"{chinese / latin:.2f} |"
        )
    return lines
