"""Small server-side SVG charts: readable on a phone, printable, no script and no CDN."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

INK = "#1f2328"
MUTED = "#5f6368"
GOOD = "#2e7d32"
SHORT = "#c62828"
BAR = "#5b8def"


def _svg(width, height, label, body):
    return mark_safe(
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="Noto Sans SC, sans-serif" font-size="12">'
        f"<title>{escape(label)}</title>{body}</svg>"
    )


def rates_over_years(series, target, label):
    """Lines of percentages per year against the target line.

    `series` maps a line name to [(year, percent or None), …] in year order.
    """
    width, height, left, right, top, bottom = 560, 260, 44, 70, 16, 48
    years = sorted({year for points in series.values() for year, _ in points})
    if not years:
        return _svg(width, 60, label, f'<text x="10" y="30" fill="{MUTED}">暂无数据</text>')
    plot_width = width - left - right
    plot_height = height - top - bottom

    def x(year):
        if len(years) == 1:
            return left + plot_width / 2
        return left + plot_width * years.index(year) / (len(years) - 1)

    def y(percent):
        return top + plot_height * (1 - float(percent) / 100)

    parts = []
    for tick in (0, 25, 50, 75, 100):
        parts.append(
            f'<line x1="{left}" x2="{left + plot_width}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="#e3e6ea"/><text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" '
            f'fill="{MUTED}">{tick}%</text>'
        )
    target_y = y(target * 100)
    parts.append(
        f'<line x1="{left}" x2="{left + plot_width}" y1="{target_y:.1f}" y2="{target_y:.1f}" '
        f'stroke="{SHORT}" stroke-dasharray="6 4"/><text x="{left + plot_width + 4}" '
        f'y="{target_y + 4:.1f}" fill="{SHORT}">目标 {target * 100:.0f}%</text>'
    )
    for year in years:
        parts.append(
            f'<text x="{x(year):.1f}" y="{height - 30}" text-anchor="middle" '
            f'fill="{MUTED}">{year}</text>'
        )
    colours = ["#1565c0", "#2e7d32", "#ef6c00"]
    for index, (name, points) in enumerate(series.items()):
        colour = colours[index % len(colours)]
        known = [(year, percent) for year, percent in points if percent is not None]
        if len(known) > 1:
            path = " ".join(f"{x(year):.1f},{y(percent):.1f}" for year, percent in known)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        for year, percent in known:
            parts.append(
                f'<circle cx="{x(year):.1f}" cy="{y(percent):.1f}" r="3.5" fill="{colour}">'
                f"<title>{escape(name)} {year}年：{percent}%</title></circle>"
            )
        legend_x = left + index * 110
        parts.append(
            f'<rect x="{legend_x}" y="{height - 15}" width="10" height="10" '
            f'fill="{colour}"/><text x="{legend_x + 14}" y="{height - 6}" '
            f'fill="{INK}">{escape(name)}</text>'
        )
    return _svg(width, height, label, "".join(parts))


def horizontal_bars(rows, label, unit="次"):
    """Bars for (label, count, link) rows, longest first as given."""
    if not rows:
        return _svg(560, 40, label, f'<text x="10" y="24" fill="{MUTED}">暂无不达标条目</text>')
    width, label_width, row_height = 560, 250, 24
    height = row_height * len(rows) + 8
    largest = max(count for _, count, _ in rows) or 1
    parts = []
    for index, (name, count, link) in enumerate(rows):
        top = 4 + index * row_height
        bar = (width - label_width - 50) * count / largest
        text = escape(name if len(name) <= 18 else name[:17] + "…")
        item = (
            f'<text x="{label_width - 6}" y="{top + 15}" text-anchor="end" fill="{INK}">{text}'
            f"<title>{escape(name)}</title></text>"
            f'<rect x="{label_width}" y="{top + 3}" width="{bar:.1f}" height="16" fill="{BAR}"/>'
            f'<text x="{label_width + bar + 6:.1f}" y="{top + 15}" fill="{INK}">'
            f"{count}{unit}</text>"
        )
        parts.append(f'<a href="{escape(link)}">{item}</a>' if link else item)
    return _svg(width, height, label, "".join(parts))


def stacked_states(segments, label):
    """One bar split by state: (label, count, colour) segments."""
    total = sum(count for _, count, _ in segments)
    width, height = 560, 64
    if not total:
        return _svg(width, 40, label, f'<text x="10" y="24" fill="{MUTED}">暂无数据</text>')
    parts, offset = [], 0.0
    for name, count, colour in segments:
        if not count:
            continue
        span = width * count / total
        parts.append(
            f'<rect x="{offset:.1f}" y="0" width="{span:.1f}" height="28" fill="{colour}">'
            f"<title>{escape(name)}：{count}</title></rect>"
        )
        if span > 40:
            parts.append(
                f'<text x="{offset + span / 2:.1f}" y="19" text-anchor="middle" '
                f'fill="#fff">{count}</text>'
            )
        offset += span
    legend_x = 0
    for name, count, colour in segments:
        parts.append(
            f'<rect x="{legend_x}" y="40" width="10" height="10" fill="{colour}"/>'
            f'<text x="{legend_x + 14}" y="49" fill="{INK}">{escape(name)} {count}</text>'
        )
        legend_x += 14 + 14 * len(name) + 10 * len(str(count)) + 18
    return _svg(width, height, label, "".join(parts))
