"""The demo's approved kit exports as a seller would get it, and its QR code opens its story."""

import hashlib
import io
import json
import zipfile
from urllib.parse import urlsplit

import pypdfium2
import pytest
from django.conf import settings
from django.core.management import call_command
from pyzbar import pyzbar

from stories.demo import KIT_SLUG
from stories.exporting import export_kit
from stories.models import BrandKit
from stories.palette import extract_palette

pytestmark = pytest.mark.django_db


def test_the_demo_kit_exports_whole_and_its_qr_opens_the_story(client, tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo_kit", stdout=io.StringIO())
    call_command("load_demo_kit", stdout=io.StringIO())  # safe to run again
    kit = BrandKit.objects.get(slug=KIT_SLUG)
    assert kit.live and kit.is_demo and kit.kit_snippets.count() == 5

    path = export_kit(kit, tmp_path)
    with zipfile.ZipFile(path) as bundle:
        manifest = json.loads(bundle.read("manifest.json"))
        assert {entry["path"] for entry in manifest["files"]} == set(bundle.namelist()) - {"manifest.json"}
        for entry in manifest["files"]:
            assert hashlib.sha256(bundle.read(entry["path"])).hexdigest() == entry["sha256"], entry["path"]
        credits = bundle.read("credits.txt").decode()
        pdf = pypdfium2.PdfDocument(bundle.read("packaging/label.pdf"))
    assert manifest["revision_id"] == kit.live_revision_id
    assert "王秀英" in credits and "外婆教我做阳朗辣子鸡" in credits
    # The producer's facts the demo does not know are listed, not invented.
    assert {"producer_name", "licence_number"} <= {f["key"] for f in manifest["missing_label_fields"]}

    codes = [
        code.data.decode() for page in pdf for code in pyzbar.decode(page.render(scale=300 / 72).to_pil().convert("L"))
    ]
    # The QR carries the label's source tag (the approved revision), so a scan can be counted.
    assert codes == [settings.WAGTAILADMIN_BASE_URL + f"/kits/{KIT_SLUG}/?src=qr-r{kit.live_revision_id}"]
    story = client.get(urlsplit(codes[0]).path + "?" + urlsplit(codes[0]).query)
    assert story.status_code == 200 and "外婆说，辣子鸡好不好吃，全看糍粑辣椒。" in story.content.decode()


def test_the_palette_comes_from_the_photos_darkest_first(tmp_path):
    from PIL import Image

    red, cream = tmp_path / "red.jpg", tmp_path / "cream.jpg"
    Image.new("RGB", (400, 300), (150, 20, 20)).save(red)
    Image.new("RGB", (400, 300), (245, 230, 200)).save(cream)
    palette = extract_palette([red, cream], count=2)
    assert len(palette) == 2 and palette[0].startswith("#9") and palette[1].startswith("#F")
