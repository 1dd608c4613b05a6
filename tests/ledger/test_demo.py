"""The demo ledger: a season of downloads and scans the report can show, rendered quickly."""

import io
import time

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from heritage.models import User
from ledger.models import BenefitAgreement, Household, KitDownload, QrScan
from stories.models import BrandKit, Workshop

pytestmark = pytest.mark.django_db

# The issue asks for under 3 s on the demo machine; this shared test machine runs four
# other engineers' tests at once, so the bound here is generous and the time is printed.
GENEROUS_SECONDS = 30


def test_the_demo_ledger_loads_once_and_its_report_renders_fast(tmp_path, client):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo_kit", stdout=io.StringIO())
    call_command("load_demo_ledger", stdout=io.StringIO())
    counts = (KitDownload.objects.count(), QrScan.objects.count(), Household.objects.count())
    call_command("load_demo_ledger", stdout=io.StringIO())  # safe to run again: adds nothing
    assert (KitDownload.objects.count(), QrScan.objects.count(), Household.objects.count()) == counts
    assert counts[0] > 50 and counts[1] > 30
    assert not KitDownload.objects.filter(is_demo=False).exists() and not QrScan.objects.filter(is_demo=False).exists()
    assert BrandKit.objects.filter(is_demo=True, live=True).count() == 2
    assert Workshop.objects.filter(is_demo=True).count() == 2
    assert BenefitAgreement.objects.filter(is_demo=True).count() == 2
    sellers = set(KitDownload.objects.values_list("seller__username", flat=True))
    assert {"demo-liu", "demo-zhou"} <= sellers

    started = time.perf_counter()
    call_command("impact_report", "--out", tmp_path, stdout=io.StringIO())
    seconds = time.perf_counter() - started
    print(f"demo impact report (report.pdf + report.csv): {seconds:.2f} s")
    assert seconds < GENEROUS_SECONDS
    text = "".join("".join(page.extract_text().split()) for page in PdfReader(tmp_path / "report.pdf").pages)
    assert "刘记网店（演示）" in text and "王家（演示）" in text and "基尼系数" in text

    client.force_login(User.objects.get(username="admin"))
    dashboard = client.get("/admin/ledger/impact/")
    assert dashboard.status_code == 200 and "<svg" in dashboard.content.decode()
    pdf = client.get("/admin/ledger/impact/?format=pdf")
    assert pdf["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    wang = client.get("/admin/ledger/narrators/")
    assert "王秀英" in wang.content.decode()
    client.force_login(User.objects.get(username="seller"))
    assert client.get("/admin/ledger/impact/").status_code in (302, 403)
