"""May this person have this image? One answer for originals, renditions, pickers and kits.

Wagtail serves image files straight from MEDIA_ROOT and checks nothing (wagtail#3880);
here every image byte is asked for (issue 10, finding 7). The rule, restrictive wins:

* the person may see at least one thing that uses the image: a live archive item that
  shows it, the portrait of a narrator who has an item they may see, or what another app
  registers (stories: a live kit on the shelf, the kit board for workshop members);
* and no narrator the image depicts or belongs to (a portrait's narrator, the narrators
  of every archive item showing it, live or not) lacks the consent this audience needs;
* facilitators may see every image except those tied to a narrator lacking archive
  consent; images in a collection with view restrictions (the consent forms) are
  theirs alone and never used commercially.

Commercial use (kits) is judged for the public, as a label is seen by anyone who buys
the jar; a free-standing picture (no narrator, in no archive item) is the facilitators'
own material and may be used when they approve the kit.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.db.models import Q
from wagtail import blocks
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageBlock, ImageChooserBlock
from wagtail.models import Collection

from .consent import Audience, Purpose, audience_of, missing_consent, permitted
from .items import item_models
from .models.people import Narrator


@dataclass
class ImageTies:
    """What one image is tied to, as seen by one person for one purpose."""

    narrators: set[int] = field(default_factory=set)  # whose face or story it is
    seen: bool = False  # the person may use, for the purpose, at least one thing showing it
    archived: bool = False  # an archive item or a narrator uses it: not a free-standing picture

    def add(self, other: "ImageTies") -> None:
        self.narrators |= other.narrators
        self.seen = self.seen or other.seen
        self.archived = self.archived or other.archived


# (image ids, purpose, viewer) -> ties per image id; other apps add theirs (stories: kits).
Uses = Callable[[set[int], Purpose, object], dict[int, ImageTies]]
_uses: list[Uses] = []


def register_image_uses(uses: Uses) -> None:
    """Let an app that shows images (stories) say who sees them there; called from ready()."""
    if uses not in _uses:
        _uses.append(uses)


def permitted_images(image_ids: Iterable[int], purpose: Purpose, user) -> set[int]:
    """Of ``image_ids``, the images ``user`` may have for ``purpose``, now."""
    purpose = Purpose(purpose)
    viewer = None if purpose == Purpose.COMMERCIAL else user
    audience = audience_of(viewer)
    collections = dict(get_image_model().objects.filter(pk__in=set(image_ids)).values_list("pk", "collection_id"))
    ids = set(collections)
    if not ids:
        return set()
    ties = {pk: ImageTies() for pk in ids}
    for uses in (_archive_uses, *_uses):
        for pk, found in uses(ids, purpose, viewer).items():
            ties[pk].add(found)
    narrators = set().union(*(t.narrators for t in ties.values()))
    lacking = {n for n, _scope in missing_consent(narrators, purpose, audience)} if narrators else set()
    closed = _restricted_collections(set(collections.values()))
    facilitator = audience == Audience.FACILITATOR
    allowed = set()
    for pk, tie in ties.items():
        if tie.narrators & lacking:
            continue
        if collections[pk] in closed:
            if facilitator:
                allowed.add(pk)
            continue
        if facilitator or tie.seen or (purpose == Purpose.COMMERCIAL and not tie.archived):
            allowed.add(pk)
    return allowed


def may_image(image, purpose: Purpose, user) -> bool:
    return image.pk in permitted_images([image.pk], purpose, user)


def image_of(name: str):
    """The image a stored file belongs to: ``original_images/…`` is the image itself,
    ``images/…`` one of its renditions; anything else under MEDIA_ROOT is no image."""
    parts = PurePosixPath(name).parts
    if "\x00" in name or "\\" in name or any(p in ("", ".", "..") for p in parts) or len(parts) < 2:
        return None
    model = get_image_model()
    if parts[0] == "original_images":
        return model.objects.filter(file=name).first()
    if parts[0] == "images":
        rendition = model.get_rendition_model().objects.filter(file=name).select_related("image").first()
        return rendition.image if rendition else None
    return None


def images_of_narrator(narrator_id: int) -> set[int]:
    """Every image tied to a narrator: the portrait, and what their items show (live or not);
    a consent change of theirs may change who may have these."""
    ids = set(Narrator.objects.filter(pk=narrator_id).exclude(portrait=None).values_list("portrait_id", flat=True))
    for model in item_models():
        for page in model.objects.filter(narrator_links__narrator=narrator_id):
            ids |= set(_images_of_page(page))
    return ids


def images_of_page(page_id: int) -> set[int]:
    """The images an archive page shows now (none for any other page)."""
    for model in item_models():
        page = model.objects.filter(pk=page_id).first()
        if page is not None:
            return set(_images_of_page(page))
    return set()


def _archive_uses(ids: set[int], purpose: Purpose, viewer) -> dict[int, ImageTies]:
    ties: dict[int, ImageTies] = {}
    for model in item_models():
        pages = list(_pages_showing(model, ids).prefetch_related("narrator_links"))
        if not pages:
            continue
        live = model.objects.live().filter(pk__in=[p.pk for p in pages])
        usable = set(permitted(live, purpose, viewer).values_list("pk", flat=True))
        for page in pages:
            narrators = {link.narrator_id for link in page.narrator_links.all()}
            for pk in set(_images_of_page(page)) & ids:
                ties.setdefault(pk, ImageTies()).add(ImageTies(narrators, page.pk in usable, True))
    for narrator_id, pk in Narrator.objects.filter(portrait_id__in=ids).values_list("pk", "portrait_id"):
        seen = _has_usable_item(narrator_id, purpose, viewer)
        ties.setdefault(pk, ImageTies()).add(ImageTies({narrator_id}, seen, True))
    return ties


def _has_usable_item(narrator_id: int, purpose: Purpose, viewer) -> bool:
    """A portrait is seen with its narrator's items: at least one must be open to the viewer."""
    return any(
        permitted(model.objects.live().filter(narrator_links__narrator=narrator_id), purpose, viewer).exists()
        for model in item_models()
    )


def _image_fields(model):
    image_model = get_image_model()
    keys = [f for f in model._meta.concrete_fields if f.is_relation and f.related_model is image_model]
    streams = [f for f in model._meta.concrete_fields if isinstance(f, StreamField)]
    return keys, streams


def _pages_showing(model, ids: set[int]):
    keys, streams = _image_fields(model)
    match = Q(pk__in=[])
    for key in keys:
        match |= Q(**{f"{key.name}__in": ids})
    for stream in streams:
        # A cheap text match narrows the rows (it may over-match: 12 in 123);
        # _images_of_page then reads each block for the exact ids.
        for pk in ids:
            match |= Q(**{f"{stream.name}__icontains": f": {pk}"})
    return model.objects.filter(match)


def _images_of_page(page) -> Iterator[int]:
    keys, streams = _image_fields(type(page))
    for key in keys:
        if getattr(page, key.attname) is not None:
            yield getattr(page, key.attname)
    for stream in streams:
        value = getattr(page, stream.name)
        yield from _images_in(stream.stream_block, list(value.raw_data) if value is not None else [])


def _images_in(block, raw) -> Iterator[int]:
    """Image ids in the stored (raw JSON) value of ``block``, read by the block definitions."""
    if raw is None:
        return
    if isinstance(block, ImageChooserBlock):
        if isinstance(raw, int):
            yield raw
    elif isinstance(block, ImageBlock) and isinstance(raw, int):
        yield raw  # stored before ImageBlock had alt text: just the id
    elif isinstance(block, blocks.StructBlock) and isinstance(raw, dict):
        for name, child in block.child_blocks.items():
            yield from _images_in(child, raw.get(name))
    elif isinstance(block, blocks.StreamBlock) and isinstance(raw, list):
        for item in raw:
            child = block.child_blocks.get(item.get("type")) if isinstance(item, dict) else None
            if child is not None:
                yield from _images_in(child, item.get("value"))
    elif isinstance(block, blocks.ListBlock) and isinstance(raw, list):
        for item in raw:
            value = item.get("value") if isinstance(item, dict) and item.get("type") == "item" else item
            yield from _images_in(block.child_block, value)


def _restricted_collections(collection_ids: set[int]) -> set[int]:
    """Of these collections, those under a view restriction (their own or an ancestor's)."""
    return {c.pk for c in Collection.objects.filter(pk__in=collection_ids) if c.get_view_restrictions().exists()}
