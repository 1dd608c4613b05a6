"""The facilitators' side of the ledger in the Wagtail admin: the impact dashboard and
each narrator's statement, both also as files to print."""

from datetime import date, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.safestring import mark_safe

from heritage.models import Narrator
from heritage.roles import Role, roles_required

from .metrics import build_report
from .queries import report_facts, statement
from .report.charts import render_svg
from .report.files import write_csv, write_pdf
from .statements import write_statement_pdf


def period(request) -> tuple[date, date]:
    """``?since=&until=`` (YYYY-MM-DD); by default the last 365 days."""

    def day(name):
        try:
            return date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return None

    until = day("until") or timezone.localdate()
    since = day("since") or until - timedelta(days=365)
    return min(since, until), until


def _file(path, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(path.read_bytes(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@roles_required(Role.FACILITATOR)
def dashboard(request):
    since, until = period(request)
    report = build_report(report_facts(since, until))
    wanted = request.GET.get("format")
    if wanted in ("pdf", "csv"):
        with TemporaryDirectory() as folder:
            if wanted == "pdf":
                return _file(write_pdf(report, _path(folder, "report.pdf")), "application/pdf", "report.pdf")
            return _file(write_csv(report, _path(folder, "report.csv")), "text/csv; charset=utf-8", "report.csv")
    figures = [(figure, mark_safe(render_svg(figure)) if figure.chart else "") for figure in report.figures]
    return render(request, "ledger/admin/dashboard.html", {"report": report, "figures": figures})


def _path(folder, name) -> Path:
    return Path(folder) / name


@roles_required(Role.FACILITATOR)
def narrators(request):
    people = Narrator.objects.annotate(quotes=Count("story_snippets", distinct=True)).order_by("-quotes", "name")
    return render(request, "ledger/admin/narrators.html", {"narrators": people})


@roles_required(Role.FACILITATOR)
def narrator_statement(request, pk):
    found = statement(get_object_or_404(Narrator, pk=pk))
    if request.GET.get("format") == "pdf":
        with TemporaryDirectory() as folder:
            path = write_statement_pdf(found, folder)
            return _file(path, "application/pdf", path.name)
    return render(request, "ledger/admin/statement.html", {"statement": found, "narrator": found.narrator})
