from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoriesConfig(AppConfig):
    name = "stories"
    label = "stories"
    verbose_name = _("品牌故事共创")

    def ready(self):
        from heritage.media_gate import register_image_uses
        from heritage.page_fingerprint import watch

        from . import kit_images, signal_handlers
        from .consent import check_kit_consent
        from .models import BrandKit, StorySnippet

        signal_handlers.register()
        # No path publishes a kit lacking consent (BrandKit.publish asks every check here).
        if check_kit_consent not in BrandKit.publish_checks:
            BrandKit.publish_checks.append(check_kit_consent)
        # The image gate asks kits who sees a photo through them (heritage knows no stories).
        register_image_uses(kit_images.image_uses)
        # A kit's story page is cached for visitors: whether it is live, and whose words it
        # quotes, are part of the page cache's key (heritage/page_fingerprint.py).
        watch(BrandKit)
        watch(StorySnippet.narrators.through)
