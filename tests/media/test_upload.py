"""Taking recordings in: every format phones send, and every way an upload can be refused."""

import hashlib
import io
from pathlib import Path

import av
import pytest

from media import ingest
from media.exceptions import (
    CorruptAudio,
    DuplicateRecording,
    EmptyAudio,
    NotAudio,
    SilentAudio,
    TooLarge,
    TooLong,
)
from media.models import AudioRecording

from ..audio import FORMATS

pytestmark = pytest.mark.django_db


def upload(path: Path, title="录音"):
    with path.open("rb") as stream:
        return ingest.ingest(stream, path.name, title)


def leftovers(settings) -> list[Path]:
    """Files anywhere under the upload folder: a refused upload must leave none."""
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.mark.parametrize("kind", sorted(FORMATS))
@pytest.mark.parametrize("channels", [1, 2])
def test_every_common_format_is_accepted_and_kept_byte_for_byte(kind, channels, make_audio, settings):
    path = make_audio(kind, seconds=2.0, channels=channels)
    recording = upload(path)

    stored = Path(settings.MEDIA_ROOT) / recording.original.name
    assert stored.read_bytes() == path.read_bytes()
    assert recording.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert recording.size_bytes == path.stat().st_size
    assert recording.original_filename == path.name
    assert recording.channels == channels
    assert recording.sample_rate == 48_000
    assert recording.duration == pytest.approx(2.0, abs=0.08)
    assert recording.codec
    assert 0 < len(recording.waveform) <= 800 and max(recording.waveform) == 1.0

    with av.open(str(Path(settings.MEDIA_ROOT) / recording.derivative.name)) as derivative:
        stream = derivative.streams.audio[0]
        assert (derivative.format.name, stream.sample_rate, stream.codec_context.channels) == ("flac", 16_000, 1)
        samples = sum(frame.samples for frame in derivative.decode(stream))
    assert samples / 16_000 == pytest.approx(recording.duration, abs=0.01)


def test_a_long_recording_folds_its_waveform_to_a_fixed_size(make_audio):
    recording = upload(make_audio("ogg", seconds=95.0))
    assert len(recording.waveform) == 800
    assert recording.duration == pytest.approx(95.0, abs=0.1)


REFUSALS = [
    ("text", lambda make, tmp: _write(tmp / "notes.wav", "外婆的辣子鸡做法：先泡辣椒。".encode() * 50), NotAudio),
    ("image", lambda make, tmp: _png(tmp / "photo.mp3"), NotAudio),
    ("zero bytes", lambda make, tmp: _write(tmp / "empty.m4a", b""), EmptyAudio),
    ("no samples", lambda make, tmp: _no_frames(tmp / "stopped.wav", "wav"), EmptyAudio),
    ("stopped at once", lambda make, tmp: _no_frames(tmp / "stopped.webm", "webm"), EmptyAudio),
    ("truncated flac", lambda make, tmp: _truncate(make("flac", seconds=1.0), 30), CorruptAudio),
    ("damaged m4a", lambda make, tmp: _scramble(make("m4a", seconds=2.0)), CorruptAudio),
    ("silence", lambda make, tmp: make("wav", seconds=3.0, amplitude=0.0), SilentAudio),
    ("near silence", lambda make, tmp: make("ogg", seconds=3.0, amplitude=0.0005), SilentAudio),
]


def _write(path, data):
    path.write_bytes(data)
    return path


def _no_frames(path, kind):
    container_format, codec, _ = FORMATS[kind]
    out = av.open(str(path), "w", format=container_format)
    stream = out.add_stream(codec, rate=48_000, layout="mono")
    out.start_encoding()
    for packet in stream.encode(None):
        out.mux(packet)
    out.close()
    return path


def _png(path):
    from PIL import Image

    Image.new("RGB", (32, 32), "red").save(path, format="PNG")
    return path


def _truncate(path, size):
    path.write_bytes(path.read_bytes()[:size])
    return path


def _scramble(path):
    data = bytearray(path.read_bytes())
    # Keep the ftyp box, destroy the box index that says where the audio is.
    data[32:] = bytes((b * 7 + 13) % 256 for b in data[32:])
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(("name", "build", "error"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_bad_input_is_refused_with_a_reason_and_leaves_nothing(name, build, error, make_audio, tmp_path, settings):
    path = build(make_audio, tmp_path)
    with pytest.raises(error) as raised:
        upload(path)
    assert raised.value.zh and raised.value.en
    assert AudioRecording.objects.count() == 0
    assert leftovers(settings) == []


def test_over_the_size_limit_is_refused_before_decoding(make_audio, settings):
    settings.RECORDING_MAX_BYTES = 50_000
    path = make_audio("wav", seconds=2.0)
    with pytest.raises(TooLarge) as raised:
        upload(path)
    assert "MB" in raised.value.zh
    assert leftovers(settings) == []


def test_a_stream_without_declared_size_is_cut_off_at_the_limit(make_audio, settings):
    settings.RECORDING_MAX_BYTES = 50_000
    data = make_audio("wav", seconds=2.0).read_bytes()
    with pytest.raises(TooLarge):
        ingest.ingest(io.BytesIO(data), "stream.wav", "录音")
    assert leftovers(settings) == []


@pytest.mark.parametrize("kind", ["wav", "webm"])
def test_over_the_duration_limit_is_refused(kind, make_audio, settings):
    # webm from browsers declares no duration: the limit holds while decoding too.
    settings.RECORDING_MAX_SECONDS = 3.0
    with pytest.raises(TooLong) as raised:
        upload(make_audio(kind, seconds=5.0))
    assert "小时" in raised.value.zh
    assert leftovers(settings) == []


def test_the_same_recording_twice_points_to_the_first(make_audio, settings):
    path = make_audio("mp3", seconds=1.5)
    first = upload(path, title="第一次")
    with pytest.raises(DuplicateRecording) as raised:
        upload(path, title="第二次")
    assert raised.value.existing == first
    # The message names nothing: the uploader may not be allowed to see the first one.
    assert "第一次" not in raised.value.message
    assert AudioRecording.objects.count() == 1
    assert (Path(settings.MEDIA_ROOT) / first.original.name).read_bytes() == path.read_bytes()


def test_a_failed_save_removes_the_files_it_moved(make_audio, settings, monkeypatch):
    prepared = ingest.prepare(make_audio("wav").open("rb"), "clip.wav")

    def broken_save(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(AudioRecording, "save", broken_save)
    with pytest.raises(RuntimeError):
        ingest.commit(prepared, AudioRecording(title="x"))
    assert leftovers(settings) == []
