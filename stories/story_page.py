"""What the kit story page (the QR on the jar) shows: one read model, so the template only prints.

Everything here is for the public: quotes play only from sources the public may see, a
portrait shows only while its narrator's consent allows it (heritage/media_gate.py), and
the kit's colours reach the page only as pairs that pass the one contrast rule.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from heritage.consent import Purpose, may
from heritage.media_gate import permitted_images
from heritage.models import HeritageImage, OralHistoryPage, RecipePage
from media.formats import audio_type
from media.timecode import clock

from .contrast import best_text_colour, contrast_ratio, readable
from .exporting import approved_kit, approved_revision
from .models import BrandKit, StorySnippet
from .models.kits import PhotoRole

PAPER = "#FFFAF3"  # the site's paper colour (heritage/site.css)
INK = "#2B2118"
ACCENT = "#B3261E"
TEXT_CANDIDATES = (INK, PAPER, "#000000", "#FFFFFF")


@dataclass
class Theme:
    """Colours for the page: every text colour is checked against the background it sits on."""

    paper: str = PAPER
    ink: str = INK
    accent: str = ACCENT  # headings and links on paper
    band: str = ACCENT  # the title band's background
    band_text: str = "#FFFFFF"
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (text, background) as used


def kit_theme(colours: list[str]) -> Theme:
    """The kit's colours, used only where text on them stays readable (contrast ≥ 4.5:1).

    The band takes the kit's first colour with its best text colour; headings take the first
    kit colour readable on paper, else the site's chilli red."""
    theme = Theme()
    if colours:
        theme.band = colours[0]
        theme.band_text = best_text_colour(colours[0], TEXT_CANDIDATES)
        theme.accent = next((c for c in colours if readable(c, PAPER)), ACCENT)
    theme.pairs = [(theme.ink, theme.paper), (theme.accent, theme.paper), (theme.band_text, theme.band)]
    return theme


def _subtitles(snippet) -> list[dict]:
    """The transcript's sentences over the clip, in seconds from the recording's start."""
    if snippet.first_segment_id is None or snippet.last_segment_id is None:
        return [{"start": snippet.start, "end": snippet.end, "text": snippet.text}]
    first, last = snippet.first_segment, snippet.last_segment
    segments = first.transcript.segments.filter(position__gte=first.position, position__lte=last.position)
    return [{"start": s.start, "end": s.end, "text": s.text} for s in segments]


def _quote(snippet, source, visible: bool) -> dict:
    audio = None
    if visible and isinstance(source, OralHistoryPage) and snippet.recording_id and snippet.start is not None:
        fragment = f"#t={snippet.start:.2f},{snippet.end:.2f}"
        audio = {
            # Media fragments: without the script, the browser's own player plays just the clip.
            "sources": [
                (
                    reverse("heritage:oral_history_audio", args=[source.pk, "original"]) + fragment,
                    audio_type(source.recording.container),
                ),
                (reverse("heritage:oral_history_audio", args=[source.pk, "derivative"]) + fragment, "audio/flac"),
            ],
            "start": f"{snippet.start:.2f}",
            "end": f"{snippet.end:.2f}",
            "length": clock(snippet.end - snippet.start),
            "subtitles": _subtitles(snippet),
        }
    url = ""
    if visible:
        url = source.url + (f"?t={snippet.start:.2f}" if snippet.start is not None else "")
    return {
        "text": snippet.text,
        "narrators": [n.credited_as for n in snippet.narrators.all()],
        "source_title": source.title if visible else "",
        "url": url,
        "audio": audio,
    }


def _portraits(narrators) -> list[dict]:
    """Portraits of the quoted elders, only those the public may see and the kit may use; the
    others get a designed tile with the first character of their name (as in the archive)."""
    narrators = list(narrators)
    wanted = {n.portrait_id for n in narrators if n.portrait_id}
    allowed = set()
    if wanted:
        allowed = permitted_images(wanted, Purpose.VIEW, None) & permitted_images(wanted, Purpose.COMMERCIAL, None)
    return [
        {
            "image": n.portrait if n.portrait_id in allowed else None,
            "name": n.credited_as,
            "initial": n.credited_as[:1],
        }
        for n in narrators
    ]


def _on_product(page) -> bool:
    """A page's words may be printed on the product's page: public, and cleared for commercial use."""
    return may(page, Purpose.VIEW, None) and may(page, Purpose.COMMERCIAL, None)


def _recipe(quoted_pages: list, narrator_ids: set[int]):
    """The dish's recipe: one the kit quotes, else one by one of its elders, if cleared for the product."""
    for page in quoted_pages:
        if isinstance(page, RecipePage) and _on_product(page):
            return page
    candidates = RecipePage.objects.live().filter(narrator_links__narrator__in=narrator_ids).distinct()
    return next((page for page in candidates if _on_product(page)), None)


def _recipe_view(page: RecipePage | None) -> dict | None:
    if page is None:
        return None
    return {
        "title": page.title,
        "family": page.family,
        "url": page.url,
        "recipe_yield": page.recipe_yield,
        "ingredients": [block.block.as_text(block.value) for block in page.ingredients],
        "steps": [block.value["text"] for block in page.steps],
        "photo": page.photo,
    }


def _hero(kit):
    links = list(kit.kit_photos.all())
    main = next((link for link in links if link.role == PhotoRole.MAIN), links[0] if links else None)
    # The revision's link may name a photo deleted since (its foreign keys are not checked).
    return HeritageImage.objects.filter(pk=main.image_id).first() if main else None


def story_page(kit: BrandKit) -> dict:
    """The approved revision of a kit on the shelf, as its public page shows it."""
    revision = approved_revision(kit)
    live = approved_kit(kit, revision)
    ids = [link.snippet_id for link in live.kit_snippets.all()]
    found = StorySnippet.objects.select_related("first_segment", "last_segment").prefetch_related("narrators")
    by_id = found.in_bulk(ids)
    snippets = [by_id[pk] for pk in ids if pk in by_id]
    # Each source page once: several quotes often come from one recording.
    sources = {page.pk: page.specific for page in Page.objects.filter(pk__in={s.page_id for s in snippets})}
    visible = {pk: may(page, Purpose.VIEW, None) for pk, page in sources.items()}
    quotes = [_quote(s, sources[s.page_id], visible[s.page_id]) for s in snippets]
    narrators = {n.pk: n for s in snippets for n in s.narrators.all()}
    recipe = _recipe(list(sources.values()), set(narrators))
    published = kit.last_published_at or revision.created_at
    workshop = kit.workshop
    return {
        "kit": live,
        "theme": kit_theme(live.colours),
        "hero": _hero(live),
        "portraits": _portraits(narrators.values()),
        "elders": [n.credited_as for n in narrators.values()],
        "quotes": quotes,
        "paragraphs": [p.strip() for p in live.long_story.split("\n") if p.strip()],
        "recipe": _recipe_view(recipe),
        "family": recipe.family if recipe and recipe.family else "",
        "made_by": workshop.title if workshop else "",
        "made_where": workshop.place if workshop else "",
        "made_at": timezone.localtime(published).date() if published else None,
        "has_audio": any(q["audio"] for q in quotes),
    }


def text_pairs(page: dict) -> list[tuple[str, str, float]]:
    """Every (text colour, background, ratio) the page prints: what the contrast test checks."""
    return [(text, background, contrast_ratio(text, background)) for text, background in page["theme"].pairs]
