"""One kit export as one zip, written atomically.

Everything is rendered into a temporary folder first; the zip is written next to its
final name and moved into place with `os.replace`, so a failure at any step leaves an
earlier export untouched and readers never see half a zip. manifest.json is written
last and covers every other file.
"""

import json
import os
import tempfile
import time
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .content import KitContent, LabelField
from .images import RenderedImage, count_notes, render_platform_images
from .label import LabelReport, render_label_pdf
from .lint import TermWarning
from .listing import PlatformListing, checklist_text, listing_files
from .manifest import build_manifest
from .rules import Rules, load_rules
from .texts import credits_text, story_markdown, story_text

STORED = (".jpg", ".pdf")  # already compressed: deflating them again only costs time


@dataclass
class BundleReport:
    path: Path
    files: list[str]  # paths inside the zip, in their order
    bytes: int
    label: LabelReport
    listings: dict[str, PlatformListing]
    images: list[RenderedImage]
    warnings: list[TermWarning]
    missing_fields: list[LabelField]
    skipped_platforms: dict[str, str]  # unverified platforms → why they were left out
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # step → seconds


@contextmanager
def _timed(timings: dict[str, float], step: str):
    started = time.perf_counter()
    yield
    timings[step] = time.perf_counter() - started


def _write_zip(target: Path, files: dict[str, bytes | Path], content: KitContent) -> None:
    stamp = (content.exported_on.year, content.exported_on.month, content.exported_on.day, 0, 0, 0)
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if name.endswith(STORED) else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data if isinstance(data, bytes) else Path(data).read_bytes())


def write_atomically(zip_path: Path, files: dict[str, bytes | Path], content: KitContent) -> None:
    """Write the zip beside `zip_path` and move it into place; on any error remove the part."""
    handle, part = tempfile.mkstemp(dir=zip_path.parent, prefix=f".{zip_path.name}.", suffix=".part")
    os.close(handle)
    try:
        _write_zip(Path(part), files, content)
        with open(part, "rb") as written:
            os.fsync(written.fileno())
        os.replace(part, zip_path)
    except BaseException:
        Path(part).unlink(missing_ok=True)
        raise


def write_bundle(content: KitContent, zip_path: Path, *, rules: Rules | None = None) -> BundleReport:
    """Render every file of the kit and write them to `zip_path` as one zip."""
    zip_path = Path(zip_path)
    rules = rules or load_rules()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kit-export-") as folder:
        root = Path(folder)
        files: dict[str, bytes | Path] = {}
        with _timed(timings, "label PDF"):
            label = render_label_pdf(content, root / "label.pdf")
            files["packaging/label.pdf"] = root / "label.pdf"
        with _timed(timings, "listings + lint"):
            listing, listings, warnings = listing_files(content, rules)
            files.update(listing)
        with _timed(timings, "platform images"):
            images = render_platform_images(content.photos, root / "images", rules)
            files.update({f"images/{image.platform}/{image.path.name}": image.path for image in images})
        with _timed(timings, "story + credits"):
            files["story.md"] = story_markdown(content).encode()
            files["story.txt"] = story_text(content).encode()
            files["credits.txt"] = credits_text(content).encode()
        notes = label.warnings + count_notes(images, rules)
        notes += [f"{image.platform}/{image.path.name}: {note}" for image in images for note in image.notes]
        # Limits, counts and what to check live here, apart from the copy a seller pastes.
        files["listing/checklist.txt"] = checklist_text(content, listings, notes).encode()
        with _timed(timings, "manifest"):
            manifest = build_manifest(content, files, lint_warnings=len(warnings))
            manifest["skipped_platforms"] = rules.skipped
            manifest["notes"] = notes
            files["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()
        with _timed(timings, "zip"):
            write_atomically(zip_path, files, content)
    timings["total"] = time.perf_counter() - started
    return BundleReport(
        path=zip_path,
        files=list(files),
        bytes=zip_path.stat().st_size,
        label=label,
        listings=listings,
        images=images,
        warnings=warnings,
        missing_fields=content.missing_label_fields(),
        skipped_platforms=dict(rules.skipped),
        notes=notes,
        timings=timings,
    )
