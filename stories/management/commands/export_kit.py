from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from media.exceptions import BilingualError
from stories.exporting import export_kit
from stories.models import BrandKit
from stories.shelf import kits_on_shelf


class Command(BaseCommand):
    help = (
        "Build the zip of a brand kit's approved revision (label PDF, listing copy, images, story, "
        "credits, manifest). `export_kit --list` prints the slugs of the kits that may be exported."
    )

    def add_arguments(self, parser):
        parser.add_argument("kit", nargs="?", help="the kit's slug (see --list)")
        parser.add_argument("--out", type=Path, help="folder for the zip (default: DATA_DIR/exports)")
        parser.add_argument(
            "--list", action="store_true", dest="list_kits", help="print one exportable kit slug per line"
        )
        parser.add_argument("--rebuild", action="store_true", help="build again even if the zip exists")

    def handle(self, *args, kit=None, out=None, list_kits=False, rebuild=False, **options):
        if list_kits:
            for shelf_kit in kits_on_shelf():
                self.stdout.write(shelf_kit.slug)
            return
        if not kit:
            raise CommandError("请给出品牌包的网址名（用 --list 查看）/ name a kit slug (see --list)")
        found = BrandKit.objects.filter(slug=kit).first()
        if found is None:
            raise CommandError(f"没有网址名为 {kit} 的品牌包 / no kit with slug {kit!r} (see --list)")
        if out is not None and out.exists() and not out.is_dir():
            raise CommandError(f"{out} 不是文件夹 / {out} is not a folder")
        try:
            path = export_kit(found, out, rebuild=rebuild)
        except BilingualError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(path))
