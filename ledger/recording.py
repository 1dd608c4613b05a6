"""Writing the ledger: a download row per zip handed over, a count per QR scan."""

import zipfile
from pathlib import Path

from django.db.models import F
from django.utils import timezone

from stories.export.content import QR_SOURCE_PREFIX

from .agreements import require_acceptance
from .models import KitDownload, QrScan


def platforms_in(zip_path: Path) -> list[str]:
    """The platforms whose files the zip holds (``images/<platform>/…``), read from the zip itself."""
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
    return sorted({name.split("/")[1] for name in names if name.startswith("images/") and name.count("/") >= 2})


def record_download(kit, user, revision_id: int, path: Path) -> KitDownload:
    agreement = require_acceptance(kit, user)
    return KitDownload.objects.create(
        kit=kit,
        revision_id=revision_id,
        seller=user if user is not None and user.is_authenticated else None,
        agreement=agreement,
        platforms=platforms_in(path),
    )


def is_label_tag(kit, source: str) -> bool:
    """Is ``source`` the QR tag of a label printed from one of this kit's revisions?
    (Jars printed from an older revision are still on shelves.)"""
    if not source.startswith(QR_SOURCE_PREFIX):
        return False
    revision = source.removeprefix(QR_SOURCE_PREFIX)
    return revision.isdigit() and kit.revisions.filter(pk=int(revision)).exists()


def count_scan(kit, source: str, day=None) -> bool:
    """Count one opening of the story page if it came from this kit's label QR. Nothing
    about the visitor is read or kept; a tag of another kit is not counted."""
    if not is_label_tag(kit, source):
        return False
    day = day or timezone.localdate()
    scan, _created = QrScan.objects.get_or_create(kit=kit, day=day)
    QrScan.objects.filter(pk=scan.pk).update(count=F("count") + 1)
    return True
