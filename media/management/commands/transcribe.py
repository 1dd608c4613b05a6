import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from media.exceptions import RecordingRejected
from media.models import AudioRecording
from media.transcription.engines import ENGINE_CLASSES
from media.transcription.glossary import prompt_terms
from media.transcription.service import transcribe
from media.transcription.weights import ModelMissing


class Command(BaseCommand):
    help = (
        "转写一个音频文件或一条录音（按编号），使用档案的转写词表。"
        " / Transcribe an audio file or a recording (by id) with the archive's glossary."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="path of an audio file, or the id of a recording")
        parser.add_argument("--engine", choices=sorted(ENGINE_CLASSES), default=None)
        parser.add_argument("--model", default=None, help="base (default), a CTranslate2 folder or a .pt file")
        parser.add_argument("--language", default=None, help="zh (default) or auto")
        parser.add_argument("--no-glossary", action="store_true", help="transcribe without the glossary prompt")
        parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")

    def _source(self, value: str) -> Path:
        if value.isdigit() and not Path(value).exists():
            recording = AudioRecording.objects.filter(pk=int(value)).first()
            if recording is None:
                raise CommandError(f"没有编号为 {value} 的录音 / no recording with id {value}")
            return Path(settings.MEDIA_ROOT) / (recording.derivative.name or recording.original.name)
        path = Path(value)
        if not path.is_file():
            raise CommandError(f"找不到文件 / file not found: {value}")
        return path

    def handle(self, *args, **options):
        source = self._source(options["source"])
        bar = ProgressBar(sys.stderr)
        try:
            result = transcribe(
                source,
                engine=options["engine"],
                model=options["model"],
                language=options["language"] or settings.TRANSCRIPTION_LANGUAGE,
                terms=[] if options["no_glossary"] else prompt_terms(),
                on_progress=bar.update,
            )
        except (ModelMissing, RecordingRejected) as error:
            raise CommandError(error.message) from error
        bar.update(100.0)
        bar.close()
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        for segment in result.segments:
            flag = " ?" if segment.low_confidence else ""
            self.stdout.write(f"[{segment.start:7.2f} → {segment.end:7.2f}] {segment.text}{flag}")
        self.stderr.write(
            f"{result.engine} · {result.model} · {result.language} · audio {result.audio_seconds:.1f}s · "
            f"load {result.load_seconds:.1f}s · transcription {result.elapsed_seconds:.1f}s"
        )


class ProgressBar:
    """A one-line progress bar on stderr; silent when stderr is not a terminal but for the final line."""

    def __init__(self, stream, width: int = 30):
        self.stream, self.width, self.shown = stream, width, -1
        self.interactive = stream.isatty()

    def update(self, percent: float) -> None:
        whole = int(percent)
        if whole == self.shown:
            return
        self.shown = whole
        if self.interactive or whole == 100:
            filled = self.width * whole // 100
            self.stream.write(f"\r转写 transcribing [{'#' * filled}{'.' * (self.width - filled)}] {whole:3d}%")
            self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
