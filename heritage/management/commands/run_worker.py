from django.core.management import call_command
from django.core.management.base import BaseCommand

from heritage.task_recovery import requeue_orphans, worker_id


class Command(BaseCommand):
    help = (
        "任务工作进程：先把已停止的工作进程留下的任务重新排队，再运行 db_worker / "
        "Requeue the jobs a dead worker left running, then run django-tasks-db's db_worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="stop when the queue is empty")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between looks at the queue")

    def handle(self, *args, batch=False, interval=1.0, **options):
        for pk in requeue_orphans():
            self.stdout.write(f"重新排队 / requeued {pk}")
        # Named after this process, so that the next worker (or the scheduler) can tell it is gone.
        # Never the autoreloader (db_worker's default under DEBUG): its child would outlive a
        # killed parent and go on running the job under a name that is not its own.
        arguments = ["--worker-id", worker_id(), "--interval", str(interval), "--no-startup-delay", "--no-reload"]
        call_command("db_worker", *arguments, *(["--batch"] if batch else []))
