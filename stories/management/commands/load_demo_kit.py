from django.core.management.base import BaseCommand

from stories.demo import load_demo_kit


class Command(BaseCommand):
    help = "Add the demo workshop and its approved 阳朗辣子鸡 kit (after load_demo; safe to run again)."

    def handle(self, *args, **options):
        kit = load_demo_kit()
        self.stdout.write(f"演示品牌包 / demo kit: {kit.slug}")
