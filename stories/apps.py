from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoriesConfig(AppConfig):
    name = "stories"
    label = "stories"
    verbose_name = _("品牌故事共创")

    def ready(self):
        from heritage.media_gate import register_image_uses

        from . import kit_images, signal_handlers

        signal_handlers.register()
        # The image gate asks kits who sees a photo through them (heritage knows no stories).
        register_image_uses(kit_images.image_uses)
