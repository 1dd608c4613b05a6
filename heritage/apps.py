from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HeritageConfig(AppConfig):
    name = "heritage"
    label = "heritage"
    verbose_name = _("味道记忆档案")

    def ready(self):
        from . import signal_handlers

        signal_handlers.register()
