"""The backup drill: back up the demo, wipe it, restore it, and every byte and page is back.

Runs on SQLite, and on PostgreSQL when DATABASE_URL points there
(tools/postgres_for_tests.sh run pytest tests/heritage/test_backup_restore.py).
"""

import hashlib
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from wagtail.models import Collection, Locale, Page

from heritage.backup import MANIFEST
from heritage.models import Narrator, User
from media.models import AudioRecording

pytestmark = pytest.mark.django_db(transaction=True)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def uploads() -> dict[str, str]:
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix(): sha256(p) for p in sorted(root.rglob("*")) if p.is_file()}


def demo():
    # A transactional test may follow another that emptied every table, Wagtail's root too.
    Locale.objects.get_or_create(language_code="zh-hans")
    Collection.get_first_root_node() or Collection.add_root(name="Root")
    Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    call_command("load_demo")


def live_pages() -> list[str]:
    return [page.url for page in Page.objects.live().filter(depth__gt=1).specific()]


def test_the_drill_brings_back_every_byte_and_page(tmp_path, client, capsys):
    demo()
    files_before, pages_before = uploads(), live_pages()
    assert len(pages_before) >= 8 and any(name.startswith("recordings/") for name in files_before)
    call_command("backup", str(tmp_path / "backup"))
    assert f"{connection.vendor} 数据库" in capsys.readouterr().out
    manifest = (tmp_path / "backup" / MANIFEST).read_text(encoding="utf-8")
    assert all(name in manifest for name in files_before)

    shutil.rmtree(settings.MEDIA_ROOT)
    call_command("flush", interactive=False)
    assert not Narrator.objects.exists() and not AudioRecording.objects.exists()

    call_command("restore", str(tmp_path / "backup"))
    out = capsys.readouterr().out
    assert "恢复完成" in out
    assert uploads() == files_before
    for recording in AudioRecording.objects.all():
        root = Path(settings.MEDIA_ROOT)
        assert sha256(root / recording.original.name) == recording.sha256
        assert sha256(root / recording.derivative.name) == recording.derivative_sha256
    call_command("fixity")
    assert live_pages() == pages_before
    client.force_login(User.objects.get(username="admin"))
    for url in pages_before:
        assert client.get(url).status_code == 200, url


def test_a_damaged_backup_is_refused_and_nothing_changes(tmp_path):
    demo()
    call_command("backup", str(tmp_path / "backup"))
    recording = next(p for p in (tmp_path / "backup" / "files" / "uploads").rglob("original.*"))
    data = bytearray(recording.read_bytes())
    data[100] ^= 0xFF
    recording.write_bytes(bytes(data))
    Narrator.objects.filter(name="王秀英").update(village="新村")
    before = uploads()

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(tmp_path / "backup"))
    message = str(refused.value)
    assert message.startswith("备份已损坏或不完整，没有恢复任何数据")
    assert f"内容不符 {recording.relative_to(tmp_path / 'backup').as_posix()}" in message
    assert uploads() == before and Narrator.objects.get(name="王秀英").village == "新村"
    # Nothing staged is left beside the live data.
    assert not list(Path(settings.MEDIA_ROOT).parent.glob(".restore-*"))


def test_a_file_missing_from_the_backup_is_named(tmp_path):
    demo()
    call_command("backup", str(tmp_path / "backup"))
    (tmp_path / "backup" / "backup.json").unlink()
    (tmp_path / "backup" / "files" / "uploads" / "extra.txt").write_text("多出来的")
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(tmp_path / "backup"))
    assert "缺少 backup.json" in str(refused.value) and "多出 files/uploads/extra.txt" in str(refused.value)


def test_a_backup_never_overwrites_a_folder_in_use(tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "keep.txt").write_text("别动")
    with pytest.raises(CommandError, match="备份目录已存在且不为空"):
        call_command("backup", str(tmp_path / "used"))
    assert (tmp_path / "used" / "keep.txt").read_text() == "别动"
