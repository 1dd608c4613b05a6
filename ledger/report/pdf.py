"""Shared HTML pieces for the ledger's printed documents (WeasyPrint, Noto CJK)."""

from html import escape

FONT_FAMILY = "Noto Sans CJK SC"  # the face the kit labels use (stories/export/label.py)

# One weight only: each face embedded in a PDF is subset from the large CJK collection,
# the slowest step of writing it. Headings stand out by size and colour instead of bold.
ONE_WEIGHT = "h1, h2, h3, h4, th, strong, b, .reading { font-weight: normal; }"

CSS = f"""
@page {{ size: A4; margin: 16mm 16mm 18mm;
  @bottom-center {{ content: counter(page) " / " counter(pages); font-size: 9pt; font-family: "{FONT_FAMILY}"; }} }}
body {{ font-family: "{FONT_FAMILY}"; font-size: 10.5pt; line-height: 1.5; color: #1a1a1a; }}
h1 {{ font-size: 18pt; color: #8B1A1A; margin: 0 0 2mm; }}
h2 {{ font-size: 14pt; border-bottom: 1px solid #8B1A1A; margin-top: 6mm; }}
h3 {{ font-size: 12pt; margin: 4mm 0 1mm; }}
.how {{ color: #555; font-size: 9pt; margin: 0 0 1mm; }}
.reading {{ margin: 1mm 0; color: #8B1A1A; }}
.chart img {{ width: 100%; height: auto; }}
.figure {{ break-inside: avoid; }}
table {{ border-collapse: collapse; width: 100%; font-size: 9pt; margin-bottom: 3mm; }}
th, td {{ border: 0.5pt solid #bbb; padding: 1mm 2mm; text-align: left; }}
th {{ background: #f4ece4; }}
{ONE_WEIGHT}
"""

# For reading aloud at a village meeting: large type, short lines, generous spacing.
LARGE_CSS = f"""
@page {{ size: A4; margin: 18mm;
  @bottom-center {{ content: "第 " counter(page) " 页"; font-size: 12pt; font-family: "{FONT_FAMILY}"; }} }}
body {{ font-family: "{FONT_FAMILY}"; font-size: 18pt; line-height: 1.7; color: #000; }}
h1 {{ font-size: 28pt; margin: 0 0 4mm; }}
h2 {{ font-size: 22pt; margin: 8mm 0 2mm; border-bottom: 2pt solid #000; }}
h3 {{ font-size: 20pt; margin: 5mm 0 2mm; }}
blockquote {{ margin: 2mm 0 3mm 6mm; font-size: 19pt; }}
.meta {{ font-size: 15pt; color: #333; }}
h2, h3 {{ break-after: avoid; }}
blockquote, li {{ break-inside: avoid; }}
{ONE_WEIGHT}
"""


def table(columns, rows) -> str:
    head = "".join(f"<th>{escape(str(c))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    if not rows:
        body = f'<tr><td colspan="{len(columns)}">本期没有数据</td></tr>'
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def page(title: str, body: str, css: str) -> str:
    return (
        f'<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{css}</style></head><body>{body}</body></html>"
    )
