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
from urllib.parse import urlsplit

from ..contrast import MIN_TEXT_CONTRAST, best_text_colour, contrast_ratio, readable
from .content import LABEL_FIELDS, KitContent, LabelField, Photo
from .exceptions import LabelContrastError, MissingFontError
from .images import crop_box, open_photo
from .texts import credits_line

FONT_DIR = Path("/usr/share/fonts/opentype/noto")
FONT_FILE = "NotoSansCJK-Regular.ttc"
FONT_PACKAGE = "fonts-noto-cjk"
FONT_FAMILY = "Noto Sans CJK SC"  # the Simplified Chinese face of the collection, found by fontconfig
BLEED_MM = 3.0
SAFE_MM = 4.0  # text and logos 3–5 mm inside the trim
PHOTO_DPI = 300
QR_MM = 21.0  # the symbol without its quiet zone: 1 mm over the 20 mm minimum, so rounding never goes below
QR_BORDER = 4
DATE_FIELDS = ("production_date", "expiry_date")
FRONT_FIELDS = ("food_name", "net_content")
DATE_HEIGHT_MM = 3.0  # GB 7718-2025: production and expiry dates
MM_PER_INCH = 25.4
FRONT_PHOTO_MM = 40.0  # the photo's width on the front, from the trim edge (it runs into the bleed)


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


PAPER = "#ffffff"
INK = "#1a1a1a"
FALLBACK_DARK = "#5a1a10"  # the demo kit's chilli-oil brown: 13.2:1 on white


@dataclass(frozen=True)
class LabelColours:
    """The label's colours by role; every text colour is checked against what it is printed on."""

    dark: str  # product name, net content, field names, the bands
    accent: str  # the tagline and the rules between parts
    band_text: str  # what is printed on the dark bands
    ink: str = INK
    paper: str = PAPER

    def pairs(self) -> list[tuple[str, str, str]]:
        """(what, text colour, background) for every text on the label."""
        return [
            ("产品名称、净含量、项目名称", self.dark, self.paper),
            ("广告语", self.accent, self.paper),
            ("正文", self.ink, self.paper),
            ("色带上的文字", self.band_text, self.dark),
            ("待生产者填写", self.ink, self.paper),
        ]


def label_colours(palette) -> LabelColours:
    """Colours from the kit's palette that pass as text on white, darkest first: a light
    palette colour (the cream of a jar) is never used for text (issue 13, cream tagline)."""
    passing = [colour for colour in palette if readable(colour, PAPER)]
    dark = passing[0] if passing else FALLBACK_DARK
    accent = passing[1] if len(passing) > 1 else dark
    return LabelColours(dark=dark, accent=accent, band_text=best_text_colour(dark))


def contrast_problems(colours: LabelColours) -> list[str]:
    """Every text/background pair below MIN_TEXT_CONTRAST, in words a person can act on."""
    return [
        f"{what}：{fg} 印在 {bg} 上对比度 {contrast_ratio(fg, bg):.2f}:1，低于 {MIN_TEXT_CONTRAST}:1"
        for what, fg, bg in colours.pairs()
        if not readable(fg, bg)
    ]


def _css(
    width: float, height: float, text_size: float, net_size: float, date_size: float, back_size: float, c: LabelColours
) -> str:
    inner_h = height - 2 * SAFE_MM
    edge = SAFE_MM + BLEED_MM
    return f"""
@page {{ size: {width}mm {height}mm; bleed: {BLEED_MM}mm; marks: crop; margin: {SAFE_MM}mm; }}
* {{ margin: 0; padding: 0; box-sizing: border-box; }}
body {{ font-family: "{FONT_FAMILY}"; font-size: {text_size}mm; line-height: 1.35; color: {c.ink}; }}
section {{ page-break-after: always; position: relative; }}
section:last-child {{ page-break-after: auto; }}
.photo {{ position: absolute; left: -{edge}mm; top: -{edge}mm; }}
.front .text {{ margin-left: {FRONT_PHOTO_MM - SAFE_MM + 4}mm; min-height: {inner_h}mm;
  display: flex; flex-direction: column; justify-content: space-between; }}
.panel {{ position: absolute; left: -{edge}mm; top: -{edge}mm; background: {c.dark}; color: {c.band_text};
  text-align: center; }}
.panel .mark {{ font-weight: bold; line-height: 1.1; }}
.panel .seal {{ position: absolute; left: 0; right: 0; font-size: {text_size * 1.2:.2f}mm; letter-spacing: 0.6mm; }}
.name {{ color: {c.dark}; font-weight: bold; font-size: 7.5mm; line-height: 1.15; }}
.tagline {{ color: {c.accent}; font-weight: bold; font-size: {text_size * 1.35:.2f}mm; margin-top: 1.2mm;
  padding-bottom: 1.2mm; border-bottom: 0.35mm solid {c.accent}; }}
.story {{ margin-top: 1.5mm; }}
.foot {{ margin-top: auto; padding-top: 1.5mm; }}
.food {{ color: {c.ink}; }}
.net {{ font-size: {net_size}mm; font-weight: bold; line-height: 1.2; color: {c.dark}; }}
.credits {{ color: {c.ink}; margin-top: 0.8mm; }}
.grid {{ width: 100%; border-collapse: collapse; }}
.grid td {{ vertical-align: top; padding: 0; }}
.grid td.bottom {{ vertical-align: bottom; }}
.back .head {{ position: relative; height: 7mm; margin-bottom: 1.5mm; }}
.back .band {{ position: absolute; left: -{edge}mm; top: -{edge}mm; width: {width + 2 * BLEED_MM}mm;
  height: {edge + 7}mm; background: {c.dark}; }}
.back .band-text {{ position: relative; color: {c.band_text}; font-weight: bold; font-size: 3.6mm;
  line-height: 7mm; }}
.back .grid.outer {{ height: {height - 2 * SAFE_MM - BACK_HEAD_MM:.1f}mm; }}
.back .fields, .back .missing {{ font-size: {back_size}mm; }}
.qr {{ text-align: center; color: {c.dark}; padding-left: 2.5mm !important; vertical-align: middle !important;
  border-left: 0.35mm solid {c.dark}; }}
.qr img {{ display: block; margin: 0 auto; }}
.qr .cta {{ font-weight: bold; font-size: {text_size * 1.3:.2f}mm; margin-top: -0.5mm; }}
.field {{ margin-bottom: 0.6mm; }}
.field b, .producer b {{ color: {c.dark}; }}
.date {{ font-size: {date_size}mm; }}
.producer {{ margin-top: 1.2mm; padding-top: 1mm; border-top: 0.35mm solid {c.dark}; }}
.missing {{ margin-top: 1.2mm; border: 0.35mm solid {c.dark}; padding: 1mm 1.2mm; color: {c.ink};
  background: {c.paper}; }}
.missing b {{ color: {c.ink}; }}
.missing .blank {{ display: inline-block; width: 48%; margin-right: 2%; padding-top: 0.6mm;
  border-bottom: 0.25mm solid {c.ink}; white-space: nowrap; overflow: hidden; }}
"""


PRODUCER_FIELDS = ("producer_name", "producer_address", "producer_contact", "licence_number")


def _row(item: LabelField, value: str) -> str:
    css_class = "field date" if item.key in DATE_FIELDS else "field"
    return f'<p class="{css_class}"><b>{_e(item.label)}：</b>{_e(value)}</p>'


def _name_panel(name: str, box_mm: tuple[float, float]) -> str:
    """The front's designed fallback when the kit has no photo (never a drawn jar): the photo's
    place filled with the kit's dark colour and the product's name set large, one character a
    line as on a shop sign, over the village's name. Its text colour is the bands' (checked)."""
    chars = [c for c in (name or "").strip() if not c.isspace()][:8]
    height = box_mm[1] - 2 * BLEED_MM
    size = min(12.0, (height - 18) / max(len(chars), 1) / 1.1)
    top = BLEED_MM + max(SAFE_MM, (height - 12 - size * 1.1 * len(chars)) / 2)
    mark = "<br>".join(_e(c) for c in chars)
    inset = f"padding-left:{BLEED_MM}mm"  # centred on the trimmed part, not on the bleed
    return (
        f'<div class="panel" style="width:{box_mm[0]}mm;height:{box_mm[1]}mm">'
        f'<div class="mark" style="font-size:{size:.2f}mm;padding-top:{top:.1f}mm;{inset}">{mark}</div>'
        f'<div class="seal" style="bottom:{BLEED_MM + SAFE_MM + 1:.1f}mm;{inset}">立碑村 · 老人讲述</div>'
        "</div>"
    )


BACK_TEXT_MAX_SCALE = 1.6  # the back's text grows to fill the back when few fields are known
BACK_FILL = 0.94  # of the column's height, by estimate: room for lines the estimate misses


def back_text_size(content: KitContent, base: float, column_mm: float, width_mm: float) -> float:
    """The back's text size: the largest (up to 1.6 × the legal minimum) whose fields and form fill
    the column without spilling, so a back with few known fields is not half empty.

    An estimate, not a layout: Chinese characters are an em wide and a line is 1.35 em high;
    Latin letters and digits count as half. WeasyPrint still lays out the real page, and a
    label that spills onto a third page is reported (render_label_pdf)."""
    qr_column = QR_MM * 1.3 + 2.5
    column_width = width_mm - 2 * SAFE_MM - qr_column - 1

    def ems(text: str) -> float:
        return sum(0.55 if ord(ch) < 0x2E80 else 1.0 for ch in text)

    known = [
        (item.label, (content.label.get(item.key) or "").strip())
        for item in LABEL_FIELDS
        if item.key not in FRONT_FIELDS and (content.label.get(item.key) or "").strip()
    ]
    missing = content.missing_label_fields()

    def height(size: float) -> float:
        per_line = max(1, int(column_width / size))
        lines = sum(math.ceil(ems(f"{label}：{value}") / per_line) for label, value in known)
        total = lines * size * 1.35 + len(known) * 0.6 + 2.3  # rows, their gaps, the producer's rule
        if missing:
            total += (1 + math.ceil(len(missing) / 2)) * (size * 1.35 + 0.85) + 3.6  # the form and its box
        return total

    size = base
    while size * 1.05 <= base * BACK_TEXT_MAX_SCALE and height(size * 1.05) <= column_mm * BACK_FILL:
        size *= 1.05
    return math.floor(size * 100) / 100


BACK_HEAD_MM = 8.5  # the band's heading and the space under it
FORM_SLACK_MM = 1.5  # rounding: the form must never be pushed onto a third page


def _html(
    content: KitContent,
    photo_uri: str,
    photo_box,
    qr_svg: str,
    qr_total: float,
    css: str,
    inner_h: float,
) -> str:
    if photo_uri:
        photo = f'<img class="photo" src="{photo_uri}" style="width:{photo_box[0]}mm;height:{photo_box[1]}mm">'
    else:
        photo = _name_panel(content.product_name, photo_box)
    food_name = (content.label.get("food_name") or "").strip()
    net = (content.label.get("net_content") or "").strip()
    # Hierarchy a buyer reads at arm's length: the name, then the story, then what is in the jar.
    # Food name and net content belong on the principal display face (GB 7718 §4.1): the front.
    front = [
        f'<section class="front">{photo}<div class="text"><div>',
        f'<div class="name">{_e(content.product_name)}</div>',
        f'<p class="tagline">{_e(content.tagline)}</p>' if content.tagline else "",
        f'<p class="story">{_e(content.short_story)}</p></div><div class="foot">',
        f'<p class="food">食品名称：{_e(food_name)}</p>' if food_name and food_name != content.product_name else "",
        f'<p class="net">净含量：{_e(net)}</p>' if net else "",
        f'<p class="credits">{_e(credits_line(content))}</p></div></div></section>',
    ]
    svg = f"data:image/svg+xml;base64,{base64.b64encode(qr_svg.encode()).decode()}"
    qr = f'<img src="{svg}" style="width:{qr_total}mm;min-width:{qr_total}mm;height:{qr_total}mm">'
    rows, producer = [], []
    for item in LABEL_FIELDS:
        value = (content.label.get(item.key) or "").strip()
        if value and item.key not in FRONT_FIELDS:
            (producer if item.key in PRODUCER_FIELDS else rows).append(_row(item, value))
    if producer:
        rows.append(f'<div class="producer">{"".join(producer)}</div>')
    missing = content.missing_label_fields()
    form = ""
    if missing:
        # Printed as a form the producer fills in, in body ink: the dashed accent box of the
        # first version could not be read (issue 13).
        blanks = "".join(f'<span class="blank">{_e(item.label)}</span>' for item in missing)
        form = f'<div class="missing"><b>待生产者填写（填写后删去本框）</b><br>{blanks}</div>'
    # The left column is as tall as the back: fields at its top, the producer's form at its
    # foot, the QR code beside them, so the back is filled however few fields are known.
    column_mm = inner_h - BACK_HEAD_MM - FORM_SLACK_MM
    # Tables, not floats or flex: WeasyPrint lays tables out reliably (a float beside a flex
    # item let the ingredients run under the QR code).
    back = [
        f'<section class="back"><div class="head"><div class="band"></div>'
        f'<p class="band-text">{_e(content.product_name)} · 产品信息</p></div>',
        f'<table class="grid outer"><tr><td><table class="grid" style="height:{column_mm:.1f}mm">',
        f'<tr><td class="fields">{"".join(rows)}</td></tr><tr><td class="bottom">{form}</td></tr></table></td>',
        f'<td class="qr" style="width:{qr_total + 2.5}mm">{qr}<p class="cta">扫码听故事</p>',
        "<p>老人亲口讲述</p></td></tr></table>",
    ]
    back.append("</section>")
    body = "".join(front + back)
    head = f'<head><meta charset="utf-8"><style>{css}</style></head>'
    return f'<!doctype html><html lang="zh-CN">{head}<body>{body}</body></html>'


def loopback_warning(url: str) -> str | None:
    """A QR code that opens this machine works only here: say so before it is printed."""
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.startswith("127.") or host in ("0.0.0.0", "::1") or host.endswith(".localhost"):
        return (
            f"二维码指向本机地址 {url}，印出来扫不开：请把 BASE_URL 设为公开网址后重新导出 / "
            "the QR code opens a loopback address: set BASE_URL to the public address and export again"
        )
    return None


def render_label_pdf(
    content: KitContent,
    path: Path,
    *,
    width_mm: float = 100,
    height_mm: float = 70,
    colours: LabelColours | None = None,
) -> LabelReport:
    """Write the label PDF to `path` (trim `width_mm` × `height_mm`, plus bleed) and report on it.

    Refuses (`LabelContrastError`) a label with any text below 4.5:1 on its background."""
    from weasyprint import HTML

    colours = colours or label_colours(content.palette)
    problems = contrast_problems(colours)
    if problems:
        raise LabelContrastError(problems)
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

    # The photo fills the front's left part up to the trim and out into the bleed.
    photo_box = (FRONT_PHOTO_MM + BLEED_MM, height_mm + 2 * BLEED_MM)
    photo_uri, image = _label_photo(content.photos, photo_box)
    if image and image.low_resolution:
        warnings.append(
            f"照片“{image.photo}”印刷分辨率 {image.dpi:.0f} dpi，低于 300 dpi / photo below 300 dpi at printed size"
        )
    qr_svg, qr = _qr(content.qr_url)
    if warning := loopback_warning(content.qr_url):
        warnings.append(warning)
    column_mm = height_mm - 2 * SAFE_MM - BACK_HEAD_MM - FORM_SLACK_MM
    back_size = back_text_size(content, size(text_height), column_mm, width_mm)
    date_size = max(size(DATE_HEIGHT_MM), back_size)
    css = _css(width_mm, height_mm, size(text_height), size(net_height), date_size, back_size, colours)
    page_html = _html(content, photo_uri, photo_box, qr_svg, qr.total_mm, css, height_mm - 2 * SAFE_MM)
    document = HTML(string=page_html).render()
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
