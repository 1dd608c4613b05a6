"""Figures drawn as SVG on the server with pygal (pinned in requirements.txt).

The chart draws exactly ``Figure.series`` over ``Figure.labels``; the who-worked-with-whom
network, which pygal does not draw, is laid out on a circle here in plain SVG.
"""

import base64
import math
import re
from html import escape

import pygal
from pygal.style import Style

FONT = "Noto Sans CJK SC, sans-serif"

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#222",
    foreground_strong="#111",
    foreground_subtle="#666",
    colors=("#8B1A1A", "#D98E04", "#3B6E8F", "#4F7942", "#7A4E9C", "#B5651D", "#2F4F4F", "#C71585"),
    font_family=FONT,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    title_font_size=16,
    value_font_size=12,
)

SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
LEGEND_ID = re.compile(r' id="activate-serie-\d+"')
DESC = re.compile(r"<desc\b[^>]*>.*?</desc>", re.DOTALL)

CHARTS = {"bar": pygal.Bar, "pie": pygal.Pie, "line": pygal.Line}


def render_svg(figure, width: int = 720, height: int = 360) -> str:
    """The figure's chart as an SVG document (no script: it is printed and read offline)."""
    if figure.chart == "network":
        return network_svg(figure.labels, figure.series.get("edges", []), width, max(height, 420))
    chart = CHARTS[figure.chart](
        width=width,
        height=height,
        style=STYLE,
        disable_xml_declaration=True,
        js=[],
        explicit_size=True,
        # Fewer texts and nodes: each costs the PDF noticeable time; the numbers are in the table below.
        print_values=False,
        show_dots=False,
        show_legend=len(figure.series) > 1 or figure.chart == "pie",
        legend_at_bottom=True,
        x_label_rotation=30 if len(figure.labels) > 4 else 0,
        truncate_label=12,
        truncate_legend=18,
        no_data_text="本期没有数据",
        show_y_guides=True,
    )
    if figure.chart == "pie":
        for label, value in zip(figure.labels, next(iter(figure.series.values()), []), strict=False):
            chart.add(label, value)
    else:
        # At most about a dozen x labels, so they do not run into each other.
        every = max(1, math.ceil(len(figure.labels) / 12))
        chart.x_labels = [label if n % every == 0 else "" for n, label in enumerate(figure.labels)]
        for name, values in figure.series.items():
            chart.add(name, values)
    # pygal always adds its tooltip configuration as a script; a printed chart needs none,
    # and the admin's Content-Security-Policy would refuse it anyway.
    # Its legend ids repeat in every chart (several charts share one page), and its
    # tooltip texts (<desc>) serve only that script.
    return DESC.sub("", LEGEND_ID.sub("", SCRIPT.sub("", chart.render(is_unicode=True))))


def svg_data_uri(svg: str) -> str:
    """For the PDF: WeasyPrint draws an SVG given as an image several times faster than
    inline SVG, whose every node would also be styled as HTML."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def network_svg(nodes: list[str], edges: list[tuple[str, str, int]], width: int, height: int) -> str:
    """Households on a circle, a line for each pair that made a kit together, thicker for more kits."""
    cx, cy, r = width / 2, height / 2, min(width, height) / 2 - 70
    where = {
        name: (
            cx + r * math.cos(2 * math.pi * i / max(len(nodes), 1) - math.pi / 2),
            cy + r * math.sin(2 * math.pi * i / max(len(nodes), 1) - math.pi / 2),
        )
        for i, name in enumerate(nodes)
    }
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{FONT}" font-size="13">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    if not nodes:
        parts.append(f'<text x="{cx}" y="{cy}" text-anchor="middle">本期没有数据</text>')
    for a, b, n in edges:
        (x1, y1), (x2, y2) = where[a], where[b]
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#D98E04" '
            f'stroke-width="{1.5 + 2 * n:.1f}" stroke-opacity="0.7"><title>{escape(a)}—{escape(b)}：{n}</title></line>'
        )
        parts.append(f'<text x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2:.1f}" fill="#555">{n}</text>')
    for name, (x, y) in where.items():
        anchor = "start" if x > cx + 1 else "end" if x < cx - 1 else "middle"
        dx = 12 if anchor == "start" else -12 if anchor == "end" else 0
        dy = -14 if y < cy and anchor == "middle" else 20 if anchor == "middle" else 5
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="#8B1A1A"/>')
        parts.append(f'<text x="{x + dx:.1f}" y="{y + dy:.1f}" text-anchor="{anchor}">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)
