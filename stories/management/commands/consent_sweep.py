"""``manage.py consent_sweep``: run by the scheduler every few minutes (see stories/consent_sweep.py)."""

from django.core.management.base import BaseCommand

from stories.consent_sweep import sweep


class Command(BaseCommand):
    help = "撤回时间已到：下架相关品牌包、通知协作者、更新检索 (dated consent withdrawals take effect)"

    def handle(self, *args, **options):
        record = sweep()
        self.stdout.write(
            f"{record.ran_at:%Y-%m-%d %H:%M:%S} "
            f"开始生效的撤回 {record.lapsed} 人，下架品牌包 {record.kits_withdrawn} 个"
            f" (withdrawals started: {record.lapsed}, kits withdrawn: {record.kits_withdrawn})"
        )
