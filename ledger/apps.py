from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "ledger"
    label = "ledger"
    verbose_name = _("署名与回馈台账")

    def ready(self):
        from . import receivers

        receivers.register()
