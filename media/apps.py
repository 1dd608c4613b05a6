from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    name = "media"
    label = "media"
    verbose_name = _("录音与转写")

    def ready(self):
        from django.db.models.signals import pre_save

        from . import fixity
        from .models import AudioRecording

        pre_save.connect(fixity.record_derivative_checksum, sender=AudioRecording, dispatch_uid="media_derivative")
