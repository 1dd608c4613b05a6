"""The periodic consent sweep: a withdrawal dated ahead takes effect when its time comes.

A withdrawal recorded for now acts at once (stories/signal_handlers.py). One dated ahead
changes nothing when it is saved — the narrator still consents — so at its time nothing
fires: pages and search ask consent at each request and follow by themselves, but a live
kit stays on the shelf and nobody is told (issue 10, finding 3). The scheduler runs
``manage.py consent_sweep`` every few minutes; each run re-checks every live kit against
consent *now* and withdraws it exactly as an immediate withdrawal does (unpublished, zips
deleted, reason logged, facilitators mailed), and re-indexes the items of the narrators
whose withdrawal started since the last run. Running it twice changes nothing more.
"""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from heritage.models import Consent, ConsentSweep
from heritage.signal_handlers import pages_of_narrator
from heritage.signal_handlers import queue_sync as queue_page_sync

from .models import BrandKit, StorySnippet
from .search_documents import snippet_key
from .signal_handlers import queue_sync as queue_story_sync
from .withdrawal import withdraw_lacking

logger = logging.getLogger(__name__)


def lapsed_narrators(since: datetime | None, now: datetime) -> list[int]:
    """Narrators with a withdrawal that started after ``since`` (ever, when None) and by ``now``."""
    lapsed = Consent.objects.filter(withdrawn_at__lte=now)
    if since is not None:
        lapsed = lapsed.filter(withdrawn_at__gt=since)
    return sorted(set(lapsed.values_list("narrator_id", flat=True)))


def last_run() -> ConsentSweep | None:
    return ConsentSweep.objects.order_by("-ran_at").first()


def sweep(now: datetime | None = None) -> ConsentSweep:
    """One run; returns its record (when, how many withdrawals started, kits withdrawn)."""
    now = now or timezone.now()
    previous = last_run()
    narrators = lapsed_narrators(previous.ran_at if previous else None, now)
    # Every live kit, not only those of the lapsed narrators: cheap (a few per village),
    # and a run missed or crashed earlier is made good by the next.
    withdrawn = withdraw_lacking(BrandKit.objects.filter(live=True))
    with transaction.atomic():
        for narrator_id in narrators:
            queue_page_sync(pages_of_narrator(narrator_id))
            snippets = StorySnippet.objects.filter(narrators=narrator_id).values_list("pk", flat=True)
            keys = [snippet_key(pk) for pk in snippets]
            if keys:
                queue_story_sync(keys)
        record = ConsentSweep.objects.create(ran_at=now, lapsed=len(narrators), kits_withdrawn=len(withdrawn))
    if withdrawn:
        logger.info("consent sweep withdrew kits %s", [kit.pk for kit in withdrawn])
    return record
