"""The kit zip: its layout, and an atomic write that never damages an earlier export."""

import zipfile

import pytest

from stories.export import bundle as bundle_module
from stories.export.bundle import write_bundle


def test_the_zip_has_the_agreed_layout_with_the_manifest_last(bundle):
    report, files = bundle
    names = list(files)
    assert names[0] == "packaging/label.pdf"
    assert names[-1] == "manifest.json"
    assert {"story.md", "story.txt", "credits.txt", "listing/warnings.txt"} <= set(names)
    assert all(name.split("/")[1] in ("taobao", "douyin", "pinduoduo", "wechat") for name in names if "images/" in name)
    assert names == report.files
    with zipfile.ZipFile(report.path) as archive:
        assert archive.testzip() is None


@pytest.fixture
def earlier(kit, tmp_path, monkeypatch):
    """A kit zip already exported; the photos skipped so the first write is quick."""
    path = tmp_path / "kit.zip"
    write_bundle(kit.__class__(**{**kit.__dict__, "photos": kit.photos[:1]}), path)
    return path, path.read_bytes()


def test_a_failure_while_rendering_leaves_the_earlier_zip_untouched(kit, earlier, monkeypatch):
    path, before = earlier

    def broken(*args, **kwargs):
        raise OSError("disk full while writing images")

    monkeypatch.setattr(bundle_module, "render_platform_images", broken)
    with pytest.raises(OSError, match="disk full"):
        write_bundle(kit, path)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["kit.zip"]


def test_a_failure_halfway_through_the_zip_leaves_no_part_file(kit, earlier, monkeypatch):
    path, before = earlier
    real = zipfile.ZipFile.writestr
    written = []

    def failing(self, info, data, *args, **kwargs):
        if len(written) == 5:
            raise OSError("connection to the disk lost")
        written.append(info)
        return real(self, info, data, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", failing)
    with pytest.raises(OSError, match="connection"):
        write_bundle(kit, path)
    assert written and path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["kit.zip"]
