"""The label PDF, opened again with pypdf and pdfium: text, fonts, boxes, photo, QR code."""

import io
import re

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from pypdf import PdfReader
from pyzbar import pyzbar

from stories.contrast import contrast_ratio
from stories.export import label as label_module
from stories.export.content import LABEL_FIELDS, Photo
from stories.export.exceptions import LabelContrastError, MissingFontError
from stories.export.label import (
    LabelColours,
    contrast_problems,
    label_colours,
    loopback_warning,
    net_content_height_mm,
    render_label_pdf,
)

from .kit import STORY_URL, make_kit, make_photo

PT_PER_MM = 72 / 25.4


def mm(points: float) -> float:
    return points / PT_PER_MM


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def reader(label_pdf):
    return PdfReader(label_pdf)


@pytest.fixture(scope="module")
def pdf(label_pdf):
    return pdfium.PdfDocument(label_pdf.getvalue())


def test_the_label_carries_the_story_the_credits_and_the_label_fields(reader, kit):
    text = squeeze("".join(page.extract_text() for page in reader.pages))
    for expected in (kit.product_name, kit.tagline, kit.short_story):
        assert squeeze(expected) in text
    for credit in kit.credits:
        assert credit.name in text
    for field in LABEL_FIELDS:
        value = kit.label.get(field.key, "").strip()
        if value:
            assert squeeze(value) in text, field.key


def test_empty_label_fields_are_listed_for_the_producer_never_filled(reader, kit, bundle):
    text = squeeze(reader.pages[1].extract_text())
    missing = kit.missing_label_fields()
    assert {f.key for f in missing} == {"production_date", "expiry_date", "licence_number", "allergens"}
    assert "待生产者填写" in text
    listed = text.split("待生产者填写", 1)[1]
    for field in missing:
        assert field.label in listed
    assert [f.key for f in bundle[0].label.missing_fields] == [f.key for f in missing]


def test_every_font_is_embedded_and_is_the_simplified_chinese_face(reader):
    seen = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = (
                font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                if "/DescendantFonts" in font
                else font["/FontDescriptor"]
            ).get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]
            seen.add(str(font["/BaseFont"]).split("+")[-1])
    assert seen and all("CJK-SC" in name for name in seen), seen


def test_media_box_is_trim_plus_bleed_and_trim_box_is_the_label_size(reader):
    assert len(reader.pages) == 2
    for page in reader.pages:
        trim, bleed, media = page.trimbox, page.bleedbox, page.mediabox
        assert (mm(trim.width), mm(trim.height)) == pytest.approx((100, 70), abs=0.01)
        assert (mm(media.width), mm(media.height)) == pytest.approx((106, 76), abs=0.01)
        assert (mm(trim.left - media.left), mm(trim.bottom - media.bottom)) == pytest.approx((3, 3), abs=0.01)
        assert list(bleed) == pytest.approx(list(media), abs=0.01)


def test_text_stays_three_millimetres_inside_the_trim(pdf):
    for page in pdf:
        text = page.get_textpage()
        for i in range(text.count_chars()):
            left, bottom, right, top = (mm(v) for v in text.get_charbox(i, loose=False))
            if right - left < 0.01:  # line breaks and spaces have no ink
                continue
            assert left >= 3 and bottom >= 3 and right <= 97 and top <= 67, (i, left, bottom, right, top)


def ink_heights(page, needle: str) -> list[float]:
    text = page.get_textpage()
    content = text.get_text_range()
    start = content.index(needle)
    heights = []
    for i in range(start, start + len(needle)):
        left, bottom, right, top = text.get_charbox(i, loose=False)
        if content[i].isdigit():
            heights.append(mm(top - bottom))
    return heights


def test_mandatory_text_is_at_least_1_8_mm_high_and_net_content_follows_the_weight_rule(pdf, kit, bundle):
    # Digits are the shortest full-height characters a field holds: GB 7718 measures them.
    for digit_height in ink_heights(pdf[1], "0851-87000000") + ink_heights(pdf[1], "12个月"):
        assert digit_height >= 1.8
    net = ink_heights(pdf[0], "350")
    assert len(net) == 3 and min(net) >= 4.0  # 200 g < 350 g ≤ 1 kg: 4 mm
    assert bundle[0].label.net_content_height_mm == 4.0


@pytest.mark.parametrize(
    ("text", "height"),
    [("50 g", 2.0), ("120克", 3.0), ("350 g", 4.0), ("1 kg", 4.0), ("1.5千克", 6.0), ("500 mL", 4.0), ("约一斤", None)],
)
def test_net_content_height_rule(text, height):
    assert net_content_height_mm(text) == height


def test_the_qr_code_opens_the_story_and_is_printed_at_least_20_mm(pdf, bundle):
    dpi = 300
    image = pdf[1].render(scale=dpi / 72).to_pil().convert("L")
    found = pyzbar.decode(image)
    # The label's QR carries the kit's source tag, so a scan is counted (tests/ledger).
    assert [code.data.decode() for code in found] == [STORY_URL + "?src=qr-r42"]
    rect = found[0].rect
    assert rect.width * 25.4 / dpi >= 20 and rect.height * 25.4 / dpi >= 20
    qr = bundle[0].label.qr
    assert qr.error in ("M", "Q", "H") and qr.url == found[0].data.decode()
    # The quiet zone: four modules of light around the symbol.
    module = rect.width / qr.modules
    zone = 4 * module - 2
    left, top, right, bottom = rect.left, rect.top, rect.left + rect.width, rect.top + rect.height
    ring = [
        image.crop((round(left - zone), round(top - zone), round(right + zone), round(top - 2))),
        image.crop((round(left - zone), round(bottom + 2), round(right + zone), round(bottom + zone))),
        image.crop((round(left - zone), round(top), round(left - 2), round(bottom))),
        image.crop((round(right + 2), round(top), round(right + zone), round(bottom))),
    ]
    assert all(part.getextrema()[0] > 200 for part in ring)


def test_the_qr_code_is_vector_and_the_photo_is_embedded_at_300_dpi(pdf, bundle):
    def images(page):
        return list(page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_IMAGE], max_depth=5))

    assert images(pdf[1]) == []  # the back holds the QR code: no bitmap there
    (photo,) = images(pdf[0])
    placed = bundle[0].label.images[0]
    assert tuple(photo.get_px_size()) == placed.placed_px == (508, 898)  # 43 × 76 mm (into the bleed) at 300 dpi
    assert mm(photo.get_bounds()[2] - photo.get_bounds()[0]) == pytest.approx(43, abs=0.05)
    assert placed.source_px[0] > placed.placed_px[0]  # downscaled from the larger photo
    assert not placed.low_resolution and placed.dpi >= 300


def test_a_photo_too_small_for_300_dpi_is_reported_and_never_enlarged(tmp_path):
    small = Photo(make_photo(tmp_path / "small.jpg", (300, 400), 9), "老照片", role="main")
    report = render_label_pdf(make_kit((small,)), tmp_path / "label.pdf")
    (placed,) = report.images
    assert placed.low_resolution and placed.dpi < 300
    assert placed.placed_px == placed.source_px  # embedded as it is
    assert any("300 dpi" in warning for warning in report.warnings)
    (image,) = [
        x.get_object()
        for x in PdfReader(tmp_path / "label.pdf").pages[0]["/Resources"]["/XObject"].values()
        if x.get_object()["/Subtype"] == "/Image"
    ]
    assert image["/Width"] == placed.placed_px[0]


def test_dates_are_printed_3_mm_high(tmp_path, kit):
    dated = make_kit((), label={**kit.label, "production_date": "2026-06-01", "expiry_date": "2027-06-01"})
    render_label_pdf(dated, tmp_path / "label.pdf")
    back = pdfium.PdfDocument(io.BytesIO((tmp_path / "label.pdf").read_bytes()).getvalue())[1]
    heights = ink_heights(back, "2026-06-01") + ink_heights(back, "2027-06-01")
    assert len(heights) == 16 and min(heights) >= 3.0


def test_a_missing_font_names_the_debian_package(monkeypatch, tmp_path):
    monkeypatch.setattr(label_module, "FONT_DIR", tmp_path)
    with pytest.raises(MissingFontError, match="fonts-noto-cjk"):
        render_label_pdf(make_kit(()), tmp_path / "label.pdf")


def test_copy_too_long_for_two_sides_is_reported_not_cut(tmp_path, kit):
    long_story = kit.short_story * 10
    report = render_label_pdf(make_kit((), short_story=long_story), tmp_path / "label.pdf")
    assert report.pages > 2 and any("two sides" in warning for warning in report.warnings)
    text = squeeze("".join(page.extract_text() for page in PdfReader(tmp_path / "label.pdf").pages))
    assert text.count("几代人过年的味道") == 10  # all of it printed, on more pages


def test_every_text_on_the_label_reaches_4_5_to_1_and_light_palette_colours_are_never_text(kit):
    colours = label_colours(("#f3e2c7", "#5a1a10", "#fff3d6", "#b5432a"))  # cream first, as a jar's photo gives
    assert colours.dark == "#5a1a10" and colours.accent == "#b5432a"
    assert contrast_problems(colours) == []
    for _what, text, background in colours.pairs():
        assert contrast_ratio(text, background) >= 4.5
    only_light = label_colours(("#f3e2c7", "#ffe9a8"))
    assert contrast_problems(only_light) == [] and only_light.accent == only_light.dark


def test_a_label_whose_text_would_fail_contrast_is_refused_with_the_reason(tmp_path, kit):
    cream_tagline = LabelColours(dark="#5a1a10", accent="#f3e2c7", band_text="#ffffff")
    with pytest.raises(LabelContrastError) as refused:
        render_label_pdf(kit, tmp_path / "label.pdf", colours=cream_tagline)
    assert "广告语" in str(refused.value) and "#f3e2c7" in str(refused.value) and "4.5" in str(refused.value)
    assert not (tmp_path / "label.pdf").exists()


def test_a_qr_code_opening_a_loopback_address_is_warned_about(tmp_path):
    local = make_kit((), story_url="http://127.0.0.1:8000/kits/yanglang/")
    report = render_label_pdf(local, tmp_path / "label.pdf")
    assert any("本机地址" in warning and "BASE_URL" in warning for warning in report.warnings)
    assert loopback_warning(STORY_URL) is None and loopback_warning("http://localhost/x") is not None
