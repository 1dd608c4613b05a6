from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from heritage.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "从备份恢复数据库和文件；先按清单核对每个文件，有任何不符就拒绝、不改动现有数据 / "
        "Restore the database and files from a backup, after checking every file against its manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="manage.py backup 写的目录 / a folder written by backup")

    def handle(self, *args, folder: Path, **options):
        try:
            summary = restore(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"恢复完成：{summary.files} 个文件已核对并恢复（{summary.engine} 数据库）")
        )
        for aside in summary.kept_aside:
            self.stdout.write(f"  恢复前的文件保留在 {aside}，确认无误后可以删除")
        self.stdout.write("  如果备份来自旧版本，请运行 python manage.py migrate")
