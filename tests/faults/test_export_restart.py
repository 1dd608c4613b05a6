"""A restart during a kit export never leaves half a zip where a seller downloads it.

An export is written under a hidden ``.part`` name and moved into place when whole
(stories/export/bundle.py). Here a real process is killed (SIGKILL, as a restart or gunicorn's
timeout kills a web worker) in the middle of writing a zip: the zip that was there stays
byte for byte, the part is never served, and a later download builds a whole zip and
removes the part once it is old.
"""

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from stories.exporting import STALE_PART_SECONDS, export_dir

ROOT = Path(__file__).resolve().parents[2]
# Writes a zip whose second file is read from a pipe nobody writes to: the process stops there,
# half the zip on disk, until it is killed.
EXPORTER = """
import datetime, os, sys, types
from pathlib import Path
from stories.export.bundle import write_atomically
files = {"story.bin": os.urandom(2_000_000), "label.pdf": Path(sys.argv[2])}
write_atomically(Path(sys.argv[1]), files, types.SimpleNamespace(exported_on=datetime.date(2026, 12, 2)))
"""


def whole(path: Path) -> bool:
    with zipfile.ZipFile(path) as archive:
        return archive.testzip() is None


def kill_mid_export(target: Path, tmp_path: Path) -> Path:
    """Start an export to ``target``, kill it once half a zip is on disk; returns the part."""
    pipe = tmp_path / "never-written"
    os.mkfifo(pipe)
    exporter = subprocess.Popen([sys.executable, "-c", EXPORTER, str(target), str(pipe)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            parts = list(target.parent.glob(f".{target.name}.*.part"))
            if parts and parts[0].stat().st_size > 1_000_000:
                break
            assert exporter.poll() is None, "the exporter stopped by itself"
            time.sleep(0.05)
        else:
            pytest.fail("no half-written part within 60 s")
        exporter.send_signal(signal.SIGKILL)
    finally:
        exporter.kill()
        exporter.wait()
    assert exporter.returncode == -signal.SIGKILL
    (part,) = target.parent.glob(f".{target.name}.*.part")
    return part


def test_an_export_killed_midway_leaves_the_previous_zip_byte_for_byte(tmp_path):
    target = tmp_path / "spicy-chicken-r1-abc.zip"
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("story.md", "外婆说，辣子鸡全看糍粑辣椒。")
    before = target.read_bytes()
    part = kill_mid_export(target, tmp_path)
    assert target.read_bytes() == before and whole(target)
    with pytest.raises(zipfile.BadZipFile):
        whole(part)  # what the killed process left: half a zip, under a name no one serves


@pytest.mark.django_db
def test_a_download_after_a_killed_export_is_a_whole_zip_and_the_part_is_cleared(make_kit, people, client, tmp_path):
    kit = make_kit()
    client.force_login(people["facilitator"])
    served = client.get(f"/kits/{kit.slug}/download/")
    assert served.status_code == 200
    name = served["Content-Disposition"].split('filename="')[1].rstrip('"')
    target = export_dir() / name
    target.unlink()  # as if the killed export had been the first one
    part = kill_mid_export(target, tmp_path)
    assert not target.exists()
    old = time.time() - STALE_PART_SECONDS - 60
    os.utime(part, (old, old))

    again = client.get(f"/kits/{kit.slug}/download/")
    assert again.status_code == 200
    body = b"".join(again.streaming_content)
    download = tmp_path / "downloaded.zip"
    download.write_bytes(body)
    assert whole(download) and body == target.read_bytes()
    assert not part.exists()
    assert list(export_dir().glob("*.part")) == [] and list(export_dir().glob(".*.part")) == []
