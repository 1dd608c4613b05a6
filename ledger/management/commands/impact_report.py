from datetime import date, timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ledger.metrics import build_report
from ledger.queries import report_facts
from ledger.report.files import write_report


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"日期要写成 YYYY-MM-DD：{text} / dates are YYYY-MM-DD") from error


class Command(BaseCommand):
    help = "写出成效报告 report.pdf 和 report.csv / write the impact report for a period (default: the last 365 days)."

    def add_arguments(self, parser):
        parser.add_argument("--since", type=_day, help="起始日期 YYYY-MM-DD（含）")
        parser.add_argument("--until", type=_day, help="截止日期 YYYY-MM-DD（含），默认今天")
        parser.add_argument("--out", required=True, type=Path, help="输出文件夹")

    def handle(self, *args, since, until, out, **options):
        until = until or timezone.localdate()
        since = since or until - timedelta(days=365)
        if since > until:
            raise CommandError("起始日期晚于截止日期 / --since is after --until")
        pdf, csv = write_report(build_report(report_facts(since, until)), out)
        self.stdout.write(f"{pdf}\n{csv}")
