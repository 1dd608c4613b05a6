"""Story snippets and brand kits as search documents: found by facilitators only.

They are working material (a draft kit, a quote not yet cleared for sale), so they
carry the facilitator audience alone, whatever their sources' access.
"""

from collections.abc import Iterator

from django.urls import reverse

from search.documents import SearchDocument

from .models import BrandKit, StorySnippet

AUDIENCES = ["facilitator"]


def snippet_key(pk: int) -> str:
    return f"snippet:{pk}/"


def kit_key(pk: int) -> str:
    return f"kit:{pk}/"


def _page_narrator_ids(page) -> list[int]:
    links = getattr(page, "narrator_links", None)
    return list(links.values_list("narrator_id", flat=True)) if links is not None else []


def snippet_document(snippet: StorySnippet) -> SearchDocument:
    page = snippet.page.specific
    url = page.url or ""
    if snippet.start is not None:
        url = f"{url}?t={int(snippet.start)}"
    return SearchDocument(
        snippet_key(snippet.pk),
        "snippet",
        f"{page.title} · {snippet.where}",
        snippet.text,
        url,
        AUDIENCES,
        narrators=[n.credited_as for n in snippet.narrators.all()],
        # Consent applied at query time: a quote leaves search when its narrator withdraws.
        subjects=sorted({str(n.pk) for n in snippet.narrators.all()} | {str(pk) for pk in _page_narrator_ids(page)}),
        villages=sorted({n.village for n in snippet.narrators.all() if n.village}),
        start=snippet.start,
        end=snippet.end,
    )


def kit_document(kit: BrandKit) -> SearchDocument:
    draft = kit.get_latest_revision_as_object() if kit.latest_revision_id else kit
    body = "\n".join(
        part for part in (draft.tagline, draft.short_story, draft.long_story, draft.selling_points) if part
    )
    people = [n for link in draft.kit_snippets.all() for n in link.snippet.narrators.all()]
    narrators = {n.credited_as for n in people}
    return SearchDocument(
        kit_key(kit.pk),
        "kit",
        kit.title,
        body,
        reverse("stories:board", args=[kit.slug]),
        AUDIENCES,
        narrators=sorted(narrators),
        subjects=sorted({str(n.pk) for n in people}),
    )


def documents_for(keys: list[str]) -> tuple[list[str], list[SearchDocument]]:
    """For sync (search/sync.py): of ``keys``, the snippet and kit keys to clear, and the
    documents that should exist now."""
    prefixes, documents = [], []
    for key in keys:
        kind, _sep, rest = key.partition(":")
        if kind not in ("snippet", "kit"):
            continue
        prefixes.append(key)
        pk = int(rest.rstrip("/"))
        if kind == "snippet":
            snippet = StorySnippet.objects.filter(pk=pk).first()
            if snippet:
                documents.append(snippet_document(snippet))
        else:
            kit = BrandKit.objects.filter(pk=pk).first()
            if kit:
                documents.append(kit_document(kit))
    return prefixes, documents


def all_documents() -> Iterator[SearchDocument]:
    for snippet in StorySnippet.objects.select_related("page").prefetch_related("narrators"):
        yield snippet_document(snippet)
    for kit in BrandKit.objects.all():
        yield kit_document(kit)
