from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from heritage.consent import Audience
from heritage.preservation.ohms import index_xml
from heritage.preserving import ORGANISATION, ExportRefused, oral_history


class Command(BaseCommand):
    help = (
        "导出一篇口述历史的 OHMS 索引 XML（讲述人未同意的不导出）/ "
        "Export one oral history's OHMS index XML (refused without the narrators' consent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("page_id", type=int)
        parser.add_argument("--out", type=Path, help="写入的文件（默认打印）/ file to write (default: stdout)")
        parser.add_argument(
            "--audience",
            choices=[a.value for a in Audience],
            default=Audience.PUBLIC.value,
            help="谁会看到这份索引（默认 public：交给其他工具的索引按公开处理）",
        )

    def handle(self, *args, page_id: int, out: Path | None = None, audience: str = "public", **options):
        try:
            item, vocabulary = oral_history(page_id, Audience(audience))
        except ExportRefused as error:
            raise CommandError(str(error)) from error
        media = next((f.name for f in item.files if f.name.startswith("original")), "")
        xml = index_xml(item, ORGANISATION, vocabulary, media)
        if out is None:
            self.stdout.write(xml.decode("utf-8"), ending="")
            return
        temporary = out.with_name(f".{out.name}.partial")
        temporary.write_bytes(xml)
        temporary.replace(out)
        self.stdout.write(self.style.SUCCESS(f"OHMS 索引已写入 {out}（{xml.count(b'<point>')} 个索引点）"))
