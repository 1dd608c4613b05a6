"""Platform images from a kit's photos: main, white-background, 3:4 and detail slices.

Sizes and byte limits come from the rules file. Each photo is decoded once (JPEG at a
reduced scale when that still covers the largest image asked of it) and each distinct
image is encoded once, however many platforms ask for it. JPEG quality is lowered
until the byte limit holds.
"""

import io
import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageOps

from .content import Photo
from .rules import ImageRule, Rules

QUALITIES = (90, 85, 80, 75, 70, 65, 60, 50, 40, 30, 20)
ORIENTATION_TAG = 0x0112  # EXIF
WHITE_MARGIN = 0.06  # the share of the frame left white around a padded photo
CUT_WORK_PX = 480  # the cut-out mask is found on a copy this large: the background is smooth, the edge feathered
CUT_MIN_DISTANCE = 28  # colour distance (RGB) below which a pixel counts as background, at least
PLAIN_BORDER = 30  # most of the border (80 %) must be this close to its median colour: a plain background


@dataclass
class RenderedImage:
    platform: str
    kind: str  # main, white, portrait, detail
    path: Path
    photo: str  # the photo's title
    width: int
    height: int
    bytes: int
    quality: int
    notes: list[str] = field(default_factory=list)


def crop_box(size: tuple[int, int], aspect: float, focal: tuple[int, int, int, int] | None) -> tuple:
    """The largest box of `aspect` (width / height) inside `size`, centred on the focal box."""
    width, height = size
    box_w, box_h = (width, round(width / aspect)) if width / height <= aspect else (round(height * aspect), height)
    cx, cy = ((focal[0] + focal[2]) / 2, (focal[1] + focal[3]) / 2) if focal else (width / 2, height / 2)
    left = min(max(0, round(cx - box_w / 2)), width - box_w)
    top = min(max(0, round(cy - box_h / 2)), height - box_h)
    return left, top, left + box_w, top + box_h


def encode_jpeg(image: Image.Image, min_bytes: int, max_bytes: int) -> tuple[bytes, int, list[str]]:
    """JPEG bytes within [min_bytes, max_bytes] if any quality gets there; (data, quality, notes)."""
    data, quality = b"", 0
    for quality in QUALITIES:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality)
        data = buffer.getvalue()
        if len(data) <= max_bytes:
            break
    else:
        return data, quality, [f"over {max_bytes} bytes even at quality {quality}"]
    if len(data) >= min_bytes:
        return data, quality, []
    # Too small (a plain white-background image can be): the finest encoding there is.
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=100, subsampling=0)
    if min_bytes <= len(buffer.getvalue()) <= max_bytes:
        return buffer.getvalue(), 100, []
    return data, quality, [f"under {min_bytes} bytes even at the finest quality: check the photo"]


def open_photo(photo: Photo, decode_size: Callable[[tuple[int, int]], tuple[int, int]]) -> tuple[Image.Image, float]:
    """The photo upright in RGB, and its scale from the original.

    ``decode_size(upright size)`` says how large the decoded photo must stay: JPEGs are
    decoded at 1/2, 1/4 or 1/8 of their size when that still covers it (much faster).
    """
    image = Image.open(photo.path)
    original = image.size
    turned = image.getexif().get(ORIENTATION_TAG) in (5, 6, 7, 8)  # stored on its side
    upright = original[::-1] if turned else original
    if image.format == "JPEG":
        wanted = decode_size(upright)
        image.draft("RGB", wanted[::-1] if turned else wanted)
    scale = image.size[0] / original[0]
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, "white")
        image.paste(rgba, mask=rgba.getchannel("A"))
    return image.convert("RGB"), scale


def cut_out(image: Image.Image) -> tuple[Image.Image, Image.Image] | None:
    """The subject and its feathered mask (L, 255 = subject), cropped to the subject; None when
    the photo has no plain background to remove (a busy scene: it is then padded on white).

    The background colour is the median of the border; background is every pixel close to it
    that joins the border, so a cream label on a jar (inside the subject) stays. Platforms
    ask for the product alone on white (Taobao 白底图: no scene, no shadow box)."""
    work = image.copy()
    work.thumbnail((CUT_WORK_PX, CUT_WORK_PX))
    pixels = np.asarray(work, dtype=np.int16)
    edge = max(2, round(min(work.size) * 0.02))
    border = np.concatenate(
        [pixels[:edge].reshape(-1, 3), pixels[-edge:].reshape(-1, 3), pixels[:, :edge].reshape(-1, 3)]
        + [pixels[:, -edge:].reshape(-1, 3)]
    )
    background = np.median(border, axis=0)
    border_distance = np.linalg.norm(border - background, axis=1)
    if np.percentile(border_distance, 80) > PLAIN_BORDER:
        return None
    limit = max(CUT_MIN_DISTANCE, float(np.percentile(border_distance, 90)) * 1.5)
    near = np.linalg.norm(pixels - background, axis=2) < limit
    # Flood from a one-pixel frame of background: only background joined to the border goes.
    canvas = np.zeros((near.shape[0] + 2, near.shape[1] + 2), dtype=np.uint8)
    canvas[1:-1, 1:-1] = np.where(near, 255, 0)
    canvas[0, :] = canvas[-1, :] = canvas[:, 0] = canvas[:, -1] = 255
    flood = Image.fromarray(canvas).copy()  # an image of its own: one sharing the array is not filled
    ImageDraw.floodfill(flood, (0, 0), 128, thresh=0)
    subject = np.asarray(flood)[1:-1, 1:-1] != 128
    if subject.mean() < 0.01 or subject.mean() > 0.97:  # nothing left, or nothing removed
        return None
    mask = Image.fromarray(np.where(subject, 255, 0).astype(np.uint8)).resize(image.size, Image.Resampling.BILINEAR)
    mask = mask.filter(ImageFilter.GaussianBlur(max(1.0, image.width / CUT_WORK_PX)))  # a soft edge, not a jagged one
    box = mask.point(lambda v: 255 if v > 8 else 0).getbbox()
    return image.crop(box), mask.crop(box)


def on_white(image: Image.Image) -> tuple[Image.Image, list[str]]:
    """The subject cut out onto white, or the photo itself with a note when no cut-out is possible."""
    cut = cut_out(image)
    if cut is None:
        return image, ["背景不是纯色，未能抠图：白底图是整张照片，请换一张纯色背景的产品照"]
    subject, mask = cut
    white = Image.new("RGB", subject.size, "white")
    return Image.composite(subject, white, mask), []


def scale_needed(size: tuple[int, int], rule: ImageRule) -> float:
    """The smallest scale of a photo of `size` from which `rule`'s image needs no enlarging."""
    width, height = size
    if rule.kind == "detail":
        return rule.width / width
    if rule.fit == "pad":
        return (1 - 2 * WHITE_MARGIN) * min(rule.width / width, rule.height / height)
    box = crop_box(size, rule.width / rule.height, None)
    return rule.width / (box[2] - box[0])


def _covering(rules: list[ImageRule]) -> Callable[[tuple[int, int]], tuple[int, int]]:
    def size(upright: tuple[int, int]) -> tuple[int, int]:
        scale = min(1.0, max(scale_needed(upright, rule) for rule in rules))
        return math.ceil(upright[0] * scale), math.ceil(upright[1] * scale)

    return size


def _frames(image: Image.Image, rule: ImageRule, focal) -> tuple[list[Image.Image], list[str]]:
    if rule.kind == "detail":
        height = max(1, round(image.height * rule.width / image.width))
        scaled = image.resize((rule.width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        count = math.ceil(height / rule.max_height)
        step = math.ceil(height / count)
        return [scaled.crop((0, top, rule.width, min(height, top + step))) for top in range(0, height, step)], []
    size = (rule.width, rule.height)
    if rule.fit == "pad":
        image, notes = on_white(image)
        inner = (round(rule.width * (1 - 2 * WHITE_MARGIN)), round(rule.height * (1 - 2 * WHITE_MARGIN)))
        ratio = min(inner[0] / image.width, inner[1] / image.height)
        fitted = image.resize(
            (round(image.width * ratio), round(image.height * ratio)), Image.Resampling.LANCZOS, reducing_gap=3.0
        )
        canvas = Image.new("RGB", size, "white")
        canvas.paste(fitted, ((size[0] - fitted.width) // 2, (size[1] - fitted.height) // 2))
        return [canvas], notes
    box = crop_box(image.size, rule.width / rule.height, focal)
    return [image.resize(size, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)], []


def _wanted(photos: tuple[Photo, ...] | list[Photo], rules: Rules) -> dict[str, list[tuple[int, ImageRule]]]:
    """Per platform, which photo (by index) becomes which image, within the platform's counts."""
    main = [i for i, photo in enumerate(photos) if photo.role == "main"] or [0][: len(photos)]
    wanted: dict[str, list[tuple[int, ImageRule]]] = {}
    for key, platform in rules.platforms.items():
        jobs = []
        for kind, rule in platform.images.items():
            chosen = list(range(len(photos))) if kind == "detail" else main
            jobs += [(i, rule) for i in chosen[: rule.max_count]]
        wanted[key] = jobs
    return wanted


def _key(index: int, rule: ImageRule) -> tuple:
    # Platforms asking for the same image share one encoding.
    return (index, rule.kind, rule.width, rule.height, rule.max_height, rule.fit, rule.min_bytes, rule.max_bytes)


def _encode_photo(photo: Photo, index: int, photo_rules: list[ImageRule]) -> dict[tuple, list]:
    image, scale = open_photo(photo, _covering(photo_rules))
    focal = tuple(round(v * scale) for v in photo.focal_box) if photo.focal_box else None
    encoded: dict[tuple, list] = {}
    for rule in photo_rules:
        if _key(index, rule) in encoded:
            continue
        small = scale_needed(image.size, rule) > 1
        results = []
        frames, frame_notes = _frames(image, rule, focal)
        for frame in frames:
            data, quality, notes = encode_jpeg(frame, rule.min_bytes, rule.max_bytes)
            notes = frame_notes + notes
            if small:
                notes.append(f"photo {image.width}×{image.height} enlarged: may look soft")
            results.append((data, quality, frame.width, frame.height, notes))
        encoded[_key(index, rule)] = results
    return encoded


def render_platform_images(photos, out_dir: Path, rules: Rules) -> list[RenderedImage]:
    """Write `<out_dir>/<platform>/<kind>-<n>.jpg` for every platform in `rules`."""
    out_dir = Path(out_dir)
    wanted = _wanted(photos, rules)
    by_photo: dict[int, list[ImageRule]] = {}
    for jobs in wanted.values():
        for index, rule in jobs:
            by_photo.setdefault(index, []).append(rule)
    # Pillow releases the GIL while decoding, resizing and encoding: photos go two at a time.
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = pool.map(lambda item: _encode_photo(photos[item[0]], item[0], item[1]), by_photo.items())
        encoded = {key: results for part in done for key, results in part.items()}
    rendered = []
    for platform, jobs in wanted.items():
        counters: dict[str, int] = {}
        folder = out_dir / platform
        folder.mkdir(parents=True, exist_ok=True)
        for index, rule in jobs:
            for data, quality, width, height, notes in encoded[_key(index, rule)]:
                if rule.max_count is not None and counters.get(rule.kind, 0) >= rule.max_count:
                    break
                counters[rule.kind] = counters.get(rule.kind, 0) + 1
                path = folder / f"{rule.kind}-{counters[rule.kind]:02d}.jpg"
                path.write_bytes(data)
                rendered.append(
                    RenderedImage(
                        platform, rule.kind, path, photos[index].title, width, height, len(data), quality, notes
                    )
                )
    return rendered


def count_notes(images: list[RenderedImage], rules: Rules) -> list[str]:
    """Platforms short of the images they ask for (e.g. WeChat shop food: ≥ 4 main images)."""
    notes = []
    for key, platform in rules.platforms.items():
        for kind, rule in platform.images.items():
            have = sum(1 for image in images if image.platform == key and image.kind == kind)
            if have < rule.min_count:
                notes.append(f"{platform.name} {kind}: {have} < {rule.min_count} 张 / images ({rule.source})")
    return notes
