"""Which picture an archive page or card shows: a consented photo, or a designed tile.

Every image passes the one image gate (media_gate.permitted_images) for the person
looking, so a portrait whose narrator withdrew never appears, not even as a broken
image; where no photo may be shown the template draws a tile (the narrator's surname,
or the dish's colours) instead of bare text (issue 13).
"""

from dataclasses import dataclass

from .consent import Purpose
from .media_gate import permitted_images


@dataclass
class Portrait:
    name: str
    image: object | None  # None: draw the initial tile
    role: str = ""

    @property
    def initial(self) -> str:
        return self.name[:1]


def _allowed(image_ids: set[int], user) -> set[int]:
    return permitted_images(image_ids, Purpose.VIEW, user) if image_ids else set()


def portraits(page, user) -> list[Portrait]:
    """The page's narrators, each with their portrait where this person may see it."""
    links = list(page.narrator_links.select_related("narrator__portrait"))
    allowed = _allowed({link.narrator.portrait_id for link in links if link.narrator.portrait_id}, user)
    return [
        Portrait(
            link.narrator.credited_as,
            link.narrator.portrait if link.narrator.portrait_id in allowed else None,
            link.role or "",
        )
        for link in links
    ]


def photo(page, user):
    """A recipe's own photo where this person may see it, else None."""
    image_id = getattr(page, "photo_id", None)
    return page.photo if image_id and image_id in _allowed({image_id}, user) else None


def attach_thumbnails(items, user) -> None:
    """``item.thumbnail`` for each card: its photo, else its first narrator's portrait, else None."""
    wanted = {}
    for item in items:
        candidates = [getattr(item, "photo", None)] if getattr(item, "photo_id", None) else []
        candidates += [link.narrator.portrait for link in item.narrator_links.all() if link.narrator.portrait_id]
        wanted[item.pk] = candidates
    allowed = _allowed({image.pk for images in wanted.values() for image in images}, user)
    for item in items:
        item.thumbnail = next((image for image in wanted[item.pk] if image.pk in allowed), None)
        # A story is a person's (their surname); a recipe or a memory is its own (its first character).
        names = [link.narrator.credited_as for link in item.narrator_links.all()]
        item.initial = names[0][:1] if names and item.kind == "oral_history" else item.title[:1]
