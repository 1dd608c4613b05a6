"""The demo archive: built from real synthesised Mandarin, safe to load twice."""

import pytest
from django.core.management import call_command

from heritage.models import Consent, FamilyMemoryPage, Narrator, OralHistoryPage, RecipePage, Theme
from media.models import AudioRecording, TranscriptSegment

pytestmark = pytest.mark.django_db

VISIBLE_TO_VISITORS = {
    "/archive/wang-xiuying-spicy-chicken/": 200,
    "/archive/zhang-deming-oil-mill/": 404,  # archive-only consent
    "/archive/li-guifen-married-into-libei/": 404,  # withdrew public consent
    "/archive/wang-family-yanglang-spicy-chicken/": 200,
    "/archive/new-year-big-pot-spicy-chicken/": 404,  # community only
    "/archive/pounding-chillies-in-the-twelfth-month/": 200,
    "/archive/autumn-at-the-old-oil-mill/": 404,  # restricted
}


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Narrator,
            Consent,
            Theme,
            AudioRecording,
            TranscriptSegment,
            OralHistoryPage,
            RecipePage,
            FamilyMemoryPage,
        )
    }


def test_loading_the_demo_twice_changes_nothing(capsys):
    call_command("load_demo")
    first = counts()
    first_output = capsys.readouterr().out
    call_command("load_demo")
    assert counts() == first
    assert first["Narrator"] >= 3 and first["OralHistoryPage"] >= 3 and first["RecipePage"] >= 2
    assert first["FamilyMemoryPage"] >= 2 and first["AudioRecording"] == 3 and first["TranscriptSegment"] >= 20
    # The admin login is printed, and stays the same.
    assert "login: admin / " in first_output
    assert first_output.splitlines()[1] == capsys.readouterr().out.splitlines()[1]


def test_the_demo_shows_each_consent_situation(client):
    call_command("load_demo")
    for url, status in VISIBLE_TO_VISITORS.items():
        assert client.get(url).status_code == status, url
    assert all(page.is_demo for page in OralHistoryPage.objects.all())
    html = client.get("/archive/wang-xiuying-spicy-chicken/").content.decode()
    assert "演示内容" in html and "糍粑辣椒" in html


def test_demo_recordings_are_real_mandarin_speech_of_plausible_length():
    call_command("load_demo")
    for recording in AudioRecording.objects.all():
        segments = list(recording.transcript.segments.all())
        assert recording.codec == "opus" and recording.sample_rate == 48_000
        assert segments[-1].end <= recording.duration + 0.05
        # Synthesised Mandarin runs at roughly 3 to 6 characters a second.
        for segment in segments:
            rate = len(segment.text) / (segment.end - segment.start)
            assert 2 < rate < 8, segment.text
