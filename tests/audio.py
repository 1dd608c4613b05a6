"""Make real audio files of every format phones and browsers send, with PyAV."""

from pathlib import Path

import av
import numpy as np

# (container format, codec, extension) as browsers, phones and recorders produce them.
FORMATS = {
    "wav": ("wav", "pcm_s16le", ".wav"),
    "flac": ("flac", "flac", ".flac"),
    "mp3": ("mp3", "libmp3lame", ".mp3"),
    "m4a": ("ipod", "aac", ".m4a"),
    "ogg": ("ogg", "libopus", ".ogg"),
    "webm": ("webm", "libopus", ".webm"),
}


def write_audio(
    path: Path,
    kind: str = "wav",
    seconds: float = 1.0,
    amplitude: float = 0.3,
    rate: int = 48_000,
    channels: int = 1,
) -> Path:
    """A tone of ``seconds`` at ``amplitude`` (0 gives silence) in the format ``kind``."""
    container_format, codec, _ = FORMATS[kind]
    layout = "mono" if channels == 1 else "stereo"
    t = np.arange(int(seconds * rate)) / rate
    tone = (amplitude * np.sin(2 * np.pi * 330 * t) * 32767).astype(np.int16)
    samples = np.repeat(tone[None, :], channels, axis=0)
    with av.open(str(path), "w", format=container_format) as out:
        stream = out.add_stream(codec, rate=rate, layout=layout)
        frame_size = stream.codec_context.frame_size or 1024
        for start in range(0, samples.shape[1], frame_size):
            chunk = np.ascontiguousarray(samples[:, start : start + frame_size])
            # Packed s16 is one row of interleaved samples.
            frame = av.AudioFrame.from_ndarray(chunk.T.reshape(1, -1), format="s16", layout=layout)
            frame.sample_rate = rate
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def pcm_wav_from(source: Path, target: Path, start: float = 0.0, seconds: float = 4.0, rate: int = 48_000) -> Path:
    """A 16-bit PCM mono WAV cut from ``source``: what Chromium's fake microphone can play
    (``--use-file-for-fake-audio-capture``; a 24-bit or float WAV records silence)."""
    resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
    pieces = []
    with av.open(str(source)) as container:
        for frame in container.decode(audio=0):
            pieces.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(frame))
    samples = np.concatenate(pieces)[int(start * rate) : int((start + seconds) * rate)]
    return _write_s16_wav(target, samples, rate)


def float_wav(path: Path, samples: np.ndarray, rate: int = 16_000) -> Path:
    """A 16-bit PCM mono WAV of float ``samples`` in [-1, 1] (clipped)."""
    return _write_s16_wav(path, (np.clip(samples, -1, 1) * 32767).astype(np.int16), rate)


def _write_s16_wav(path: Path, samples: np.ndarray, rate: int) -> Path:
    with av.open(str(path), "w", format="wav") as out:
        stream = out.add_stream("pcm_s16le", rate=rate, layout="mono")
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path
