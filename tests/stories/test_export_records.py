"""What the kit zip records about whose words it holds, and under which consent
(stories/exporting.py): the seller's evidence if a label is ever questioned."""

import json
import os
import time
import zipfile

import pytest

from stories.exporting import STALE_PART_SECONDS, export_kit, remove_stale_parts

pytestmark = pytest.mark.django_db


def test_the_manifest_records_every_field_of_the_consent_each_quote_relies_on(make_kit, archive):
    kit = make_kit()
    wang = archive["王秀英"]
    with zipfile.ZipFile(export_kit(kit)) as bundle:
        manifest = json.loads(bundle.read("manifest.json"))
    assert len(manifest["snippets"]) == 3
    # Selling her words needs all three of her consents: archive, public and commercial.
    expected = [
        {
            "narrator": "王秀英",
            "narrator_id": wang.pk,
            "scope": consent.scope,
            "given_at": consent.given_at.isoformat(),
            "method": "spoken",
            "evidence_document_id": None,
            "evidence_recording_id": None,
            "witnessed_by": None,
            "consent_id": consent.pk,
        }
        for consent in wang.consents.filter(withdrawn_at__isnull=True).order_by("scope")
    ]
    assert [record["scope"] for record in expected] == ["archive", "commercial", "public"]
    for snippet in manifest["snippets"]:
        assert snippet["narrators"] == ["王秀英"]
        assert sorted(snippet["consent"], key=lambda record: record["scope"]) == expected
    # Credits name the recording she is quoted from, with its date for people and for scripts.
    [credit] = manifest["credits"]
    assert credit["name"] == "王秀英" and len(credit["recordings"]) == 1
    assert credit["recordings"][0].startswith(archive["wang"].recording.title + "（上传于 ")


def test_only_parts_an_hour_old_are_removed_never_an_export_in_progress(tmp_path):
    target = tmp_path / "kit-r1-abc.zip"
    fresh = tmp_path / f".{target.name}.1111.part"
    old = tmp_path / f".{target.name}.2222.part"
    other = tmp_path / ".another-kit.zip.3333.part"
    for part in (fresh, old, other):
        part.write_bytes(b"PK")
    now = time.time()  # the test's clock, not the file system's
    hour_ago = now - STALE_PART_SECONDS - 60
    os.utime(fresh, (now - 60, now - 60))
    os.utime(old, (hour_ago, hour_ago))
    os.utime(other, (hour_ago, hour_ago))

    assert remove_stale_parts(target) == [old]
    assert fresh.exists() and not old.exists() and other.exists()
