from django.core.management.base import BaseCommand

from ledger.demo import load_demo_ledger


class Command(BaseCommand):
    help = (
        "演示数据：第二个工作坊、两位卖家、一季的下载和扫码（生成的，标记为演示）/ "
        "demo ledger after load_demo and load_demo_kit; safe to run again."
    )

    def handle(self, *args, **options):
        added = load_demo_ledger()
        self.stdout.write(f"演示台账 / demo ledger: {added['downloads']} downloads, {added['scans']} scans added")
