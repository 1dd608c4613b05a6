"""The glossary in one place: the terms facilitators keep, the item's own names, dialect words, suggestions.

The model (``GlossaryTerm``) and its admin stay in ``heritage`` (moving them would need a
data-moving migration across apps); everything that reads them is here. Models are looked
up through the app registry, so ``media`` imports no module of ``heritage`` at load time.
"""

import csv
from functools import cache
from pathlib import Path

from django.apps import apps

DIALECT_DIR = Path(__file__).with_name("dialect")
# Which list a narrator's dialect field selects: a list is used when the field holds one of its names.
DIALECT_LISTS = {"southwestern.tsv": ("贵州", "西南官话", "四川", "重庆")}


def prompt_terms() -> list[str]:
    """The facilitators' terms, most important first."""
    model = apps.get_model("heritage", "GlossaryTerm")
    return list(model.objects.order_by("-priority", "term").values_list("term", flat=True))


@cache
def _dialect_list(name: str) -> tuple[tuple[str, str], ...]:
    with (DIALECT_DIR / name).open(encoding="utf-8") as handle:
        return tuple((row["word"].strip(), row["gloss"].strip()) for row in csv.DictReader(handle, delimiter="\t"))


def dialect_words(dialect: str) -> list[tuple[str, str]]:
    """(word, Mandarin gloss) of every list that ``dialect`` (a narrator's dialect field) selects."""
    words: dict[str, str] = {}
    for name, names in DIALECT_LISTS.items():
        if any(n in dialect for n in names):
            words.update((word, gloss) for word, gloss in _dialect_list(name) if word)
    return list(words.items())


def item_terms(recording) -> list[str]:
    """The terms for transcribing ``recording``: the glossary, its items' narrators, their dialects' words."""
    page_model = apps.get_model("heritage", "OralHistoryPage")
    link_model = apps.get_model("heritage", "OralHistoryNarrator")
    pages = page_model.objects.filter(recording=recording).values_list("pk", flat=True)
    narrators = [link.narrator for link in link_model.objects.filter(page__in=pages).select_related("narrator")]
    terms = prompt_terms()
    terms += [n.name for n in narrators]
    for dialect in dict.fromkeys(n.dialect for n in narrators if n.dialect):
        terms += [word for word, _ in dialect_words(dialect)]
    return list(dict.fromkeys(t for t in terms if t))


def suggestions(min_count: int = 2) -> list:
    """Words facilitators corrected at least ``min_count`` times that the glossary does not hold yet."""
    from media.models import Correction

    known = set(apps.get_model("heritage", "GlossaryTerm").objects.values_list("term", flat=True))
    return [
        correction
        for correction in Correction.objects.filter(count__gte=min_count).order_by("-count", "right")
        if correction.right not in known
    ]
