"""What Wagtail's own admin lists and chooses, narrowed by the one consent gate.

The explorer, the page chooser, the admin page search, the image chooser and the admin
images API list titles, alt text and thumbnails. A narrator who withdraws *archive*
consent disappears for facilitators too (heritage/consent.py), so these lists leave out
the items and images the gate refuses the person asking. The edit forms, the snippet and
image libraries stay whole: a facilitator carries out a withdrawal there (the narrator's
record, the item's form) and must find what to act on.
"""

from django.db.models import QuerySet

from .consent import Purpose, permitted
from .media_gate import permitted_images
from .models.pages import ITEM_MODELS


def hidden_page_ids(user) -> set[int]:
    """Archive items ``user`` may not see now (live or not: drafts carry titles too)."""
    hidden: set[int] = set()
    for model in ITEM_MODELS:
        every = model.objects.all()
        hidden |= set(
            every.exclude(pk__in=permitted(every, Purpose.VIEW, user).values("pk")).values_list("pk", flat=True)
        )
    return hidden


def visible_pages(pages: QuerySet, user) -> QuerySet:
    """``pages`` (any page model) without the archive items the gate refuses ``user``."""
    hidden = hidden_page_ids(user)
    return pages.exclude(pk__in=hidden) if hidden else pages


def visible_images(images: QuerySet, user) -> QuerySet:
    """``images`` without those the gate refuses ``user`` (their titles and alt text included)."""
    return images.filter(pk__in=permitted_images(images.values_list("pk", flat=True), Purpose.VIEW, user))
