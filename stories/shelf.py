"""The sellers' download shelf: published kits whose every quote may be sold, now, with
what a seller checks before downloading: the label, the photos and the copy to paste."""

import os
import tempfile
import zipfile
from pathlib import Path

import pypdfium2 as pdfium

from .consent import consent_problems
from .export.listing import PlatformListing, build_listings
from .exporting import approved_kit, export_kit, kit_content
from .models import BrandKit

LABEL_SIDES = ("front", "back")  # the label PDF's pages, in order
PREVIEW_DPI = 110  # about 460 px wide for the 106 mm page with bleed: sharp on a phone at 2×, light to send


def kits_on_shelf() -> list[BrandKit]:
    # Consent is checked again here, not only when it is withdrawn: the shelf never
    # depends on a signal having run.
    kits = BrandKit.objects.filter(live=True).select_related("workshop", "live_revision")
    return [kit for kit in kits if on_shelf(kit)]


def on_shelf(kit: BrandKit) -> bool:
    """Live, and its approved revision (what the page, the photos and the zip show) may be sold now."""
    return kit.live and kit.live_revision_id is not None and not consent_problems(approved_kit(kit))


def shelf_copy(kit: BrandKit) -> dict[str, PlatformListing]:
    """The listing copy of the kit's approved revision, per platform: what the zip's
    ``listing/<platform>/<field>.txt`` files hold."""
    return build_listings(kit_content(kit))


def label_preview(kit: BrandKit, side: str) -> Path:
    """A PNG of one side of the label, rendered from the very PDF the zip holds (so what the
    seller sees is what prints), cached beside the zip, which is named by revision and consent."""
    archive_path = export_kit(kit)
    target = archive_path.with_name(f"{archive_path.stem}-label-{side}.png")
    if not target.exists():
        with zipfile.ZipFile(archive_path) as archive:
            pdf = archive.read("packaging/label.pdf")
        image = pdfium.PdfDocument(pdf)[LABEL_SIDES.index(side)].render(scale=PREVIEW_DPI / 72).to_pil()
        handle, part = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        os.close(handle)
        try:
            image.save(part, "PNG", optimize=True)
            os.replace(part, target)  # two requests at once: each writes its own part, one wins whole
        finally:
            Path(part).unlink(missing_ok=True)
    return target
