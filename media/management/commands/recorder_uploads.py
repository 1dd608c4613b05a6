from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand

from media.models import UploadSession, UploadState
from media.uploads import clean_stale


class Command(BaseCommand):
    help = "Unfinished recording-station uploads: list them, or remove those untouched for days (--clean)."

    def add_arguments(self, parser):
        parser.add_argument("--clean", action="store_true", help="remove stale unfinished uploads")
        parser.add_argument("--days", type=int, default=None, help="untouched for this many days (default: setting)")

    def handle(self, *args, clean=False, days=None, **options):
        days = settings.RECORDING_STALE_DAYS if days is None else days
        if clean:
            removed = clean_stale(timedelta(days=days))
            self.stdout.write(f"已清理 {removed} 个未完成的上传（removed {removed} stale upload(s)）")
            return
        for session in UploadSession.objects.exclude(state=UploadState.DONE):
            when = f"{session.updated_at:%Y-%m-%d %H:%M}"
            self.stdout.write(f"{session.pk}  {session.get_state_display()}  {session.owner}  {when}")
