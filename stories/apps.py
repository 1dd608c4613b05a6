from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoriesConfig(AppConfig):
    name = "stories"
    label = "stories"
    verbose_name = _("品牌故事共创")

    def ready(self):
        from . import signal_handlers

        signal_handlers.register()
