"""How archive items become search documents (search/ knows documents, not these models)."""

import re
from collections.abc import Iterator

from django.urls import reverse
from django.utils.html import strip_tags

from media.timecode import fragment
from search.documents import SearchDocument

from .consent import audiences
from .items import item_models


def page_key(page) -> str:
    return page_key_of(page.pk)


def page_key_of(page_id: int) -> str:
    return f"page:{page_id}/"


def documents_for(keys: list[str]) -> tuple[list[str], list[SearchDocument]]:
    """For sync (search/sync.py): of ``keys``, the page keys to clear, and the documents
    of those pages that are live archive items now."""
    from wagtail.models import Page

    prefixes, documents = [], []
    for key in keys:
        kind, _sep, rest = key.partition(":")
        if kind != "page":
            continue
        prefixes.append(key)
        page = Page.objects.filter(pk=int(rest.rstrip("/"))).first()
        page = page.specific if page is not None else None
        if page is not None and page.live and isinstance(page, item_models()):
            documents.extend(page_documents(page))
    return prefixes, documents


def _plain(html: str) -> str:
    return re.sub(r"\s+", " ", strip_tags(html or "")).strip()


def _body(page) -> str:
    parts = [page.summary, page.place]
    if page.kind == "recipe":
        parts += [page.family, page.recipe_yield]
        parts += [block.block.as_text(block.value) for block in page.ingredients]
        parts += [block.value["text"] for block in page.steps]
        parts.append(_plain(page.variations))
    elif page.kind == "memory":
        parts += [_plain(page.body), page.other_people]
        parts += [block.value["caption"] for block in page.photos]
    return "\n".join(p for p in parts if p)


def page_documents(page) -> list[SearchDocument]:
    """The page itself, and for an oral history each transcript segment, at its second."""
    narrators = [link.narrator for link in page.narrator_links.select_related("narrator")]
    shared = {
        "audiences": audiences(page),
        "narrators": [n.credited_as for n in narrators],
        # Ids, for the search service to apply consent at query time (heritage.consent.excluded_search_subjects).
        "subjects": [str(n.pk) for n in narrators],
        "villages": sorted({n.village for n in narrators if n.village}),
        "themes": [t.name for t in page.themes.all()],
        "tags": [t.name for t in page.tags.all()],
        "decade": page.decade,
    }
    url = page.url or ""
    documents = [SearchDocument(page_key(page), page.kind, page.title, _body(page), url, **shared)]
    if page.kind == "oral_history":
        # Played in place on the search page, through the same gate as the page's own player.
        audio = reverse("heritage:oral_history_audio", args=[page.pk, "original"]) if page.recording_id else ""
        for segment_id, start, end, text in page.segments.values_list("pk", "start", "end", "text"):
            documents.append(
                SearchDocument(
                    f"{page_key(page)}seg:{segment_id}",
                    "segment",
                    page.title,
                    text,
                    f"{url}?t={fragment(start)}",
                    start=start,
                    end=end,
                    audio=audio,
                    **shared,
                )
            )
    return documents


def all_documents() -> Iterator[SearchDocument]:
    for model in item_models():
        for page in model.objects.live().prefetch_related("themes", "tagged_items__tag"):
            yield from page_documents(page)
