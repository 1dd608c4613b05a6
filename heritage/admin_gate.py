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
from .errors import error_response
from .items import item_models
from .media_gate import permitted_images


def hidden_page_ids(user) -> set[int]:
    """Archive items ``user`` may not see now (live or not: drafts carry titles too)."""
    hidden: set[int] = set()
    for model in item_models():
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


# Wagtail's image views that show one image's bytes or describe where it is used: the
# preview (a rendition made on the fly), the URL generator around it, the usage list,
# and the chooser's answers (chosen, select format), which hand back a preview address,
# the alt text and the title for embedding. Wagtail asks only its collection permissions
# there; the gate is asked here too. The image form and its delete page stay open, as the
# page and snippet forms do: a facilitator finds there what to act on, and the form's own
# picture is a rendition file, which media_file serves only past the gate.
GATED_IMAGE_VIEWS = {
    ("wagtailimages", "preview"),
    ("wagtailimages", "url_generator"),
    ("wagtailimages", "url_generator_output"),
    ("wagtailimages", "image_usage"),
    ("wagtailimages_chooser", "chosen"),
    ("wagtailimages_chooser", "chosen_multiple"),
    ("wagtailimages_chooser", "select_format"),
}


def _image_ids(request, view_kwargs) -> list[int] | None:
    """The images a gated view is asked about (None: not a number, Wagtail answers 404)."""
    raw = [view_kwargs[key] for key in ("image_id", "pk") if key in view_kwargs] or request.GET.getlist("id")
    try:
        return [int(value) for value in raw]
    except (TypeError, ValueError):
        return None


class AdminImageGateMiddleware:
    """Wagtail's one-image views answer 404 for an image the gate refuses the person asking
    (heritage/errors.py's shape, naming nothing of the image)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or (match.namespace, match.url_name) not in GATED_IMAGE_VIEWS:
            return None
        ids = _image_ids(request, view_kwargs)
        if not ids:
            return None
        if set(ids) <= permitted_images(ids, Purpose.VIEW, request.user):
            return None
        return error_response(request, 404, "image_not_found", "没有找到这张图片。", "This image does not exist.")
