"""Story texts, credits and manifest: every elder credited, every file accounted for."""

import hashlib
import json

from stories.export.manifest import build_manifest
from stories.export.texts import credits_text, story_markdown, story_text


def test_credits_name_every_elder_their_recordings_the_workshop_and_each_quote(kit):
    text = credits_text(kit)
    for credit in kit.credits:
        assert credit.name in text
        assert all(recording in text for recording in credit.recordings)
    for snippet in kit.snippets:
        assert snippet.text in text
    assert "《王秀英谈辣子鸡》 0:12.0–0:19.5" in text
    assert kit.workshop in text and "刘玉兰" in text and "42" in text


def test_a_quoted_elder_missing_from_the_credits_is_still_named(kit):
    text = credits_text(kit.__class__(**{**kit.__dict__, "credits": kit.credits[:1]}))
    assert "张德明" in text.split("引用 / Quotes")[0]


def test_story_texts_quote_the_elders_with_attribution(kit):
    markdown, plain = story_markdown(kit), story_text(kit)
    assert markdown.startswith("# 阳朗辣子鸡")
    assert "> 糍粑辣椒要先泡软" in markdown and "> —— 王秀英，《王秀英谈辣子鸡》" in markdown
    assert "“过年的时候家家都炒一大锅" in plain and kit.story_url in plain


def test_manifest_checksums_match_the_files_in_the_zip(bundle):
    files = bundle[1]
    manifest = json.loads(files["manifest.json"])
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == set(files) - {"manifest.json"}
    for name, entry in listed.items():
        assert hashlib.sha256(files[name]).hexdigest() == entry["sha256"]
        assert len(files[name]) == entry["bytes"]


def test_manifest_records_revision_sources_consent_missing_fields_and_warnings(bundle, kit):
    manifest = json.loads(bundle[1]["manifest.json"])
    assert manifest["revision_id"] == 42 and manifest["approved_by"] == "刘玉兰"
    assert manifest["snippets"][0]["source"] == kit.snippets[0].source
    assert manifest["snippets"][0]["consent"][0]["scope"] == "commercial"
    assert [f["key"] for f in manifest["missing_label_fields"]] == [
        "production_date",
        "expiry_date",
        "licence_number",
        "allergens",
    ]
    assert manifest["missing_label_fields"][1]["since"] == "GB 7718-2025"
    assert manifest["lint_warnings"] == 4
    assert set(manifest["skipped_platforms"]) == {"jd", "kuaishou"}


def test_build_manifest_takes_bytes_or_files(kit, tmp_path):
    (tmp_path / "a.txt").write_bytes(b"abc")
    manifest = build_manifest(kit, {"b.txt": b"abc", "a.txt": tmp_path / "a.txt"})
    assert [entry["path"] for entry in manifest["files"]] == ["a.txt", "b.txt"]
    assert manifest["files"][0]["sha256"] == manifest["files"][1]["sha256"] == hashlib.sha256(b"abc").hexdigest()


def test_dates_are_written_for_people_beside_the_iso_time(bundle):
    credits = bundle[1]["credits.txt"].decode()
    assert "2026年6月1日 10:30（UTC+08:00）（2026-06-01T10:30:00+08:00）" in credits
    assert "导出 / Exported: 2026年6月2日（2026-06-02）" in credits
    manifest = json.loads(bundle[1]["manifest.json"])
    assert manifest["exported_on"] == "2026-06-02" and manifest["exported_on_text"] == "2026年6月2日"
    assert manifest["approved_at_text"] == "2026年6月1日 10:30（UTC+08:00）"
