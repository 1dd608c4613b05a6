import sys
import time

from django.core.management.base import BaseCommand, CommandError

from search import service
from search.exceptions import SearchUnavailable


class Command(BaseCommand):
    help = (
        "管理检索索引：rebuild 重建（重建期间检索照常可用）、update 补齐、status 查看。"
        " / Manage the search index: rebuild (search stays up meanwhile), update, status."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "update", "status"])

    def handle(self, *args, **options):
        try:
            backend = service.get_backend()
        except SearchUnavailable as error:
            raise CommandError(str(error)) from error
        if options["action"] == "status":
            self.stdout.write(f"backend: {backend.name}\ndocuments: {backend.count()}")
            return
        started = time.perf_counter()

        def progress(done: int) -> None:
            sys.stderr.write(f"\r索引 indexing: {done} documents")
            sys.stderr.flush()

        if options["action"] == "rebuild":
            written = backend.rebuild(service.documents(), progress)
        else:
            written = backend.upsert(service.documents())
        sys.stderr.write("\n")
        self.stdout.write(f"{written} documents in {time.perf_counter() - started:.1f} s ({backend.name})")
