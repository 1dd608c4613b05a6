"""Consent withdrawn → kits off the shelf; kits and snippets → the search index."""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished

from heritage.models import Consent, Narrator
from search.sync import queue_sync

from .search_documents import kit_key, snippet_key

logger = logging.getLogger(__name__)


def on_consent_change(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from .withdrawal import withdraw_kits_of

    narrator_id = instance.pk if isinstance(instance, Narrator) else instance.narrator_id
    transaction.on_commit(lambda: withdraw_kits_of(narrator_id))


def on_source_page_change(sender, instance, **kwargs):
    """A source page unpublished, or republished with another access level or narrators."""
    from .withdrawal import withdraw_kits_of_page

    page_id = instance.pk
    transaction.on_commit(lambda: withdraw_kits_of_page(page_id))


def on_kit_change(sender, instance, raw=False, **kwargs):
    if not raw:
        queue_sync([kit_key(instance.pk)])


def on_snippet_change(sender, instance, raw=False, **kwargs):
    if not raw:
        queue_sync([snippet_key(instance.pk)])


def register() -> None:
    from .models import BrandKit, StorySnippet

    post_save.connect(on_consent_change, sender=Consent, dispatch_uid="stories_consent_saved")
    post_delete.connect(on_consent_change, sender=Consent, dispatch_uid="stories_consent_deleted")
    # A narrator's record (their portrait, a consent added inline) changed.
    post_save.connect(on_consent_change, sender=Narrator, dispatch_uid="stories_narrator_saved")
    for signal in (page_published, page_unpublished):
        signal.connect(on_source_page_change, dispatch_uid=f"stories_source_{signal is page_published}")
    # Saving a revision, publishing and unpublishing all save the kit: post_save covers them.
    post_save.connect(on_kit_change, sender=BrandKit, dispatch_uid="stories_kit_saved")
    post_delete.connect(on_kit_change, sender=BrandKit, dispatch_uid="stories_kit_deleted")
    post_save.connect(on_snippet_change, sender=StorySnippet, dispatch_uid="stories_snippet_saved")
    post_delete.connect(on_snippet_change, sender=StorySnippet, dispatch_uid="stories_snippet_deleted")
