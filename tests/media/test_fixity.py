"""Fixity audits: a changed byte or a missing file is named, kept and shown, and the command fails."""

import hashlib
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from media import ingest
from media.management.commands.fixity import Command
from media.models import AudioRecording, FixityAudit, FixityProblem

from .. import factories as f

pytestmark = pytest.mark.django_db


def upload(path: Path, title: str) -> AudioRecording:
    with path.open("rb") as stream:
        return ingest.ingest(stream, path.name, title)


def on_disk(settings, name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / name


@pytest.fixture
def archive(make_audio):
    first = upload(make_audio("ogg", seconds=1.0), "油坊")
    second = upload(make_audio("wav", seconds=1.5), "辣子鸡")
    image = f.photo("舂辣椒")
    return first, second, image


def test_ingest_records_the_derivatives_checksum(archive, settings):
    first, _, _ = archive
    first.refresh_from_db()
    expected = hashlib.sha256(on_disk(settings, first.derivative.name).read_bytes()).hexdigest()
    assert first.derivative_sha256 == expected


def test_an_intact_archive_passes_and_the_audit_is_kept(archive, capsys):
    call_command("fixity")
    out = capsys.readouterr().out
    audit = FixityAudit.objects.get()
    # Two originals, two derivatives and the image.
    assert audit.files_checked == 5 and audit.problem_count == 0 and audit.ok
    assert "全部文件完好" in out


def test_one_changed_byte_and_one_missing_file_are_both_reported(archive, settings, capsys, admin_client):
    first, second, image = archive
    original = on_disk(settings, first.original.name)
    data = bytearray(original.read_bytes())
    data[len(data) // 2] ^= 0x01
    original.write_bytes(bytes(data))
    on_disk(settings, second.derivative.name).unlink()

    with pytest.raises(CommandError, match="2 个问题"):
        call_command("fixity")
    out = capsys.readouterr().out
    assert first.original.name in out and "内容被改动" in out
    assert second.derivative.name in out and "文件缺失" in out

    audit = FixityAudit.objects.get()
    assert audit.problem_count == 2 and not audit.ok
    rows = {(p.kind, p.path) for p in FixityProblem.objects.filter(audit=audit)}
    assert rows == {("changed", first.original.name), ("missing", second.derivative.name)}
    changed = audit.problems.get(kind="changed")
    assert changed.expected == first.sha256 and changed.found == hashlib.sha256(bytes(data)).hexdigest()

    html = admin_client.get("/admin/").content.decode()
    assert "文件完整性核查" in html and "发现 2 个问题" in html
    assert first.original.name in html and second.derivative.name in html


# run_from_argv closes the database connections when it ends, as manage.py does: outside a
# test transaction, so that the next query can reconnect (PostgreSQL).
@pytest.mark.django_db(transaction=True)
def test_the_command_line_exits_non_zero_when_anything_is_wrong(archive, settings):
    _, _, image = archive
    on_disk(settings, image.file.name).write_bytes(b"not the photo any more")
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["manage.py", "fixity"])
    assert exit_info.value.code != 0
    problem = FixityProblem.objects.get()
    assert problem.algorithm == "sha1" and problem.path == image.file.name


def test_a_derivative_without_a_checksum_gets_one_on_its_first_audit(archive, settings):
    first, _, _ = archive
    AudioRecording.objects.filter(pk=first.pk).update(derivative_sha256="")
    call_command("fixity")
    first.refresh_from_db()
    assert first.derivative_sha256 == hashlib.sha256(on_disk(settings, first.derivative.name).read_bytes()).hexdigest()
    assert FixityAudit.objects.get().newly_recorded == 1


def test_images_without_a_recorded_hash_are_counted_not_trusted(archive):
    _, _, image = archive
    type(image).objects.filter(pk=image.pk).update(file_hash="")
    call_command("fixity")
    audit = FixityAudit.objects.get()
    assert audit.unhashed == 1 and audit.files_checked == 4


def test_the_dashboard_says_when_no_audit_has_run(admin_client):
    assert "还没有做过完整性核查" in admin_client.get("/admin/").content.decode()
