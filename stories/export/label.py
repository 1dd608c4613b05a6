"""The packaging label: a two-sided, print-ready PDF (front: the story; back: GB 7718 fields).

Print rules (DOMAIN.md, "Print" and "Food labels"): 3 mm bleed with crop marks, TrimBox
and BleedBox set, text inside a safe zone, photos at ≥ 300 dpi at printed size, Noto
CJK embedded, a vector QR code ≥ 20 mm with error correction M and a 4-module quiet
zone. Mandatory text is sized by character height, not font size: digits and capitals
are the shortest characters a field holds, so the font's cap height sets the size.
Label facts are never invented: empty fields are printed as a marked list for the
producer and returned in the report.
"""

import base64
import html
import io
import math
import re
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .content import LABEL_FIELDS, KitContent, LabelField, Photo
from .exceptions import MissingFontError
from .images import crop_box, open_photo
from .texts import credits_line

FONT_DIR = Path("/usr/share/fonts/opentype/noto")
FONT_FILE = "NotoSansCJK-Regular.ttc"
FONT_PACKAGE = "fonts-noto-cjk"
FONT_FAMILY = "Noto Sans CJK SC"  # the Simplified Chinese face of the collection, found by fontconfig
BLEED_MM = 3.0
SAFE_MM = 4.0  # text and logos 3–5 mm inside the trim
PHOTO_DPI = 300
QR_MM = 20.0  # the symbol itself, without its quiet zone
QR_BORDER = 4
DATE_FIELDS = ("production_date", "expiry_date")
FRONT_FIELDS = ("food_name", "net_content")
DATE_HEIGHT_MM = 3.0  # GB 7718-2025: production and expiry dates
MM_PER_INCH = 25.4


@dataclass
class LabelImage:
    photo: str
    source_px: tuple[int, int]  # the part of the photo used, in its own pixels
    placed_px: tuple[int, int]  # what the PDF embeds
    box_mm: tuple[float, float]
    dpi: float
    low_resolution: bool


@dataclass
class QrReport:
    url: str
    version: int
    error: str
    modules: int
    symbol_mm: float
    total_mm: float  # with the quiet zone


@dataclass
class LabelReport:
    path: Path
    pages: int
    trim_mm: tuple[float, float]
    bleed_mm: float
    safe_mm: float
    font: Path
    text_height_mm: float
    net_content_height_mm: float
    missing_fields: list[LabelField]
    images: list[LabelImage]
    qr: QrReport
    seconds: float
    warnings: list[str] = field(default_factory=list)


def find_cjk_font() -> Path:
    """The Noto CJK file the label embeds; a clear error naming the Debian package if absent."""
    path = FONT_DIR / FONT_FILE
    if not path.is_file():
        raise MissingFontError(path, FONT_PACKAGE)
    return path


@cache
def cap_height_ratio(font: Path) -> float:
    """Cap height / em of the font (0.733 for Noto Sans CJK): digits are about as tall."""
    from fontTools.ttLib import TTCollection

    face = TTCollection(str(font), lazy=True).fonts[0]
    return face["OS/2"].sCapHeight / face["head"].unitsPerEm


def min_text_height_mm(area_cm2: float) -> float:
    """Mandatory text height by pack face (GB 7718-2011 §4.1; GB 7718-2025 for the larger faces)."""
    if area_cm2 > 400:
        return 2.5
    if area_cm2 > 150:
        return 2.0
    return 1.8


_QUANTITY = re.compile(r"(\d+(?:\.\d+)?)\s*(kg|千克|公斤|g|克|ml|毫升|l|升)", re.IGNORECASE)
_UNIT_FACTOR = {"kg": 1000, "千克": 1000, "公斤": 1000, "g": 1, "克": 1, "ml": 1, "毫升": 1, "l": 1000, "升": 1000}


def net_content_height_mm(text: str) -> float | None:
    """GB 7718 table: ≤ 50 g/mL 2 mm, ≤ 200 3 mm, ≤ 1 kg/L 4 mm, more 6 mm; None if unreadable."""
    match = _QUANTITY.search(text or "")
    if not match:
        return None
    amount = float(match.group(1)) * _UNIT_FACTOR[match.group(2).lower()]
    for limit, height in ((50, 2.0), (200, 3.0), (1000, 4.0)):
        if amount <= limit:
            return height
    return 6.0


def _label_photo(photos: tuple[Photo, ...], box_mm: tuple[float, float]) -> tuple[str, LabelImage | None]:
    """The main photo cropped to the box, downscaled to exactly 300 dpi, never enlarged."""
    chosen = next((p for p in photos if p.role == "main"), photos[0] if photos else None)
    if chosen is None:
        return "", None
    need = tuple(math.ceil(mm / MM_PER_INCH * PHOTO_DPI) for mm in box_mm)

    def decode_size(size: tuple[int, int]) -> tuple[int, int]:  # keep the crop at least `need` wide
        left, _, right, _ = crop_box(size, box_mm[0] / box_mm[1], None)
        crop_width = right - left
        scale = min(1.0, need[0] / crop_width)
        return math.ceil(size[0] * scale), math.ceil(size[1] * scale)

    image, scale = open_photo(chosen, decode_size)
    focal = tuple(round(v * scale) for v in chosen.focal_box) if chosen.focal_box else None
    box = crop_box(image.size, box_mm[0] / box_mm[1], focal)
    source = (box[2] - box[0], box[3] - box[1])
    if source[0] >= need[0]:
        image = image.resize(need, box=box, reducing_gap=3.0)
    else:
        image = image.crop(box)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    dpi = image.width / (box_mm[0] / MM_PER_INCH)
    full_source = tuple(round(v / scale) for v in source)  # in the original photo's pixels
    report = LabelImage(chosen.title, full_source, image.size, box_mm, round(dpi, 1), dpi < PHOTO_DPI - 0.5)
    return f"data:image/jpeg;base64,{base64.b64encode(buffer.getvalue()).decode()}", report


def _qr(url: str) -> tuple[str, QrReport]:
    import segno

    # A regular QR (never Micro QR, which phone cameras read badly), error correction M or better.
    code = segno.make_qr(url, error="m")
    modules = code.symbol_size(border=0)[0]
    total_mm = QR_MM * (modules + 2 * QR_BORDER) / modules
    svg = code.svg_inline(border=QR_BORDER, omitsize=True, dark="#000", light="#fff")
    return svg, QrReport(url, code.version, code.error, modules, QR_MM, round(total_mm, 2))


def _e(text: str) -> str:
    return html.escape(text or "").replace("\n", "<br>")


def _css(width: float, height: float, text_size: float, net_size: float, date_size: float, palette) -> str:
    dark, accent = (list(palette) + ["#5a1a10", "#b5432a"])[:2]  # fallbacks when the kit has fewer colours
    return f"""
@page {{ size: {width}mm {height}mm; bleed: {BLEED_MM}mm; marks: crop; margin: {SAFE_MM}mm; }}
* {{ margin: 0; padding: 0; box-sizing: border-box; }}
body {{ font-family: "{FONT_FAMILY}"; font-size: {text_size}mm; line-height: 1.3; color: #1a1a1a; }}
section {{ page-break-after: always; position: relative; }}
section:last-child {{ page-break-after: auto; }}
.band {{ position: absolute; left: -{SAFE_MM + BLEED_MM}mm; top: -{SAFE_MM + BLEED_MM}mm;
  width: {width + 2 * BLEED_MM}mm; height: {BLEED_MM + SAFE_MM + 11}mm; background: {dark}; }}
.name {{ position: relative; color: #fff; font-weight: bold; font-size: 7mm; line-height: 9mm; height: 11mm; }}
.photo {{ float: left; margin: 3mm 3mm 0 0; }}
.tagline {{ color: {accent}; font-weight: bold; margin-top: 3mm; }}
.story {{ margin-top: 1mm; }}
.net {{ font-size: {net_size}mm; font-weight: bold; line-height: 1.2; margin-top: 1mm; color: {dark}; }}
.credits {{ color: {dark}; }}
.qr {{ float: right; margin-left: 2mm; text-align: center; }}
.qr img {{ display: block; }}
.field b {{ color: {dark}; }}
.date {{ font-size: {date_size}mm; }}
.missing {{ clear: both; border: 0.3mm dashed {accent}; padding: 0.8mm; margin-top: 1mm; }}
.missing b {{ color: {accent}; }}
"""


def _html(content: KitContent, photo_uri: str, photo_box, qr_svg: str, qr_total: float, css: str) -> str:
    photo = (
        f'<img class="photo" src="{photo_uri}" style="width:{photo_box[0]}mm;height:{photo_box[1]}mm">'
        if photo_uri
        else ""
    )
    food_name = (content.label.get("food_name") or "").strip()
    net = (content.label.get("net_content") or "").strip()
    # Food name and net content belong on the principal display face (GB 7718 §4.1): the front.
    front = [
        f'<section><div class="band"></div><div class="name">{_e(content.product_name)}</div>{photo}',
        f'<p class="tagline">{_e(content.tagline)}</p><p class="story">{_e(content.short_story)}</p>',
        f'<p class="field"><b>食品名称：</b>{_e(food_name)}</p>' if food_name else "",
        f'<p class="net">净含量：{_e(net)}</p>' if net else "",
        f'<p class="credits">{_e(credits_line(content))}</p></section>',
    ]
    svg = f"data:image/svg+xml;base64,{base64.b64encode(qr_svg.encode()).decode()}"
    qr = f'<img src="{svg}" style="width:{qr_total}mm;height:{qr_total}mm">'
    back = [f'<section><div class="qr" style="width:{qr_total}mm">{qr}<p>扫码听故事</p></div>']
    for item in LABEL_FIELDS:
        value = (content.label.get(item.key) or "").strip()
        if value and item.key not in FRONT_FIELDS:
            css_class = "field date" if item.key in DATE_FIELDS else "field"
            back.append(f'<p class="{css_class}"><b>{_e(item.label)}：</b>{_e(value)}</p>')
    missing = content.missing_label_fields()
    if missing:
        names = "、".join(item.label for item in missing)
        back.append(f'<p class="missing"><b>待生产者填写</b>（填写后删去本框）：{_e(names)}</p>')
    back.append("</section>")
    body = "".join(front + back)
    head = f'<head><meta charset="utf-8"><style>{css}</style></head>'
    return f'<!doctype html><html lang="zh-CN">{head}<body>{body}</body></html>'


def render_label_pdf(content: KitContent, path: Path, *, width_mm: float = 100, height_mm: float = 70) -> LabelReport:
    """Write the label PDF to `path` (trim `width_mm` × `height_mm`, plus bleed) and report on it."""
    from weasyprint import HTML

    started = time.perf_counter()
    font = find_cjk_font()
    ratio = cap_height_ratio(font)
    text_height = min_text_height_mm(width_mm * height_mm / 100)
    warnings = []
    net_height = net_content_height_mm(content.label.get("net_content", ""))
    if net_height is None:
        net_height = 6.0
        if content.label.get("net_content", "").strip():
            warnings.append("净含量无法识别，按最大字高 6 mm 印刷 / net content unreadable: printed 6 mm high")
    net_height = max(net_height, text_height)

    def size(height: float) -> float:  # font size whose cap height is at least `height`
        return math.ceil(height / ratio * 100) / 100

    photo_box = (34.0, height_mm - 2 * SAFE_MM - 15)
    photo_uri, image = _label_photo(content.photos, photo_box)
    if image and image.low_resolution:
        warnings.append(
            f"照片“{image.photo}”印刷分辨率 {image.dpi:.0f} dpi，低于 300 dpi / photo below 300 dpi at printed size"
        )
    qr_svg, qr = _qr(content.qr_url)
    css = _css(width_mm, height_mm, size(text_height), size(net_height), size(DATE_HEIGHT_MM), content.palette)
    document = HTML(string=_html(content, photo_uri, photo_box, qr_svg, qr.total_mm, css)).render()
    path = Path(path)
    document.write_pdf(path)
    if len(document.pages) != 2:
        warnings.append(
            f"标签排版超出两面（{len(document.pages)} 页），请缩短文字 / the copy overflows the label's two sides"
        )
    return LabelReport(
        path=path,
        pages=len(document.pages),
        trim_mm=(width_mm, height_mm),
        bleed_mm=BLEED_MM,
        safe_mm=SAFE_MM,
        font=font,
        text_height_mm=text_height,
        net_content_height_mm=net_height,
        missing_fields=content.missing_label_fields(),
        images=[image] if image else [],
        qr=qr,
        seconds=round(time.perf_counter() - started, 3),
        warnings=warnings,
    )
