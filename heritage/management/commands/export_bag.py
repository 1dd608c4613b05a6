from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from heritage.preservation.bag import BagRefused, write_bag
from heritage.preserving import ExportRefused, archive_export


class Command(BaseCommand):
    help = (
        "导出 BagIt 存档包：原始录音、转写稿（WebVTT、JSON）、同意记录、都柏林核心元数据和 OHMS 索引；"
        "讲述人撤回存档同意的条目不导出，列在 withheld.txt / Export a validated BagIt package of the archive."
    )

    def add_arguments(self, parser):
        parser.add_argument("--narrator", type=int, help="只导出这位讲述人（编号）的条目 / one narrator's items")
        parser.add_argument("--out", type=Path, help="存放存档包的目录（默认 DATA_DIR/bags）/ folder for the bag")

    def handle(self, *args, narrator=None, out=None, **options):
        try:
            export = archive_export(narrator)
        except ExportRefused as error:
            raise CommandError(str(error)) from error
        out = out or Path(settings.DATA_DIR) / "bags"
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        name = f"libei-bag-{stamp}" + (f"-narrator-{narrator}" if narrator is not None else "")
        try:
            bag = write_bag(export, out / name)
        except BagRefused as error:
            raise CommandError(str(error)) from error
        for withheld in export.withheld:
            self.stdout.write(f"未导出：#{withheld.id}《{withheld.title}》— {'；'.join(withheld.reasons)}")
        self.stdout.write(
            self.style.SUCCESS(
                f"存档包已写入并校验：{bag.path}（{len(export.items)} 个条目，{len(export.narrators)} 位讲述人，"
                f"{len(export.withheld)} 个未导出，Payload-Oxum {bag.info.get('Payload-Oxum')}）"
            )
        )
