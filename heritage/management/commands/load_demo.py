from django.core.management.base import BaseCommand

from heritage.demo.loader import load_demo


class Command(BaseCommand):
    help = "建立演示档案（可重复运行）/ Build the demo archive (safe to run again)."

    def handle(self, *args, **options):
        logins = load_demo()
        self.stdout.write(self.style.SUCCESS("演示档案已就绪 / demo archive ready"))
        for username, password in logins.items():
            self.stdout.write(f"  login: {username} / {password}")
