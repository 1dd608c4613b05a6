"""The ledger: downloads recorded under an accepted agreement, QR scans counted without personal data."""

from decimal import Decimal

import pytest
from django.utils import timezone

from ledger.agreements import has_accepted
from ledger.models import AgreementAcceptance, KitDownload, QrScan
from ledger.money import yuan_in_words

from .. import factories as f

pytestmark = pytest.mark.django_db


def test_a_download_without_the_accepted_agreement_is_refused_in_chinese(make_kit, people, client):
    kit = make_kit()
    f.benefit_agreement(kit, ("family", kit.kit_snippets.first().snippet.narrators.first(), "per_jar", "0.50"))
    client.force_login(people["seller"])
    refused = client.get(f"/kits/{kit.slug}/download/", follow=True)
    page = refused.content.decode()
    assert "请先在下载架上阅读这个品牌包的利益分享约定" in page
    assert refused.get("content-type", "").startswith("text/html")
    assert not KitDownload.objects.exists()
    # The shelf shows the terms and the button, and no download link yet.
    assert "王秀英的家庭" in page and "每卖一罐 0.50 元（人民币伍角）" in page
    assert f"/kits/{kit.slug}/download/" not in page

    client.post(f"/ledger/kits/{kit.slug}/accept/")
    client.post(f"/ledger/kits/{kit.slug}/accept/")  # twice is once
    assert AgreementAcceptance.objects.count() == 1
    shelf = client.get("/kits/shelf/").content.decode()
    assert f"/kits/{kit.slug}/download/" in shelf and "你已经接受了这份约定" in shelf

    response = client.get(f"/kits/{kit.slug}/download/")
    assert response.status_code == 200 and response["content-type"] == "application/zip"
    (download,) = KitDownload.objects.all()
    assert download.seller == people["seller"] and download.kit == kit
    assert download.revision_id == kit.live_revision_id
    assert download.agreement.terms.get().amount == Decimal("0.50")
    assert "taobao" in download.platforms and all("/" not in p for p in download.platforms)


def test_a_new_kit_revision_needs_the_agreement_accepted_again(make_kit, people):
    kit = make_kit()
    f.benefit_agreement(kit)
    seller = people["seller"]
    AgreementAcceptance.objects.create(
        agreement=kit.benefit_agreements.get(), kit=kit, revision_id=kit.live_revision_id, seller=seller
    )
    assert has_accepted(kit, seller)
    kit.save_revision(user=people["facilitator"]).publish(user=people["facilitator"])
    kit.refresh_from_db()
    assert not has_accepted(kit, seller)


def test_a_kit_without_agreement_is_downloaded_and_recorded_as_such(make_kit, people, client):
    kit = make_kit()
    client.force_login(people["seller"])
    assert client.get(f"/kits/{kit.slug}/download/").status_code == 200
    assert KitDownload.objects.get().agreement is None


def test_only_sellers_accept_agreements_the_makers_downloads_are_recorded_too(make_kit, people):
    kit = make_kit()
    f.benefit_agreement(kit)
    assert not has_accepted(kit, people["seller"])
    assert has_accepted(kit, people["facilitator"]) and has_accepted(kit, people["participant"])


def test_the_label_qr_tag_is_counted_per_kit_and_day_and_nothing_about_the_visitor(make_kit, client):
    kit = make_kit()
    other = make_kit(slug="other-kit")
    tag = f"qr-r{kit.live_revision_id}"
    for _ in range(3):
        assert client.get(f"/kits/{kit.slug}/?src={tag}", HTTP_USER_AGENT="Phone/1.0").status_code == 200
    client.get(f"/kits/{kit.slug}/")  # not from the QR
    client.get(f"/kits/{kit.slug}/?src=qr-r{other.live_revision_id}")  # another kit's tag
    client.get(f"/kits/{kit.slug}/?src=qr-rx")
    (scan,) = QrScan.objects.all()
    assert (scan.kit, scan.day, scan.count) == (kit, timezone.localdate(), 3)
    # The model has nowhere to keep an address, a browser or an account.
    assert {field.name for field in QrScan._meta.get_fields()} == {"id", "kit", "day", "count", "is_demo"}
    assert "Phone/1.0" not in str(list(QrScan.objects.values()))


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0.50", "人民币伍角"),
        ("3", "人民币叁元整"),
        ("1205.50", "人民币壹仟贰佰零伍元伍角"),
        ("10010", "人民币壹万零壹拾元整"),
        ("100000.05", "人民币壹拾万元零伍分"),
    ],
)
def test_amounts_are_written_in_capital_numerals_as_on_a_receipt(amount, words):
    assert yuan_in_words(Decimal(amount)) == words
