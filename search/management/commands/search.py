import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from search import service


class Command(BaseCommand):
    help = "检索档案，结果与检索页面上该用户看到的一致。/ Search the archive as the search page shows it to a user."

    def add_arguments(self, parser):
        parser.add_argument("query")
        parser.add_argument("--user", help="username (default: an anonymous visitor)")
        parser.add_argument("--kind", help="oral_history, segment, recipe or memory")
        parser.add_argument("--limit", type=int, default=20)
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options):
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"没有这个用户 / no such user: {options['user']}")
        results = service.search(options["query"], user, {"kind": options["kind"] or ""}, limit=options["limit"])
        if options["json"]:
            self.stdout.write(json.dumps(results.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(f"{results.total} results")
        for hit in results.hits:
            at = f" @{hit.start:.0f}s" if hit.start is not None else ""
            self.stdout.write(f"[{hit.kind}] {hit.title}{at}  {hit.url}\n    {hit.excerpt}")
