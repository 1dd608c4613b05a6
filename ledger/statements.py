"""The printable statement of one narrator: large type, Chinese, for reading aloud."""

from pathlib import Path

from django.template.loader import render_to_string

from .exceptions import UnknownNarrator
from .queries import Statement, find_narrator, statement
from .report.pdf import LARGE_CSS


def statement_for(name: str) -> Statement:
    narrator = find_narrator(name)
    if narrator is None:
        raise UnknownNarrator(name)
    return statement(narrator)


def statement_html(found: Statement) -> str:
    return render_to_string(
        "ledger/statement_document.html", {"statement": found, "narrator": found.narrator, "css": LARGE_CSS}
    )


def write_statement_pdf(found: Statement, out_dir: Path) -> Path:
    from weasyprint import HTML  # about a second to import: only when a PDF is written

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"statement-{found.narrator.pk}.pdf"
    HTML(string=statement_html(found)).write_pdf(path)
    return path
