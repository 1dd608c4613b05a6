"""May this kit be published or exported? One answer, built on heritage.consent's rule."""

from dataclasses import dataclass

from heritage.consent import Audience, Purpose, may, missing_consent
from heritage.media_gate import permitted_images
from heritage.models import ConsentScope, HeritageImage

from .exceptions import KitConsentError
from .models import StorySnippet


@dataclass(frozen=True)
class ConsentProblem:
    snippet_id: int
    snippet_text: str
    narrator: str
    scope: str
    narrator_id: int | None = None  # who lacks consent, for records that must not be read back from the text

    @property
    def zh(self) -> str:
        scope = ConsentScope(self.scope).label
        return f"片段“{self.snippet_text[:24]}”引用了{self.narrator}，但{self.narrator}没有“{scope}”的同意"

    @property
    def en(self) -> str:
        return f"the snippet “{self.snippet_text[:24]}” quotes {self.narrator}, who has not given {self.scope} consent"


@dataclass(frozen=True)
class SourceProblem:
    """The snippet's source itself may not be sold: not public, unpublished, or a narrator
    added to it since lacks consent."""

    snippet_id: int
    snippet_text: str
    page_title: str

    @property
    def zh(self) -> str:
        return f"片段“{self.snippet_text[:24]}”的出处《{self.page_title}》现在不能公开用于商品"

    @property
    def en(self) -> str:
        return f"the source “{self.page_title}” of the snippet “{self.snippet_text[:24]}” may not be used publicly now"


@dataclass(frozen=True)
class PhotoProblem:
    """A kit photo the image gate does not allow on a product: a narrator it shows or
    belongs to has not agreed to public commercial use, or it comes only from items the
    public may not see (heritage/media_gate.py)."""

    image_id: int
    image_title: str

    @property
    def zh(self) -> str:
        return f"照片《{self.image_title}》现在不能用在商品上（讲述人的同意或照片所在条目的访问级别不允许）"

    @property
    def en(self) -> str:
        return f"the photo “{self.image_title}” may not be used on a product now (consent or access level)"


def kit_snippets(kit) -> list:
    """The snippets of ``kit`` in story order, as it stands in memory (a revision's object
    works too), with their pages, recordings and narrators loaded in three queries."""
    ids = [link.snippet_id for link in kit.kit_snippets.all()]
    loaded = StorySnippet.objects.select_related("page", "recording").prefetch_related("narrators").in_bulk(ids)
    return [loaded[i] for i in ids if i in loaded]


def consent_problems(kit) -> list:
    """Everything that keeps ``kit`` from being sold: each (snippet, narrator, missing scope),
    and each snippet whose source page may not be used commercially by the public now
    (access level, published state, and the page's current narrators)."""
    snippets = kit_snippets(kit)
    narrators_of = {s.pk: list(s.narrators.all()) for s in snippets}
    missing = missing_consent(
        {n.pk for people in narrators_of.values() for n in people}, Purpose.COMMERCIAL, Audience.PUBLIC
    )
    problems = []
    for snippet in snippets:
        for narrator in narrators_of[snippet.pk]:
            for narrator_id, scope in missing:
                if narrator_id == narrator.pk:
                    problems.append(ConsentProblem(snippet.pk, snippet.text, narrator.credited_as, scope, narrator.pk))
    for page in {s.page_id: s.page for s in snippets}.values():
        if not (page.live and may(page.specific, Purpose.COMMERCIAL, None)):
            problems += [SourceProblem(s.pk, s.text, page.title) for s in snippets if s.page_id == page.pk]
    image_ids = {link.image_id for link in kit.kit_photos.all()}
    refused = image_ids - permitted_images(image_ids, Purpose.COMMERCIAL, None)
    for pk, title in HeritageImage.objects.filter(pk__in=refused).order_by("pk").values_list("pk", "title"):
        problems.append(PhotoProblem(pk, title))
    return problems


def visible_page_ids(page_ids, user) -> set[int]:
    """Of these source pages, the ones ``user`` may see now (live, and allowed by consent)."""
    from wagtail.models import Page

    return {
        page.pk
        for page in Page.objects.live().filter(pk__in=set(page_ids)).specific()
        if hasattr(page, "narrator_links") and may(page, Purpose.VIEW, user)
    }


def check_kit_consent(kit) -> None:
    """Raise :class:`KitConsentError` naming each snippet and narrator that lacks consent."""
    problems = consent_problems(kit)
    if problems:
        raise KitConsentError(problems)
