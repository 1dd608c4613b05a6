"""The one way an app's change reaches the index: document keys, synced by one task.

An app hands over the keys of what changed ("page:12/", "kit:3/"); the task asks every
source named in settings.SEARCH_DOCUMENT_SYNC which of those keys are its own, clears
their documents and writes what should exist now. Keys are built and parsed only in each
app's ``search_documents.py``: search/ stores them and never reads them.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string
from django_tasks import task

from .service import get_backend

logger = logging.getLogger(__name__)


def sync_documents(keys: list[str]) -> int:
    """Bring the index in line with these keys: each source clears its prefixes and writes
    the documents that should exist now (none for what was deleted or unpublished)."""
    backend = get_backend()
    written = 0
    for path in settings.SEARCH_DOCUMENT_SYNC:
        prefixes, documents = import_string(path)(list(keys))
        for prefix in prefixes:
            backend.delete_prefix(prefix)
        if documents:
            written += backend.upsert(documents)
    return written


@task()
def sync_search_documents(keys: list[str]) -> int:
    """The background task: :func:`sync_documents` on the worker."""
    return sync_documents(keys)


def queue_sync(keys: Iterable[str]) -> None:
    """Sync ``keys`` in the background once the current transaction commits."""
    keys = sorted(set(keys))
    if not keys:
        return

    def enqueue():
        try:
            sync_search_documents.enqueue(keys)
        except Exception:
            # A search outage must not undo an editor's save; `search_index rebuild` mends it.
            logger.exception("search sync for %s failed", keys)

    transaction.on_commit(enqueue)
