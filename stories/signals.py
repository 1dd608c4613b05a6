"""What stories tells the rest of the product, without knowing who listens.

Apps that keep account of kits (the ledger) receive these; stories never imports them.
"""

from django.dispatch import Signal

from .models import BrandKit

# Sent by the download view after the zip is built and before it is handed over, with
# ``kit``, ``user``, ``revision_id`` and ``path``. A receiver may refuse the download by
# raising a BilingualError (the view shows its Chinese message); nothing is served then.
kit_downloaded = Signal()

# Sent when the public story page of a kit is opened, with ``kit`` and ``source`` (the
# ``src`` query parameter, e.g. the label QR's tag). No visitor data is sent.
kit_story_opened = Signal()


def send_story_opened_from_cache(request, slug) -> None:
    """The kit page came from the page cache (heritage/page_cache.py): still tell the ledger
    about a label scan. Without a ``src`` there is nothing to count and no query is made."""
    source = request.GET.get("src", "")
    if not source:
        return
    kit = BrandKit.objects.filter(slug=slug).first()
    if kit is not None:
        kit_story_opened.send(BrandKit, kit=kit, source=source)
