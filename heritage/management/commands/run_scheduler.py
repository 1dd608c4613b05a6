from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from heritage.scheduler import Scheduler, SchedulerBusy, configured_jobs, hold_lock


class Command(BaseCommand):
    help = "定时任务：按 SCHEDULED_COMMANDS 运行各命令 / Run the periodic commands named in SCHEDULED_COMMANDS."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run what is due now, then stop")

    def handle(self, *args, once=False, **options):
        try:
            lock = hold_lock(settings.DATA_DIR / "scheduler.lock")
        except SchedulerBusy as busy:
            raise CommandError(str(busy)) from busy
        with lock:
            scheduler = Scheduler(configured_jobs(), settings.DATA_DIR / "scheduler-state.json")
            for job in scheduler.jobs:
                self.stdout.write(f"  {job.line}: every {job.every:g} s")
            if once:
                for line, outcome in scheduler.tick().items():
                    self.stdout.write(f"{line}: {outcome}")
            else:
                scheduler.run_forever(settings.SCHEDULER_POLL_SECONDS)
