from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HeritageConfig(AppConfig):
    name = "heritage"
    label = "heritage"
    verbose_name = _("味道记忆档案")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import page_cache, page_fingerprint, roles, signal_handlers

        signal_handlers.register()
        page_cache.register()
        watch_visibility(page_fingerprint.watch)
        # Runs after every app's migrations, so each app's permissions exist by the last call.
        post_migrate.connect(roles.ensure_roles, dispatch_uid="heritage_roles")
        # Sent after every app's migrations have run: each watched table exists by then. Once
        # per migrate (heritage's signal), not once per app.
        post_migrate.connect(
            page_fingerprint.install_triggers, sender=self, dispatch_uid="heritage_page_cache_triggers"
        )


def watch_visibility(watch) -> None:
    """The tables that decide who sees an archive item and what it shows (heritage/consent.py),
    and the dates at which a consent takes or loses effect."""
    from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction

    from media.models import AudioRecording, Transcript, TranscriptSegment

    from .models import Consent, FamilyMemoryPage, HeritageImage, Narrator, OralHistoryPage, RecipePage

    watch(Consent, "given_at", "withdrawn_at")
    watch(Narrator)  # a pseudonym, a portrait
    watch(Page)
    watch(PageViewRestriction)
    watch(CollectionViewRestriction)
    watch(HeritageImage)
    for page_model in (OralHistoryPage, RecipePage, FamilyMemoryPage):
        watch(page_model)
        watch(page_model.narrator_links.rel.related_model)
    # What an oral history's page plays and says (a sentence taken out is gone on the next request).
    watch(AudioRecording)
    watch(Transcript)
    watch(TranscriptSegment)
