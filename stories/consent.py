"""May this kit be published or exported? One answer, built on heritage.consent's rule."""

from dataclasses import dataclass

from heritage.consent import Audience, Purpose, missing_consent
from heritage.models import ConsentScope

from .exceptions import KitConsentError


@dataclass(frozen=True)
class ConsentProblem:
    snippet_id: int
    snippet_text: str
    narrator: str
    scope: str

    @property
    def zh(self) -> str:
        scope = ConsentScope(self.scope).label
        return f"片段“{self.snippet_text[:24]}”引用了{self.narrator}，但{self.narrator}没有“{scope}”的同意"

    @property
    def en(self) -> str:
        return f"the snippet “{self.snippet_text[:24]}” quotes {self.narrator}, who has not given {self.scope} consent"


def kit_snippets(kit) -> list:
    """The snippets of ``kit`` in story order, as it stands in memory (a revision's object
    works too), with their pages, recordings and narrators loaded in three queries."""
    from .models import StorySnippet

    ids = [link.snippet_id for link in kit.kit_snippets.all()]
    loaded = StorySnippet.objects.select_related("page", "recording").prefetch_related("narrators").in_bulk(ids)
    return [loaded[i] for i in ids if i in loaded]


def consent_problems(kit) -> list[ConsentProblem]:
    """Every (snippet, narrator, missing scope) that keeps ``kit`` from being sold."""
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
                    problems.append(ConsentProblem(snippet.pk, snippet.text, narrator.credited_as, scope))
    return problems


def check_kit_consent(kit) -> None:
    """Raise :class:`KitConsentError` naming each snippet and narrator that lacks consent."""
    problems = consent_problems(kit)
    if problems:
        raise KitConsentError(problems)
