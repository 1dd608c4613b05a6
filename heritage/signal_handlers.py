"""Keep the search index in step: publish, unpublish, delete, consent change, transcript save."""

import logging

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished

from media.models import TranscriptRevision
from search import sync

from .items import item_models
from .models import Consent, Narrator
from .models.pages import OralHistoryPage
from .search_documents import page_key_of

logger = logging.getLogger(__name__)


def queue_sync(page_ids) -> None:
    """Re-index these pages through the one search sync (search/sync.py)."""
    sync.queue_sync(page_key_of(pk) for pk in page_ids)


def pages_of_narrator(narrator_id: int) -> list[int]:
    return [
        pk
        for model in item_models()
        for pk in model.objects.filter(narrator_links__narrator_id=narrator_id).values_list("pk", flat=True)
    ]


def on_page_change(sender, instance, **kwargs):
    if isinstance(instance.specific, item_models()):
        queue_sync([instance.pk])


def on_page_delete(sender, instance, **kwargs):
    queue_sync([instance.pk])


def on_narrator_change(sender, instance, raw=False, **kwargs):
    if not raw:
        queue_sync(pages_of_narrator(instance.narrator_id if isinstance(instance, Consent) else instance.pk))


def on_transcript_revision(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        recording_id = instance.transcript.recording_id
        queue_sync(OralHistoryPage.objects.filter(recording_id=recording_id).values_list("pk", flat=True))


def register() -> None:
    page_published.connect(on_page_change, dispatch_uid="heritage_search_published")
    page_unpublished.connect(on_page_change, dispatch_uid="heritage_search_unpublished")
    for model in item_models():
        post_delete.connect(on_page_delete, sender=model, dispatch_uid=f"heritage_search_delete_{model.__name__}")
    post_save.connect(on_narrator_change, sender=Narrator, dispatch_uid="heritage_search_narrator")
    post_save.connect(on_narrator_change, sender=Consent, dispatch_uid="heritage_search_consent")
    post_delete.connect(on_narrator_change, sender=Consent, dispatch_uid="heritage_search_consent_delete")
    post_save.connect(on_transcript_revision, sender=TranscriptRevision, dispatch_uid="heritage_search_transcript")
