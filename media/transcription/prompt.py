"""The glossary prompt: proper nouns and dialect words that Whisper should spell our way.

The prompt is never laid over a whole recording. Each stretch is first decoded without
it; only where that plain decode heard the sounds of a glossary term (``terms_heard``) is
the stretch decoded again with a prompt of just those terms, and the prompted decode is
kept only where the model finds it likelier (service.py). A prompt full of names the
speaker never said is what made Whisper write them (issue #11), and on speech outside the
glossary's domain it cost accuracy for nothing.

Whisper reads at most half its 448-token text context as prompt (223 tokens); the
prompt is cut to a budget below that, most important terms first, so it never
pushes the model's own context out.
"""

from collections.abc import Callable, Iterable

from .correction import is_hanzi, readings, term_reading

PROMPT_TOKEN_BUDGET = 180
LEAD = "以下是普通话的句子，讲贵州息烽县的饮食和家常。"
# Southwestern Mandarin (Guizhou) does not tell zh/z, ch/c, sh/s apart (a first-letter
# comparison already merges them) nor n from l: 辣 is often said na.
_SAME_INITIAL = {"n": "l"}


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


def _initial(syllable: str) -> str:
    return _SAME_INITIAL.get(syllable[:1], syllable[:1])


def _sounds_like(window: str, reading: tuple[str, ...]) -> bool:
    """Every syllable starts alike and most are the same syllable (tones ignored)."""
    full = 0
    for character, sound in zip(window, reading, strict=True):
        heard = readings(character)
        if sound in heard:
            full += 1
        elif _initial(sound) not in {_initial(r) for r in heard}:
            return False
    return full >= max(2, (len(reading) + 1) // 2)


def terms_heard(text: str, terms: Iterable[str]) -> list[str]:
    """The ``terms`` (in their order) whose sounds the machine text holds, spelt right or not.

    杨老辣子机 holds 阳朗辣子鸡 and 西风线 holds 息烽县; a two-character term needs both
    syllables in full, since two initials alone match half the language.
    """
    hanzi = "".join(c for c in text if is_hanzi(c))
    heard = []
    for term in dict.fromkeys(t.strip() for t in terms):
        if len(term) < 2 or not all(is_hanzi(c) for c in term):
            continue
        reading = term_reading(term)
        if term in hanzi or any(
            _sounds_like(hanzi[start : start + len(term)], reading) for start in range(len(hanzi) - len(term) + 1)
        ):
            heard.append(term)
    return heard
