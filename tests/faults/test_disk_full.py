"""The disk fills up during an upload or a kit export: refused, and nothing half-kept or half-served."""

import zipfile
from pathlib import Path

import pytest
from django.conf import settings

from media.ingest import ingest
from media.models import AudioRecording
from stories.exporting import export_dir, export_kit

pytestmark = pytest.mark.django_db


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_an_upload_that_fills_the_disk_is_refused_and_leaves_no_file_or_row(make_audio, disk_full):
    clip = make_audio("wav", seconds=6)  # 48 kHz mono 16-bit: about 576 KB
    assert clip.stat().st_size > 300_000
    with disk_full(200_000), clip.open("rb") as stream, pytest.raises(OSError):
        ingest(stream, "clip.wav", "满盘的一段")
    assert not AudioRecording.objects.exists()
    assert files_under(Path(settings.MEDIA_ROOT)) == []
    # With room again, the same upload is taken whole.
    with clip.open("rb") as stream:
        recording = ingest(stream, "clip.wav", "满盘的一段")
    assert recording.original.size == clip.stat().st_size


def test_an_export_cut_off_by_a_full_disk_never_leaves_a_zip_to_serve(make_kit, client, disk_full):
    kit = make_kit()
    with disk_full(20_000), pytest.raises(OSError):
        export_kit(kit, rebuild=True)
    assert [p for p in files_under(export_dir()) if p.suffix == ".zip"] == []
    # The next export is whole, and it is the one served.
    path = export_kit(kit)
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None and archive.namelist()
