"""The recording station in headless Chromium with a fake microphone playing a demo voice.

Everything is real: MediaRecorder in the browser, IndexedDB, the chunk endpoints, ingest,
and Whisper for the transcript.
"""

import hashlib
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import Client

from heritage.demo.loader import AUDIO_DIR
from heritage.models import Consent, StationRecording, TopicPrompt
from heritage.roles import Role, grant
from media import uploads
from media.ingest import ingest
from media.models import AudioRecording, TranscriptionJob, UploadSession

from .. import factories as f
from ..audio import pcm_wav_from
from .conftest import launch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_BUDGET = 150 * 1024


@pytest.fixture(scope="module")
def mic_browser(playwright, tmp_path_factory):
    # 我是一九七八年嫁到立碑村来的。 (0.5–2.84 s), looped by Chromium's fake microphone.
    wav = pcm_wav_from(
        AUDIO_DIR / "li-guifen-married-into-libei.ogg", tmp_path_factory.mktemp("mic") / "voice.wav", 0.2, 3.0
    )
    browser = launch(
        playwright,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}",
    )
    yield browser
    browser.close()


@pytest.fixture
def station(live_server, mic_browser):
    """A recorder signed in on a phone-sized screen: returns (context, page, url of the station)."""
    user = f.villager()
    grant(user, Role.RECORDER)
    client = Client()
    client.force_login(user)
    context = mic_browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", bypass_csp=True)
    context.grant_permissions(["microphone"], origin=live_server.url)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    yield context, context.new_page(), f"{live_server.url}/station/", user
    context.close()


BUTTONS = ("#rec", "#pause", "#stop", "#keep", "#redo")


def visible_buttons(page) -> set[str]:
    return {button for button in BUTTONS if page.is_visible(button)}


def record(page, seconds: float) -> None:
    """Record for ``seconds``; at each step only that step's buttons are on screen."""
    assert visible_buttons(page) == {"#rec"}
    page.click("#rec")
    page.wait_for_selector("#stop", state="visible")
    assert visible_buttons(page) == {"#pause", "#stop"}
    page.wait_for_timeout(seconds * 1000)
    page.click("#stop")
    page.wait_for_selector("#keep", state="visible")
    assert visible_buttons(page) == {"#keep", "#redo"}


def wait_until(condition, timeout: float = 30.0):
    """``condition()``'s first true value, asked every 0.2 s.

    The live server shares this thread's in-memory SQLite connection: a read that meets the
    server's write answers "database table is locked" at once (no busy timeout applies to a
    shared cache), so such a read is asked again rather than failing the test.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def stored_sha256(recording, settings) -> str:
    return hashlib.sha256((Path(settings.MEDIA_ROOT) / recording.original.name).read_bytes()).hexdigest()


def test_an_elder_consents_on_tape_then_records_and_sees_the_transcript(station, settings):
    from media.transcription import weights

    weights.assemble_base()
    settings.TRANSCRIBE_ON_UPLOAD = True
    _context, page, url, user = station
    elder = f.narrator("李桂芬")
    prompt = TopicPrompt.objects.create(text="你第一次做辣子鸡是什么时候？")
    page.goto(f"{url}?narrator={elder.pk}&prompt={prompt.pk}")

    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # Consent first: archive is ticked already, the facilitator adds public display.
    page.check("input[name=scope][value=public]")
    record(page, 2.5)
    # The consent clip is transcribed within its upload here (tests run tasks at once): on
    # a loaded machine Whisper alone may take longer than Playwright's 30 s default.
    with page.expect_navigation(timeout=120_000):
        page.click("#keep")
    consents = Consent.objects.filter(narrator=elder)
    assert sorted(c.scope for c in consents) == ["archive", "public"]
    assert {(c.method, c.witnessed_by_id) for c in consents} == {("spoken", user.pk)}
    assert consents[0].evidence_recording.station.kind == "consent"

    # Then what was agreed, read back (the phone can speak here) before recording starts.
    assert not page.is_visible("#rec")
    agreed = page.text_content("#agreement-text")
    assert "存档" in agreed and "公开展示" in agreed and "不同意" in agreed, agreed
    assert page.is_visible("#speak-agreement")
    page.click("#confirm")

    # Now the story, with a pause in the middle.
    assert page.text_content("#prompt") == prompt.text
    assert visible_buttons(page) == {"#rec"}
    page.click("#rec")
    page.wait_for_timeout(2500)
    page.click("#pause")
    assert page.text_content("#pause") == "继续"
    page.wait_for_timeout(800)
    page.click("#pause")
    page.wait_for_timeout(1500)
    assert page.text_content("#elapsed") in {"00:03", "00:04"}
    loudest = page.evaluate(
        "new Promise(done => { let top = 0; const meter = document.getElementById('level');"
        " const timer = setInterval(() => { top = Math.max(top, meter.value); }, 50);"
        " setTimeout(() => { clearInterval(timer); done(top); }, 1000); })"
    )
    assert loudest > 0.05
    page.click("#stop")
    page.wait_for_selector("#keep", state="visible")
    assert visible_buttons(page) == {"#keep", "#redo"}
    page.click("#keep")
    assert visible_buttons(page) == {"#rec"}
    # Whisper runs within the upload here; the machine may be loaded (see the consent clip).
    page.wait_for_function(
        "['完成', '失败'].some(word => document.getElementById('job').textContent.startsWith(word))", timeout=180_000
    )
    assert page.text_content("#job") == "完成", page.text_content("#recorder")

    recording = AudioRecording.objects.exclude(pk=consents[0].evidence_recording_id).get()
    assert recording.uploaded_by == user and recording.station.narrator == elder
    assert recording.station.prompt == prompt.text and recording.codec == "opus"
    assert page.get_attribute("#recorder", "data-sha256") == recording.sha256 == stored_sha256(recording, settings)
    text = "".join(page.locator("#transcript li").all_text_contents())
    # The fake microphone says 我是一九七八年嫁到立碑村来的 (Whisper base writes the year in digits).
    assert "1978年" in text, text
    assert page.text_content("#job").startswith("完成")
    # Every byte of the take was counted as sent, and the transcript can be reviewed.
    assert int(page.get_attribute("#recorder", "data-sent-bytes")) == recording.size_bytes
    assert page.get_attribute("#review-link", "href") == f"/station/mine/?open={recording.pk}#transcript-{recording.pk}"
    page.click("#review-link")
    page.wait_for_selector(f"#transcript-{recording.pk}[open]")
    assert "1978年" in page.text_content(f"#transcript-{recording.pk}")
    # 我的录音 lists the story, not the consent clip.
    assert page.locator(".card").count() == 1
    assert errors == []


def test_the_station_shows_bytes_sent_then_the_workers_real_progress(station, settings):
    """The worker is slow here (the task is only queued): the page follows the job as it goes."""
    settings.TRANSCRIBE_ON_UPLOAD = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    _context, page, url, _user = station
    elder = f.narrator("王秀英", scopes=("archive",))
    page.goto(f"{url}?narrator={elder.pk}")
    page.evaluate(
        "window.seen = []; new MutationObserver(() => window.seen.push("
        "document.getElementById('sent-label').textContent + '|' + document.getElementById('job').textContent))"
        ".observe(document.getElementById('recorder'), {subtree: true, childList: true, characterData: true})"
    )
    record(page, 3)
    page.click("#keep")
    job = wait_until(lambda: TranscriptionJob.objects.first())
    page.wait_for_function("document.getElementById('job').textContent.startsWith('排队中')")
    TranscriptionJob.objects.filter(pk=job.pk).update(status="running", progress=40.0)
    page.wait_for_function("document.getElementById('job').textContent === '转写中 40%'")
    assert page.text_content("#status") == "转写中"
    assert not page.is_visible("#review-link")
    f.transcript(job.recording, ["我是一九七八年嫁到立碑村来的。"])
    TranscriptionJob.objects.filter(pk=job.pk).update(status="done", progress=100.0)
    page.wait_for_selector("#review-link", state="visible")
    assert page.text_content("#job") == "完成"
    assert page.text_content("#transcript li") == "我是一九七八年嫁到立碑村来的。"
    # Bytes were counted as they went, up to the whole take, before "排队中" replaced them.
    size = job.recording.size_bytes
    sent = [text.split("|")[0] for text in page.evaluate("window.seen") if text.startswith("已发送")]
    assert sent and sent[-1] == f"已发送 {kb(size)} / {kb(size)}", sent
    assert int(page.get_attribute("#recorder", "data-sent-bytes")) == size


def kb(size: int) -> str:
    """The station's way of writing a size (recorder.js, kb())."""
    return f"{size / 1024:.1f} KB" if size < 10240 else f"{size / 1024:.0f} KB"


def test_a_phone_that_cannot_speak_still_confirms_and_records(station):
    context, page, url, _user = station
    page.add_init_script("delete window.speechSynthesis; delete window.SpeechSynthesisUtterance;")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    elder = f.narrator("王秀英", scopes=("archive",))
    page.goto(f"{url}?narrator={elder.pk}&agreed=1")
    assert "存档" in page.text_content("#agreement-text")
    assert not page.is_visible("#speak-agreement")
    page.click("#confirm")
    assert visible_buttons(page) == {"#rec"}
    assert errors == []


def test_my_recordings_and_the_admin_list_follow_the_job_live(station, live_server, mic_browser, make_audio):
    _context, page, url, user = station
    elder = f.full_consent("李桂芬")
    with make_audio("ogg", seconds=1.0).open("rb") as stream:
        recording = ingest(stream, "li.ogg", "李桂芬：过年", uploaded_by=user)
    StationRecording.objects.create(recording=recording, narrator=elder, recorded_by=user)
    job = TranscriptionJob.objects.create(recording=recording, engine="faster")
    page.goto(f"{url}mine/")
    assert page.text_content("[data-progress-text]") == "排队中 0%"
    TranscriptionJob.objects.filter(pk=job.pk).update(status="running", progress=35.0)
    page.wait_for_function("document.querySelector('[data-progress-text]').textContent === '转写中 35%'")

    # The facilitator's recording list in the admin follows the same job.
    facilitator = f.facilitator()
    client = Client()
    client.force_login(facilitator)
    admin = mic_browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN", bypass_csp=True)
    admin.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    listing = admin.new_page()
    listing.goto(f"{live_server.url}/admin/snippets/media/audiorecording/")
    cell = listing.locator(f"[data-progress-of='{recording.pk}']")
    assert cell.text_content().strip() == "转写中 35%"
    TranscriptionJob.objects.filter(pk=job.pk).update(status="running", progress=80.0)
    cell_text = f"document.querySelector(\"[data-progress-of='{recording.pk}']\").textContent"
    listing.wait_for_function(f"{cell_text} === '转写中 80%'")
    page.wait_for_function("document.querySelector('[data-progress-text]').textContent === '转写中 80%'")
    f.transcript(recording, ["腊月里熏腊肉。"])
    TranscriptionJob.objects.filter(pk=job.pk).update(status="done", progress=100.0)
    page.wait_for_selector("a[data-review]", state="visible")
    assert page.text_content("[data-progress-text]") == "完成" and not page.is_visible("progress")
    listing.wait_for_function(f"{cell_text} === '完成'")
    admin.close()


def _kept_offline(station):
    """Record, lose the network mid-upload, keep the take: (page, session, elder)."""
    context, page, url, _user = station
    elder = f.narrator("王秀英", scopes=("archive",))
    page.goto(f"{url}?narrator={elder.pk}")
    page.click("#rec")
    session = wait_until(lambda: UploadSession.objects.first())
    wait_until(lambda: len(uploads.chunks(session.pk)) >= 2)
    context.set_offline(True)
    page.wait_for_timeout(3000)
    page.click("#stop")
    page.click("#keep")
    page.wait_for_function("document.getElementById('status').textContent.includes('网络断了')")
    page.wait_for_function("document.getElementById('recorder').dataset.pending === '1'")
    return page, session, elder


def test_a_network_cut_mid_upload_and_a_closed_tab_lose_nothing(station, settings):
    context, _page, url, _user = station
    page, session, elder = _kept_offline(station)
    arrived_offline = len(uploads.chunks(session.pk))
    assert not AudioRecording.objects.exists()
    assert "等待上传" in page.text_content("#queue")

    # The tab is closed while offline; the network comes back; the station is opened again.
    page.close()
    context.set_offline(False)
    again = context.new_page()
    again.goto(f"{url}?narrator={elder.pk}")
    recording = wait_until(lambda: AudioRecording.objects.first())
    again.wait_for_function("document.getElementById('recorder').dataset.sha256")
    # The station has its answer for every upload before the test reads what the server wrote.
    again.wait_for_function("document.getElementById('recorder').dataset.pending === '0'")
    recording.refresh_from_db()
    client_sha = again.get_attribute("#recorder", "data-sha256")
    assert client_sha == recording.sha256 == stored_sha256(recording, settings)
    session.refresh_from_db()
    assert session.state == "done" and session.recording == recording
    assert recording.duration > 4.0
    assert arrived_offline < recording.duration - 1, "the cut came before the last chunks"


def test_the_station_is_light_accessible_and_fits_a_phone(station):
    from axe_playwright_python.sync_playwright import Axe

    _context, page, url, _user = station
    elder = f.narrator("王秀英", scopes=("archive",))
    prompts = [TopicPrompt.objects.create(text=text) for text in ("小时候家里过年吃什么？", "谁教你做菜的？")]
    weights = {}
    for step, address in [
        ("setup", url),
        ("consent", f"{url}?narrator={f.narrator('张德明').pk}"),
        ("record", f"{url}?narrator={elder.pk}&prompt={prompts[0].pk}&prompt={prompts[1].pk}"),
    ]:
        sizes = {}

        def measure(response, sizes=sizes):
            sizes[response.url] = len(response.body())

        page.on("response", measure)
        page.goto(address)
        page.wait_for_load_state("networkidle")
        page.remove_listener("response", measure)
        weights[step] = sum(sizes.values())
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, step
        results = Axe().run(page)
        serious = [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == [], (step, serious)
    print("\nrecording station page weight (bytes):", weights)
    assert max(weights.values()) <= PAGE_BUDGET, weights


def test_a_phone_back_after_the_cleanup_took_its_upload_sends_the_whole_take_again(station, settings):
    context, *_ = station
    page, session, _elder = _kept_offline(station)
    # A week away: the daily cleanup removes the upload and every chunk the server held.
    assert uploads.clean_stale(timedelta(0)) == 1
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    recording = wait_until(lambda: AudioRecording.objects.first(), timeout=60)
    page.wait_for_function("document.getElementById('recorder').dataset.pending === '0'")
    recording.refresh_from_db()
    assert page.get_attribute("#recorder", "data-sha256") == recording.sha256 == stored_sha256(recording, settings)
    assert UploadSession.objects.get(pk=session.pk).recording == recording


def test_a_kept_take_the_server_calls_redone_stays_on_the_phone_with_the_reason(station):
    context, *_ = station
    page, session, _elder = _kept_offline(station)
    uploads.discard(session)  # as a redo from elsewhere would: the phone never redid this take
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("document.getElementById('status').textContent.includes('已经重录')")
    kept = page.evaluate(
        """() => new Promise(done => {
            const open = indexedDB.open("libei-recorder", 1);
            open.onsuccess = () => {
                const db = open.result;
                const tx = db.transaction(["takes", "chunks"]);
                const takes = tx.objectStore("takes").getAll();
                const chunks = tx.objectStore("chunks").getAll();
                tx.oncomplete = () => done({
                    states: takes.result.map(t => t.state),
                    bytes: chunks.result.reduce((n, c) => n + c.blob.size, 0),
                    size: takes.result.map(t => t.size)[0],
                });
            };
        })"""
    )
    assert kept["states"] == ["failed"] and kept["bytes"] == kept["size"] > 0
    assert not AudioRecording.objects.exists()
