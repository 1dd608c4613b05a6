"""The sellers' download shelf: published kits whose every quote may be sold, now."""

from .consent import consent_problems
from .models import BrandKit


def kits_on_shelf() -> list[BrandKit]:
    # Consent is checked again here, not only when it is withdrawn: the shelf never
    # depends on a signal having run.
    kits = BrandKit.objects.filter(live=True).select_related("workshop").prefetch_related("kit_photos__image")
    return [kit for kit in kits if not consent_problems(kit)]


def on_shelf(kit: BrandKit) -> bool:
    return kit.live and not consent_problems(kit)
