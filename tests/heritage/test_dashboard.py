"""The facilitator's dashboard says what needs doing, and never names an item whose narrator withdrew."""

import pytest
from django.utils import timezone

from heritage import consent_log
from media.fixity import run_audit
from media.ingest import ingest
from media.models import JobStatus, TranscriptionJob

from .. import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def recordings(make_audio):
    """王秀英 keeps every consent; 李桂兰 withdrew archive consent yesterday."""
    _, index = f.site_tree()
    kept, gone = f.full_consent("王秀英"), f.narrator("李桂兰", withdrawn=("archive",))
    made = {}
    for key, who, title in (("kept", kept, "王秀英讲油辣椒"), ("gone", gone, "李桂兰讲赶场")):
        with make_audio("ogg", seconds=1.0).open("rb") as stream:
            recording = ingest(stream, f"{key}.ogg", title)
        f.item(index, narrators=[who], recording=recording, title=title)
        made[key] = recording
    return made


@pytest.fixture
def facilitator_client(client):
    client.force_login(f.facilitator())
    return client


def test_transcribing_and_review_panels_show_progress_and_hide_withdrawn_titles(recordings, facilitator_client):
    for recording in recordings.values():
        TranscriptionJob.objects.create(recording=recording, status=JobStatus.RUNNING, progress=42, engine="x")
    html = facilitator_client.get("/admin/").content.decode()
    assert "正在转写的录音" in html and "王秀英讲油辣椒" in html and 'value="42"' in html
    assert "李桂兰讲赶场" not in html
    assert "另有 1 段录音的讲述人已撤回存档同意" in html

    TranscriptionJob.objects.update(status=JobStatus.DONE, progress=100)
    for recording in recordings.values():
        f.transcript(recording, ["第一句。", "第二句。"])
    html = facilitator_client.get("/admin/").content.decode()
    assert "等待校对的文字稿" in html and "2 / 2 句未校对" in html and "王秀英讲油辣椒" in html
    assert "李桂兰讲赶场" not in html


def test_a_fixity_failure_of_a_withheld_recording_is_shown_by_number_only(recordings, facilitator_client, settings):
    for recording in recordings.values():
        (settings.MEDIA_ROOT / recording.original.name).unlink()
    run_audit()
    html = facilitator_client.get("/admin/").content.decode()
    assert "文件缺失" in html and "王秀英讲油辣椒" in html
    assert f"录音 #{recordings['gone'].pk}（讲述人已撤回存档同意" in html
    assert "李桂兰讲赶场" not in html and recordings["gone"].original.name not in html


def test_consent_panel_lists_withdrawals_and_pending_regrants(facilitator_client):
    narrator = f.full_consent("张德明")
    consent = narrator.consents.get(scope="public")
    consent_log.withdraw(consent, by=None, source="admin")
    consent_log.grant(narrator, "public", method="spoken", by=None, source="admin", given_at=timezone.now())
    html = facilitator_client.get("/admin/").content.decode()
    assert "张德明" in html and "撤回" in html
    assert "等待核实的重新同意" in html and f"/admin/consents/{narrator.pending_consents().get().pk}/confirm/" in html


def test_wagtail_panels_that_name_pages_without_the_gate_are_gone(recordings, facilitator_client):
    html = facilitator_client.get("/admin/").content.decode()
    assert "recent-edits" not in html.lower() and "Your most recent edits" not in html
