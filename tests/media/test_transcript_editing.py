"""Correcting transcripts: revisions, conflicts, validation, and corrections that teach the glossary."""

import json
import re

import pytest
from django.contrib.auth.models import Permission

from heritage.models import GlossaryTerm
from media.ingest import ingest
from media.models import Correction, TranscriptRevision
from media.transcription.editing import EditConflict, EditRejected, latest_revision, save_edit
from media.transcription.glossary import suggestions
from media.transcription.store import snapshot

from .. import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def transcript(make_audio):
    with make_audio("ogg", seconds=12.0).open("rb") as stream:
        recording = ingest(stream, "elder.ogg", "外婆讲辣子鸡")
    record = f.transcript(recording, ["住在西风县李碑村。", "全看磁巴辣椒。", "放进石旧里舂。"])
    TranscriptRevision.objects.create(transcript=record, source="machine", segments=snapshot(record))
    return record


def rows(transcript):
    return [dict(r) for r in snapshot(transcript)]


def test_a_save_replaces_segments_and_keeps_a_revision(transcript, django_user_model):
    editor = django_user_model.objects.create_user("editor")
    edited = rows(transcript)
    edited[0].update(text="住在息烽县立碑村。", reviewed=True, speaker="王秀英")
    revision = save_edit(transcript, edited, latest_revision(transcript).pk, editor)
    assert revision.user == editor and revision.source == "person"
    first = transcript.segments.get(position=0)
    assert (first.text, first.reviewed, first.speaker) == ("住在息烽县立碑村。", True, "王秀英")
    assert transcript.revisions.count() == 2


def test_two_people_saving_at_once_never_overwrite_each_other(transcript, django_user_model):
    base = latest_revision(transcript).pk
    first, second = rows(transcript), rows(transcript)
    first[1]["text"] = "全看糍粑辣椒。"
    save_edit(transcript, first, base, django_user_model.objects.create_user("first"))
    second[2]["text"] = "放进石臼里舂。"
    with pytest.raises(EditConflict) as raised:
        save_edit(transcript, second, base, django_user_model.objects.create_user("second"))
    assert "first" in raised.value.zh and raised.value.status == 409
    assert transcript.segments.get(position=1).text == "全看糍粑辣椒。"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda r: r.clear(), "不能为空"),
        (lambda r: r[1].update(text="  "), "第 2 句是空的"),
        (lambda r: r[2].update(start=-1), "第 3 句的时间不对"),
        (lambda r: r[0].update(end=999), "第 1 句的时间不对"),
        (lambda r: r[2].update(start=0.0), "第 3 句的开始时间早于上一句"),
        (lambda r: r[0].pop("text"), "第 1 句的数据不完整"),
    ],
)
def test_impossible_edits_are_refused_and_change_nothing(transcript, change, words):
    before = rows(transcript)
    edited = rows(transcript)
    change(edited)
    with pytest.raises(EditRejected) as raised:
        save_edit(transcript, edited, latest_revision(transcript).pk, None)
    assert words in raised.value.zh
    assert rows(transcript) == before


def test_words_fixed_twice_are_suggested_for_the_glossary(transcript, make_audio):
    fixed = rows(transcript)
    fixed[0]["text"] = "住在息烽县立碑村。"
    fixed[1]["text"] = "全看糍粑辣椒。"
    save_edit(transcript, fixed, latest_revision(transcript).pk, None)
    assert set(Correction.objects.values_list("wrong", "right", "count")) >= {("磁巴", "糍粑", 1)}
    assert suggestions() == []
    # The same mistake in another recording, fixed again.
    with make_audio("ogg", seconds=5.0, amplitude=0.2).open("rb") as stream:
        other = f.transcript(ingest(stream, "b.ogg", "b"), ["糍粑要用磁巴辣椒。"])
    edited = rows(other)
    edited[0]["text"] = "糍粑要用糍粑辣椒。"
    save_edit(other, edited, None, None)
    assert [(c.wrong, c.right, c.count) for c in suggestions()] == [("磁巴", "糍粑", 2)]
    GlossaryTerm.objects.create(term="糍粑")
    assert suggestions() == []


def test_the_editor_is_for_facilitators_only(transcript, client, django_user_model):
    url = f"/admin/transcripts/{transcript.recording_id}/"
    villager = django_user_model.objects.create_user("villager", password="pw")
    client.force_login(villager)
    assert client.get(url).status_code in (302, 403)
    admin_only = django_user_model.objects.create_user("admin-only")
    admin_only.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(admin_only)
    assert client.get(url).status_code in (302, 403)  # admin access alone is not enough
    client.force_login(f.facilitator())  # the facilitator role may correct transcripts
    html = client.get(url).content.decode()
    data = json.loads(re.search(r'<script id="te-data" type="application/json">(.*?)</script>', html).group(1))
    assert data["segments"][0]["text"] == "住在西风县李碑村。" and "Ctrl" in html


def test_the_editor_saves_through_its_json_endpoint(transcript, client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("admin", password="pw"))
    url = f"/admin/transcripts/{transcript.recording_id}/save/"
    edited = rows(transcript)
    edited[2]["text"] = "放进石臼里舂。"
    base = latest_revision(transcript).pk
    response = client.post(url, json.dumps({"revision": base, "segments": edited}), content_type="application/json")
    assert response.status_code == 200 and response.json()["revision"] > base
    stale = client.post(url, json.dumps({"revision": base, "segments": edited}), content_type="application/json")
    assert stale.status_code == 409 and "reopen" in stale.json()["en"] and stale.json()["error"] == "conflict"
    assert client.post(url, "not json", content_type="application/json").status_code == 400
    exported = client.get(f"/admin/transcripts/{transcript.recording_id}/export/txt/")
    assert "放进石臼里舂。" in exported.content.decode()


def test_glossary_suggestions_can_be_added_from_the_admin(transcript, client, django_user_model):
    Correction.objects.create(wrong="磁巴", right="糍粑", count=3)
    client.force_login(django_user_model.objects.create_superuser("admin", password="pw"))
    assert "糍粑" in client.get("/admin/glossary/suggestions/").content.decode()
    client.post("/admin/glossary/suggestions/add/", {"term": "糍粑"})
    assert GlossaryTerm.objects.filter(term="糍粑").exists()
    assert "暂时没有建议" in client.get("/admin/glossary/suggestions/").content.decode()
