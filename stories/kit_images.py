"""Photos in kits, through heritage's image gate (issue 10, findings 5 and 6).

The gate (heritage/media_gate.py) learns here where kits show images: a live kit on the
shelf shows its photos to anyone (its story page is public), and the kit board shows
workshop members every photo that may go into a kit. The board offers, reads (palette)
and saves only photos the gate allows for commercial use.
"""

from heritage.consent import Purpose
from heritage.media_gate import ImageTies, permitted_images
from heritage.models import HeritageImage
from heritage.roles import Role, has_role

from .exceptions import PhotoNotForKits, PhotoNotFound
from .models import BrandKit
from .shelf import on_shelf

PICKER_SIZE = 60


def image_uses(ids: set[int], purpose: Purpose, viewer) -> dict[int, ImageTies]:
    """Registered with the gate (apps.py): who sees these images through kits."""
    if purpose != Purpose.VIEW:
        # A kit is never the reason an image may be sold: that would make any photo
        # put in a kit its own licence.
        return {}
    seen: set[int] = set()
    kits = BrandKit.objects.filter(live=True, kit_photos__image__in=ids).distinct()
    for kit in kits:
        if on_shelf(kit):
            seen |= {link.image_id for link in kit.kit_photos.all()} & ids
    if is_board_member(viewer) and ids - seen:
        seen |= permitted_images(ids - seen, Purpose.COMMERCIAL, None)
    return {pk: ImageTies(seen=True) for pk in seen}


def is_board_member(user) -> bool:
    """Facilitators, and participants of at least one workshop: the people the board is for."""
    if has_role(user, Role.FACILITATOR):
        return True
    return has_role(user, Role.PARTICIPANT) and user.workshops.exists()


def offered_images(limit: int = PICKER_SIZE) -> list[HeritageImage]:
    """What the board's picker offers: the newest photos that may go into a kit."""
    allowed: list[HeritageImage] = []
    # Read in pages, newest first, until the picker is full: most photos pass.
    start = 0
    while len(allowed) < limit:
        page = list(HeritageImage.objects.order_by("-created_at", "-pk")[start : start + limit * 2])
        if not page:
            break
        ok = permitted_images([image.pk for image in page], Purpose.COMMERCIAL, None)
        allowed += [image for image in page if image.pk in ok]
        start += len(page)
    return allowed[:limit]


def check_kit_photos(image_ids: list[int], user, already: set[int] = frozenset()) -> None:
    """Refuse photos the board may not take: unknown or unseen ones as not found (nothing
    is said about them), seen ones that may not be sold as forbidden. Photos the kit
    already holds stay (publishing re-checks them), as its quotes do."""
    wanted = set(image_ids) - set(already)
    if not wanted:
        return
    for_kits = permitted_images(wanted, Purpose.COMMERCIAL, None)
    if wanted - for_kits:
        visible = permitted_images(wanted - for_kits, Purpose.VIEW, user)
        if wanted - for_kits - visible:
            raise PhotoNotFound()
        raise PhotoNotForKits()
