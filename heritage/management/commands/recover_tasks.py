from django.core.management.base import BaseCommand

from heritage.task_recovery import requeue_orphans


class Command(BaseCommand):
    help = "把已停止的工作进程留下的任务重新排队 / Requeue the jobs a dead worker left running."

    def handle(self, *args, **options):
        requeued = requeue_orphans()
        for pk in requeued:
            self.stdout.write(f"重新排队 / requeued {pk}")
        self.stdout.write(f"{len(requeued)} 个任务重新排队 / requeued")
