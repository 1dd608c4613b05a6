from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HeritageConfig(AppConfig):
    name = "heritage"
    label = "heritage"
    verbose_name = _("味道记忆档案")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import page_cache, roles, signal_handlers

        signal_handlers.register()
        page_cache.register()
        # Runs after every app's migrations, so each app's permissions exist by the last call.
        post_migrate.connect(roles.ensure_roles, dispatch_uid="heritage_roles")
