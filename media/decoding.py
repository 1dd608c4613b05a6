"""Decode an uploaded recording once: probe it, write the 16 kHz mono derivative, measure peaks.

PyAV (FFmpeg) reads every format browsers and phones produce; one pass over the
audio gives the facts, the derivative and the waveform, so a 4-hour recording is
decoded only once.
"""

from dataclasses import dataclass, field
from pathlib import Path

import av
import numpy as np

from .exceptions import CorruptAudio, EmptyAudio, NotAudio, SilentAudio, TooLong

DERIVATIVE_RATE = 16_000
# One peak per 100 ms while decoding; reduced to WAVEFORM_BARS for the player.
PEAK_WINDOW = DERIVATIVE_RATE // 10
WAVEFORM_BARS = 800

# Leading bytes of the containers we accept: a file that starts like audio but fails
# to decode is "damaged", anything else is "not audio".
AUDIO_SIGNATURES = (
    (0, b"RIFF"),
    (0, b"fLaC"),
    (0, b"OggS"),
    (0, b"ID3"),
    (0, b"\xff\xfb"),
    (0, b"\xff\xf3"),
    (0, b"\xff\xf2"),
    (0, b"\xff\xf1"),
    (0, b"\xff\xf9"),
    (4, b"ftyp"),
    (0, b"\x1a\x45\xdf\xa3"),
)


@dataclass
class AudioFacts:
    container: str
    codec: str
    channels: int
    sample_rate: int
    duration: float
    peak_dbfs: float
    waveform: list[float] = field(default_factory=list)


def looks_like_audio(path: Path) -> bool:
    head = path.open("rb").read(16)
    return any(head[offset : offset + len(sig)] == sig for offset, sig in AUDIO_SIGNATURES)


def _reject_unreadable(path: Path, error: Exception):
    if looks_like_audio(path):
        return CorruptAudio(
            "录音文件已损坏，无法读取，请重新导出或重新录制",
            f"the audio file is damaged and cannot be read ({error})",
        )
    return NotAudio(
        "这不是音频文件，请上传 wav、flac、mp3、m4a、ogg 或 webm 录音",
        "this is not an audio file; upload wav, flac, mp3, m4a, ogg or webm",
    )


def _open(path: Path):
    try:
        container = av.open(str(path))
    except av.error.EOFError as error:
        # The container ends before any content: a recorder stopped at once.
        raise _empty() from error
    except (av.FFmpegError, UnicodeDecodeError, ValueError, IndexError) as error:
        raise _reject_unreadable(path, error) from error
    if not container.streams.audio:
        container.close()
        raise NotAudio(
            "文件里没有声音轨道，请上传录音文件",
            "the file has no audio track; upload a sound recording",
        )
    return container


def _empty() -> EmptyAudio:
    return EmptyAudio("录音是空的，没有任何声音数据", "the recording is empty: it holds no sound")


def _too_long(seconds: float, limit: float) -> TooLong:
    return TooLong(
        f"录音太长（{seconds / 3600:.1f} 小时），上限是 {limit / 3600:g} 小时，请分段上传",
        f"the recording is too long ({seconds / 3600:.1f} h; the limit is {limit / 3600:g} h); upload it in parts",
    )


def analyse(path: Path, derivative_path: Path, max_seconds: float, silence_dbfs: float) -> AudioFacts:
    """Probe ``path``, write its 16 kHz mono FLAC to ``derivative_path`` and return the facts.

    Raises a :class:`~media.exceptions.RecordingRejected` subclass for input that
    must not enter the archive; ``derivative_path`` may then hold a partial file
    that the caller discards.
    """
    container = _open(path)
    with container:
        stream = container.streams.audio[0]
        declared = container.duration / av.time_base if container.duration else 0.0
        if declared > max_seconds:
            raise _too_long(declared, max_seconds)
        codec = stream.codec_context.name
        channels = stream.codec_context.channels
        sample_rate = stream.codec_context.sample_rate or stream.sample_rate or 0

        resampler = av.AudioResampler(format="s16", layout="mono", rate=DERIVATIVE_RATE)
        peaks: list[int] = []
        pending = np.zeros(0, dtype=np.int16)
        samples = 0
        max_samples = max_seconds * DERIVATIVE_RATE

        with av.open(str(derivative_path), "w", format="flac") as out:
            out_stream = out.add_stream("flac", rate=DERIVATIVE_RATE, layout="mono")

            def write(frames):
                nonlocal pending, samples
                for frame in frames:
                    data = frame.to_ndarray().reshape(-1)
                    samples += data.size
                    pending = np.concatenate([pending, data])
                    whole = pending.size - pending.size % PEAK_WINDOW
                    if whole:
                        blocks = np.abs(pending[:whole].astype(np.int32)).reshape(-1, PEAK_WINDOW)
                        peaks.extend(blocks.max(axis=1).tolist())
                        pending = pending[whole:]
                    frame.pts = None
                    for packet in out_stream.encode(frame):
                        out.mux(packet)

            try:
                for frame in container.decode(stream):
                    write(resampler.resample(frame))
                    if samples > max_samples:
                        raise _too_long(samples / DERIVATIVE_RATE, max_seconds)
                write(resampler.resample(None))
            except av.FFmpegError as error:
                raise _reject_unreadable(path, error) from error
            if pending.size:
                peaks.append(int(np.abs(pending.astype(np.int32)).max()))
            if samples:
                for packet in out_stream.encode(None):
                    out.mux(packet)

    if samples == 0:
        raise _empty()
    loudest = max(peaks) if peaks else 0
    peak_dbfs = 20 * np.log10(loudest / 32768) if loudest else -120.0
    if peak_dbfs < silence_dbfs:
        raise SilentAudio(
            "录音里听不到声音（全是静音），请检查话筒后重新录制",
            "the recording is silent; check the microphone and record again",
        )
    return AudioFacts(
        container=container.format.name,
        codec=codec,
        channels=channels,
        sample_rate=sample_rate,
        duration=samples / DERIVATIVE_RATE,
        peak_dbfs=round(float(peak_dbfs), 1),
        waveform=reduce_peaks(peaks, loudest),
    )


def reduce_peaks(peaks: list[int], loudest: int, bars: int = WAVEFORM_BARS) -> list[float]:
    """Fold 100 ms peaks into at most ``bars`` values between 0 and 1."""
    if not peaks or not loudest:
        return []
    values = np.asarray(peaks, dtype=np.float64) / loudest
    if values.size > bars:
        edges = np.linspace(0, values.size, bars + 1).astype(int)
        values = np.maximum.reduceat(values, edges[:-1])
    return [round(float(v), 3) for v in values]


def load_pcm(path: Path) -> np.ndarray:
    """The whole recording as 16 kHz mono float32 samples, as Whisper expects."""
    container = _open(path)
    with container:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=DERIVATIVE_RATE)
        chunks = []
        try:
            for frame in container.decode(container.streams.audio[0]):
                chunks.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(frame))
            chunks.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(None))
        except av.FFmpegError as error:
            raise _reject_unreadable(path, error) from error
    if not chunks:
        raise _empty()
    return np.concatenate(chunks).astype(np.float32, copy=False)
