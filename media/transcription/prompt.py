"""The glossary prompt: proper nouns and dialect words that Whisper should spell our way.

Whisper reads at most half its 448-token text context as prompt (223 tokens); the
glossary is cut to a budget below that, most important terms first, so it never
pushes the model's own context out.
"""

from collections.abc import Callable, Iterable

PROMPT_TOKEN_BUDGET = 180
LEAD = "以下是普通话的句子，讲贵州息烽县的饮食和家常。"


def build_prompt(terms: Iterable[str], count_tokens: Callable[[str], int], budget: int = PROMPT_TOKEN_BUDGET) -> str:
    """A Simplified-Chinese prompt with as many ``terms`` as fit in ``budget`` tokens.

    The lead sentence in Simplified characters also steers the model away from
    answering in Traditional ones.
    """
    chosen: list[str] = []
    seen = set()
    for term in terms:
        term = term.strip()
        if not term or term in seen:
            continue
        candidate = LEAD + "、".join([*chosen, term]) + "。"
        if count_tokens(candidate) > budget:
            break
        chosen.append(term)
        seen.add(term)
    return LEAD + "、".join(chosen) + "。" if chosen else LEAD
