"""Archive withdrawal is honoured for facilitators and recorders too (issue 10, finding 8):
admin previews, transcript exports, the admin's audio and editor, and the recorder's own
recording views refuse with a Chinese message, naming nobody."""

import pytest

from heritage import consent_log
from heritage.models import StationRecording
from heritage.roles import Role, grant
from media.ingest import ingest

from .. import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def voice(make_audio):
    _, index = f.site_tree()
    recorder = f.villager()
    grant(recorder, Role.RECORDER)
    li = f.full_consent("李桂芬")
    with make_audio("ogg", seconds=2.0).open("rb") as stream:
        recording = ingest(stream, "li.ogg", "李桂芬讲腊肉", uploaded_by=recorder)
    StationRecording.objects.create(recording=recording, narrator=li, recorded_by=recorder)
    f.transcript(recording, ["腊月里熏腊肉，柏树枝最香。"])
    page = f.item(index, narrators=[li], recording=recording, access_level="restricted", title="李桂芬讲腊肉")
    return {"recorder": recorder, "li": li, "recording": recording, "page": page, "facilitator": f.facilitator()}


def _admin_urls(voice):
    pk = voice["recording"].pk
    return [
        f"/admin/transcripts/{pk}/",
        f"/admin/transcripts/{pk}/status/",
        f"/admin/transcripts/{pk}/audio/",
        f"/admin/transcripts/{pk}/export/vtt/",
        f"/admin/transcripts/{pk}/export/json/",
        f"/admin/pages/{voice['page'].pk}/view_draft/",
        f"/archive-audio/{voice['page'].pk}/transcript.srt",
    ]


def _recorder_urls(voice):
    pk = voice["recording"].pk
    return [f"/station/recordings/{pk}/", f"/station/recordings/{pk}/audio"]


def _withdraw_archive(voice):
    consent = voice["li"].consents.get(scope="archive")
    consent_log.withdraw(consent, by=voice["facilitator"], source="test")


def test_facilitators_are_refused_once_archive_consent_is_withdrawn(voice, client):
    client.force_login(voice["facilitator"])
    for url in _admin_urls(voice):
        assert client.get(url).status_code == 200, url
    _withdraw_archive(voice)
    for url in _admin_urls(voice):
        response = client.get(url)
        body = b"".join(response) if response.streaming else response.content
        assert response.status_code == 404, url
        assert "柏树枝" not in body.decode(errors="replace"), url
    refusal = client.get(f"/admin/transcripts/{voice['recording'].pk}/export/vtt/").content.decode()
    assert "撤回存档同意" in refusal and "李桂芬" not in refusal
    status = client.get(f"/admin/transcripts/{voice['recording'].pk}/status/").json()
    assert status["error"] == "recording_withheld" and status["zh"].startswith("讲述人已撤回")


def test_the_recorder_no_longer_reaches_their_own_recording(voice, client):
    client.force_login(voice["recorder"])
    for url in _recorder_urls(voice):
        assert client.get(url).status_code == 200, url
    assert "李桂芬讲腊肉" in client.get("/station/mine/").content.decode()
    _withdraw_archive(voice)
    for url in _recorder_urls(voice):
        assert client.get(url).status_code == 404, url
    assert client.get(_recorder_urls(voice)[0]).json()["zh"].startswith("讲述人已撤回存档同意")
    assert "李桂芬讲腊肉" not in client.get("/station/mine/").content.decode()


def test_a_public_display_withdrawal_leaves_the_archive_to_facilitators(voice, client):
    voice["li"].consents.filter(scope="public").update(withdrawn_at=voice["li"].consents.first().given_at)
    client.force_login(voice["facilitator"])
    for url in _admin_urls(voice):
        assert client.get(url).status_code == 200, url
