"""Making story snippets from the archive: transcript segments, recipe steps, memory paragraphs.

Whoever makes a snippet must be allowed to see its source; the snippet takes its
narrators from the source, so consent follows the words wherever they go.
"""

import re

from django.db import transaction
from django.utils.html import strip_tags

from heritage.consent import Purpose, may
from heritage.models import FamilyMemoryPage, OralHistoryPage, RecipePage

from .exceptions import SnippetSourceError, SnippetSourceNotFound, UnknownSnippetSource
from .models import SnippetSource, StorySnippet

MAX_SEGMENTS = 40


def _not_found() -> SnippetSourceNotFound:
    return SnippetSourceNotFound("找不到这段内容，或者你没有查看它的权限。", "no such source, or you may not see it")


def _visible_page(page_id, model, user):
    page = model.objects.live().filter(pk=page_id).first()
    if page is None or not may(page, Purpose.VIEW, user):
        raise _not_found()
    return page


def _narrow(text: str, quote: str) -> str:
    """A person may select part of the source: it must be words the source really holds."""
    quote = (quote or "").strip()
    if not quote:
        return text
    if re.sub(r"\s+", "", quote) not in re.sub(r"\s+", "", text):
        raise SnippetSourceError("选中的文字和原文对不上，请重新选择。", "the selected words are not in the source")
    return quote


@transaction.atomic
def _create(page, user, workshop, **fields) -> StorySnippet:
    snippet = StorySnippet.objects.create(page=page, created_by=user, workshop=workshop, **fields)
    snippet.narrators.set([link.narrator_id for link in page.narrator_links.all()])
    return snippet


def from_segments(page_id, first_id, last_id, user, *, quote="", workshop=None) -> StorySnippet:
    page = _visible_page(page_id, OralHistoryPage, user)
    ends = {s.pk: s for s in page.segments.filter(pk__in=[first_id, last_id])}
    if len(ends) != len({first_id, last_id}):
        raise _not_found()
    first, last = ends[int(first_id)], ends[int(last_id)]
    if last.position < first.position:
        first, last = last, first
    segments = list(page.segments.filter(position__gte=first.position, position__lte=last.position))
    if len(segments) > MAX_SEGMENTS:
        raise SnippetSourceError(
            f"一个片段最多 {MAX_SEGMENTS} 句，请选短一些。", f"a snippet holds at most {MAX_SEGMENTS} sentences"
        )
    text = "".join(s.text for s in segments)
    return _create(
        page,
        user,
        workshop,
        text=_narrow(text, quote),
        source=SnippetSource.SEGMENTS,
        recording_id=page.recording_id,
        first_segment=first,
        last_segment=last,
        start=first.start,
        end=last.end,
    )


def from_recording_selection(recording_id, start, end, user, *, quote="", workshop=None) -> StorySnippet:
    """From the transcript editor: the saved sentences between ``start`` and ``end`` seconds."""
    page = OralHistoryPage.objects.live().filter(recording_id=recording_id).first()
    if page is None:
        raise SnippetSourceError(
            "这段录音还没有发布成口述页面，不能摘片段。", "this recording is not on a published oral-history page yet"
        )
    within = page.segments.filter(start__gte=float(start) - 0.05, end__lte=float(end) + 0.05)
    first, last = within.first(), within.last()
    if first is None:
        raise SnippetSourceError("请先保存文字稿，再摘片段。", "save the transcript first, then make the snippet")
    return from_segments(page.pk, first.pk, last.pk, user, quote=quote, workshop=workshop)


def recipe_steps(page) -> list[str]:
    return [block.value["text"] for block in page.steps]


def memory_paragraphs(page) -> list[str]:
    paragraphs = re.split(r"</p>|<br\s*/?>|\n", page.body or "")
    return [text for text in (strip_tags(p).strip() for p in paragraphs) if text]


def from_recipe_step(page_id, position, user, *, quote="", workshop=None) -> StorySnippet:
    page = _visible_page(page_id, RecipePage, user)
    return _from_list(page, recipe_steps(page), position, SnippetSource.RECIPE_STEP, user, quote, workshop)


def from_memory_paragraph(page_id, position, user, *, quote="", workshop=None) -> StorySnippet:
    page = _visible_page(page_id, FamilyMemoryPage, user)
    return _from_list(page, memory_paragraphs(page), position, SnippetSource.MEMORY_PARAGRAPH, user, quote, workshop)


def _from_list(page, texts, position, source, user, quote, workshop) -> StorySnippet:
    try:
        position = int(position)
        text = texts[position - 1] if position >= 1 else None
    except (TypeError, ValueError, IndexError):
        text = None
    if not text:
        raise _not_found()
    return _create(page, user, workshop, text=_narrow(text, quote), source=source, position=position)


def _containing(texts: list[str], words: list[str]) -> int | None:
    """The 1-based position of the first text holding one of ``words`` (tried in order)."""
    for word in (w.strip() for w in words if isinstance(w, str)):
        if word:
            for n, text in enumerate(texts, start=1):
                if word in text:
                    return n
    return None


def from_search_key(key: str, user, *, workshop=None, words: list[str] = ()) -> StorySnippet:
    """A search hit becomes a snippet: a transcript sentence ("page:12/seg:345") as it is; a
    recipe or memory ("page:12/") as its step or paragraph holding ``words`` (the query,
    then the highlighted words, so a pinyin query still finds its step)."""
    match = re.fullmatch(r"page:(\d+)/(?:seg:(\d+))?", key or "")
    if not match:
        raise _not_found()
    page_id, segment_id = match.groups()
    if segment_id is not None:
        return from_segments(int(page_id), int(segment_id), int(segment_id), user, workshop=workshop)
    for model, texts, source in (
        (RecipePage, recipe_steps, SnippetSource.RECIPE_STEP),
        (FamilyMemoryPage, memory_paragraphs, SnippetSource.MEMORY_PARAGRAPH),
    ):
        if model.objects.filter(pk=page_id).exists():
            page = _visible_page(int(page_id), model, user)
            position = _containing(texts(page), list(words))
            if position is None:
                raise SnippetSourceError(
                    "这一页里没找到这句话，请打开原页面选择。",
                    "no step or paragraph here holds the words; pick on the page",
                )
            return _from_list(page, texts(page), position, source, user, "", workshop)
    raise SnippetSourceError(
        "口述页面请选其中的句子；菜谱和回忆可以直接加入。",
        "pick a sentence of an oral history; recipes and memories add whole",
    )


def make_snippet(data: dict, user, workshop=None) -> StorySnippet:
    """The one dispatch from a request's ``source`` to the function that makes its snippet."""
    source = data.get("source")
    options = {"quote": data.get("quote", ""), "workshop": workshop}
    if source == "segments":
        return from_segments(data.get("page"), data.get("first"), data.get("last"), user, **options)
    if source == "recipe_step":
        return from_recipe_step(data.get("page"), data.get("position"), user, **options)
    if source == "memory_paragraph":
        return from_memory_paragraph(data.get("page"), data.get("position"), user, **options)
    if source == "recording":
        return from_recording_selection(data.get("recording"), data.get("start"), data.get("end"), user, **options)
    if source == "search":
        words = [data.get("q"), *(data.get("marks") or [])] if isinstance(data.get("marks") or [], list) else []
        return from_search_key(data.get("key", ""), user, workshop=workshop, words=words)
    raise UnknownSnippetSource("不认识的来源。", "unknown source")
