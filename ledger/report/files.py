"""The impact report as files: ``report.pdf`` (with its charts) and ``report.csv`` (the rows behind them).

No Django here: both are pure functions of a :class:`~ledger.metrics.Report`.
"""

import csv
from html import escape
from pathlib import Path

from ..metrics import Report
from .charts import render_svg, svg_data_uri
from .pdf import CSS, page, table

CSV_COLUMNS = ("图表", "标题", "行", "列", "值")


def write_csv(report: Report, path: Path) -> Path:
    """One line per cell, so every figure's rows sit in one sheet: (figure, title, row, column, value)."""
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:  # with BOM: Excel opens it as UTF-8
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        writer.writerow(("period", "统计期", 0, "起止", f"{report.since.isoformat()}/{report.until.isoformat()}"))
        for figure in report.figures:
            for number, row in enumerate(figure.rows, start=1):
                for column, value in zip(figure.columns, row, strict=True):
                    writer.writerow((figure.key, figure.title, number, column, value))
    return path


def report_html(report: Report) -> str:
    parts = [
        "<h1>立碑村口述历史与品牌共创项目：成效报告</h1>",
        f'<p class="period">统计期：{report.since:%Y年%m月%d日} 至 {report.until:%Y年%m月%d日}</p>',
        '<p class="note">访客的个人信息一概不记录：扫码只计次数。讲述人撤回商业使用同意后，'
        "他们的话不再计入本报告的数字，但仍保留在协作者的历史记录里。</p>",
    ]
    section = None
    for figure in report.figures:
        if figure.section != section:
            section = figure.section
            parts.append(f"<h2>{escape(section)}</h2>")
        parts.append(f'<section class="figure"><h3>{escape(figure.title)}</h3>')
        parts.append(f'<p class="how">怎么算：{escape(figure.how)}</p>')
        if figure.reading:
            parts += [f'<p class="reading">{escape(line)}</p>' for line in figure.reading.splitlines()]
        if figure.chart:
            svg = render_svg(figure, width=640, height=420 if figure.chart == "network" else 320)
            parts.append(f'<div class="chart"><img src="{svg_data_uri(svg)}" alt="{escape(figure.title)}"></div>')
        parts.append(table(figure.columns, figure.rows))
        parts.append("</section>")
    return page("成效报告", "".join(parts), CSS)


def write_pdf(report: Report, path: Path) -> Path:
    from weasyprint import HTML  # about a second to import: only when a PDF is written

    HTML(string=report_html(report)).write_pdf(path)
    return path


def write_report(report: Report, out_dir: Path) -> tuple[Path, Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return write_pdf(report, out_dir / "report.pdf"), write_csv(report, out_dir / "report.csv")
