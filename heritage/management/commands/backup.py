from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from heritage.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "备份数据库（pg_dump 或 SQLite 在线备份）和上传的文件，附 SHA-256 清单 / "
        "Back up the database and the uploaded files, with a sha256 manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="新的（或空的）备份目录 / a new or empty folder")

    def handle(self, *args, folder: Path, **options):
        try:
            summary = backup(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"备份完成：{summary.folder}（{summary.engine} 数据库，{summary.files} 个文件，"
                f"{summary.bytes / 1024**2:.1f} MB）"
            )
        )
