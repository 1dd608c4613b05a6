from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ledger.exceptions import UnknownNarrator
from ledger.statements import statement_for, write_statement_pdf


class Command(BaseCommand):
    help = "写出一位讲述人的使用情况说明（PDF，大字，可在村民大会上念）/ write one narrator's statement."

    def add_arguments(self, parser):
        parser.add_argument("name", help="讲述人的姓名或署名")
        parser.add_argument("--out", required=True, type=Path, help="输出文件夹")

    def handle(self, *args, name, out, **options):
        try:
            path = write_statement_pdf(statement_for(name), out)
        except UnknownNarrator as error:
            raise CommandError(error.message) from error
        self.stdout.write(str(path))
