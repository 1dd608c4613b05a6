"""The recording station (heritage/station/): one address, the setup keeps what was chosen,
what was agreed is read back before recording, 我的录音 lists stories, and transcription
progress is live for the station and the admin's recording list."""

import io
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image

from heritage import consent_log
from heritage.models import StationRecording, StationRecordingKind, TopicPrompt
from heritage.roles import Role
from media.ingest import ingest
from media.models import TranscriptionJob

from .. import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorder():
    return f.person(Role.RECORDER)


def _recording(make_audio, by, narrator, title, kind=StationRecordingKind.STORY, seconds=1.0):
    with make_audio("ogg", seconds=seconds).open("rb") as stream:
        recording = ingest(stream, f"{title}.ogg", title, uploaded_by=by)
    StationRecording.objects.create(recording=recording, narrator=narrator, kind=kind, recorded_by=by)
    return recording


def _job(recording, status, progress):
    return TranscriptionJob.objects.create(recording=recording, status=status, progress=progress, engine="faster")


def _photo():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 200, 200)).save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "form.jpg"
    return buffer


# --- one address ---


def test_the_old_address_sends_pages_on_for_good_and_uploads_with_their_body(client, recorder):
    client.force_login(recorder)
    page = client.get("/recorder/?narrator=3&prompt=4")
    assert page.status_code == 301 and page["Location"] == "/station/?narrator=3&prompt=4"
    assert client.get("/recorder/mine/")["Location"] == "/station/mine/"
    # A tab opened before the move still sends its chunks: 308 keeps the method and the body.
    chunk = client.put("/recorder/uploads/abc/chunks/0?offset=0", b"x", content_type="application/octet-stream")
    assert chunk.status_code == 308 and chunk["Location"] == "/station/uploads/abc/chunks/0?offset=0"
    assert client.get("/station/").status_code == 200


# --- setup: the prompts survive ---


def test_topic_prompts_survive_adding_a_new_narrator(client, recorder):
    client.force_login(recorder)
    prompts = [TopicPrompt.objects.create(text=t, sort_order=i) for i, t in enumerate(["过年吃什么？", "谁教你做菜？"])]
    response = client.post("/station/start/", {"go": "new", "name": "周永福", "prompt": [prompts[1].pk]})
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["prompt"] == [str(prompts[1].pk)]
    page = client.get(response["Location"]).content.decode()
    assert "周永福" in page and "第一步：同意书" in page
    assert f'name="prompt" value="{prompts[1].pk}"' in page and f'value="{prompts[0].pk}"' not in page


def test_a_setup_refused_for_a_missing_name_keeps_the_ticked_prompts(client, recorder):
    client.force_login(recorder)
    prompts = [TopicPrompt.objects.create(text=t, sort_order=i) for i, t in enumerate(["一", "二", "三", "四"])]
    response = client.post("/station/start/", {"go": "new", "name": " ", "prompt": [prompts[3].pk]})
    page = client.get(response["Location"]).content.decode()
    assert "请填写讲述人的姓名" in page
    assert f'value="{prompts[3].pk}" checked' in page
    assert f'value="{prompts[0].pk}" checked' not in page


def test_an_existing_narrator_is_chosen_with_the_prompts(client, recorder):
    client.force_login(recorder)
    elder = f.narrator("王秀英", scopes=("archive",))
    prompt = TopicPrompt.objects.create(text="过年吃什么？")
    response = client.post("/station/start/", {"go": "chosen", "narrator": elder.pk, "prompt": [prompt.pk]})
    assert response["Location"] == f"/station/?narrator={elder.pk}&prompt={prompt.pk}"
    assert "请先选择讲述人" in client.get(client.post("/station/start/", {"go": "chosen"})["Location"]).content.decode()


# --- consent, then what was agreed, then recording ---


def test_after_the_consent_form_the_station_reads_back_what_was_agreed_before_recording(client, recorder):
    client.force_login(recorder)
    elder = f.narrator("张德明")
    prompt = TopicPrompt.objects.create(text="过年吃什么？")
    response = client.post(
        f"/station/narrators/{elder.pk}/consent-form",
        {"scope": ["archive", "public"], "photo": _photo(), "prompt": [prompt.pk]},
    )
    assert "agreed=1" in response["Location"] and f"prompt={prompt.pk}" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "第二步：确认同意的内容" in page and 'id="recorder"' not in page
    assert '<li class="yes" data-scope="archive">' in page and '<li class="yes" data-scope="public">' in page
    assert '<li class="no" data-scope="commercial">' in page and "不同意，不会这样用" in page
    # The button to go on leads to the recording step, prompts kept, with nothing agreed twice.
    assert f'href="/station/?narrator={elder.pk}&amp;prompt={prompt.pk}"' in page
    record = client.get(f"/station/?narrator={elder.pk}&prompt={prompt.pk}").content.decode()
    assert 'id="recorder"' in record and "过年吃什么？" in record and "第二步" not in record


def test_the_spoken_consent_clip_returns_to_the_confirmation(client, recorder):
    client.force_login(recorder)
    elder = f.narrator("张德明")
    page = client.get(f"/station/?narrator={elder.pk}").content.decode()
    assert f'data-done="/station/?narrator={elder.pk}&amp;agreed=1"' in page


def test_a_pending_regrant_is_read_back_as_waiting_not_agreed(client, recorder):
    elder = f.narrator("李桂芬", scopes=("archive",), withdrawn=("public",))
    consent_log.grant(elder, "public", method="spoken", by=recorder, source="station")
    client.force_login(recorder)
    page = client.get(f"/station/?narrator={elder.pk}&agreed=1").content.decode()
    assert '<li class="no" data-scope="public">' in page and "等协作者核实后才生效" in page


# --- 我的录音 and live progress ---


def test_my_recordings_lists_stories_not_the_consent_clip(client, recorder, make_audio):
    elder = f.full_consent("李桂芬")
    _recording(make_audio, recorder, elder, "李桂芬 口头同意", kind=StationRecordingKind.CONSENT)
    story = _recording(make_audio, recorder, elder, "李桂芬：过年", seconds=1.5)
    _job(story, "running", 42.0)
    client.force_login(recorder)
    page = client.get("/station/mine/").content.decode()
    assert "李桂芬：过年" in page and "口头同意" not in page
    assert f'data-progress-of="{story.pk}"' in page and "转写中 42%" in page and "media/progress.js" in page


def test_progress_is_answered_live_for_own_recordings_only(client, recorder, make_audio):
    elder = f.full_consent("李桂芬")
    own = _recording(make_audio, recorder, elder, "自己的")
    other = _recording(make_audio, f.person(Role.RECORDER), elder, "别人的", seconds=1.5)
    job = _job(own, "queued", 0.0)
    _job(other, "running", 10.0)
    client.force_login(recorder)
    url = f"/station/progress/?id={own.pk}&id={other.pk}&id=999999"

    first = client.get(url).json()["recordings"]
    assert [(r["id"], r["text"], r["finished"]) for r in first] == [(own.pk, "排队中 0%", False)]
    TranscriptionJob.objects.filter(pk=job.pk).update(status="running", progress=57.4)
    assert client.get(url).json()["recordings"][0]["text"] == "转写中 57%"
    TranscriptionJob.objects.filter(pk=job.pk).update(status="done", progress=100.0)
    done = client.get(url).json()["recordings"][0]
    assert done["finished"] and done["text"] == "完成"
    assert done["review"] == f"/station/mine/?open={own.pk}#transcript-{own.pk}"

    facilitator = f.facilitator()
    client.force_login(facilitator)
    seen = client.get(url).json()["recordings"]
    assert [r["id"] for r in seen] == sorted([own.pk, other.pk])
    assert seen[0]["review"] == f"/admin/transcripts/{seen[0]['id']}/"


def test_progress_leaves_out_a_recording_whose_narrator_withdrew(client, recorder, make_audio):
    elder = f.full_consent("李桂芬")
    recording = _recording(make_audio, recorder, elder, "李桂芬讲腊肉")
    _job(recording, "running", 30.0)
    client.force_login(recorder)
    url = f"/station/progress/?id={recording.pk}"
    assert len(client.get(url).json()["recordings"]) == 1
    consent_log.withdraw(elder.consents.get(scope="archive"), by=f.facilitator(), source="admin")
    assert client.get(url).json() == {"recordings": []}
    client.force_login(f.facilitator())
    assert client.get(url).json() == {"recordings": []}
    assert client.get(f"/admin/transcripts/progress/?id={recording.pk}").json() == {"recordings": []}


def test_progress_refuses_in_the_one_json_shape(client):
    response = client.get("/station/progress/?id=1")
    assert response.status_code == 403
    assert json.loads(response.content) == {
        "error": "forbidden",
        "zh": "您没有权限查看这里。",
        "en": "You may not open this page.",
    }
    client.force_login(f.person(Role.PARTICIPANT))
    assert client.get("/station/progress/?id=1").status_code == 403


def test_the_admin_recording_list_polls_for_progress(client, make_audio):
    facilitator = f.facilitator()
    elder = f.full_consent("李桂芬")
    recording = _recording(make_audio, facilitator, elder, "李桂芬讲腊肉")
    _job(recording, "running", 25.0)
    client.force_login(facilitator)
    listing = client.get("/admin/snippets/media/audiorecording/").content.decode()
    assert "转写中 25%" in listing and 'data-url="/admin/transcripts/progress/"' in listing
    answer = client.get(f"/admin/transcripts/progress/?id={recording.pk}").json()["recordings"]
    assert answer == [
        {
            "id": recording.pk,
            "job": {"status": "running", "label": "转写中", "progress": 25.0, "error": "", "engine": "faster"},
            "text": "转写中 25%",
            "finished": False,
            "review": f"/admin/transcripts/{recording.pk}/",
        }
    ]
