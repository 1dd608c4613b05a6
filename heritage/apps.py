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


def watch_visibility(watch) -> None:
    """The tables and columns that decide who sees an archive item (heritage/consent.py)."""
    from wagtail.models import Page

    from .models import Consent, FamilyMemoryPage, Narrator, OralHistoryPage, RecipePage

    watch(Consent, "narrator", "scope", "status", "given_at", "withdrawn_at")
    watch(Narrator)
    watch(Page, "live", "last_published_at")
    for page_model in (OralHistoryPage, RecipePage, FamilyMemoryPage):
        watch(page_model, "access_level")
        watch(page_model.narrator_links.rel.related_model, "page", "narrator")
