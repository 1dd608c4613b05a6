"""Word marks for the transcript editor: each word's times and probability, and what could replace an unsure one.

Whisper (both engines) gives a probability per word but no next-best words: its word
timestamps keep only the chosen tokens. So the alternatives offered for an unsure word are
the archive's own knowledge of what Whisper gets wrong, where it applies to that very stretch:

- corrections facilitators made before (``Correction``: 磁巴 → 糍粑), most frequent first;
- terms of the recording (glossary, narrators' names, dialect words) that read exactly like
  the stretch in pinyin, tones ignored (西风 → 息烽). Unlike the automatic spelling rules
  (correction.py, three characters or more), two-character terms are offered too: a person
  picks, so a real word (西风, the west wind) is never rewritten behind anyone's back.

An alternative replaces ``text[at:end]`` of the sentence, which may reach past the word
(a term of three characters over two of Whisper's words).
"""

from collections.abc import Iterable

from .correction import is_hanzi, sounds_as

# A word below this probability is marked. bench/word_marks.py on the 15 real read clips of
# shared/asr-dev (426 words, 11 % wrong), words marked / share of marks that are wrong / share
# of wrong words marked: below 0.4, 21 / 52 % / 24 %; 0.5, 34 / 41 % / 31 %; 0.6, 52 / 42 % / 49 %;
# 0.7, 76 / 38 % / 64 %. At 0.6 one word in eight is marked, a mark is wrong four times as often
# as an unmarked word, and half the errors are caught; higher, marks turn into a sea nobody reads.
# (service.UNSURE_WORD, 0.5, is the command line's own list of unsure words.)
UNSURE = 0.6
MAX_ALTERNATIVES = 5
MAX_WRONG = 8  # a correction longer than this is a rewritten sentence, not a misheard word


def alternatives(text: str, at: int, end: int, terms: Iterable[str], corrections: Iterable[tuple[str, str]]) -> list:
    """What could replace a stretch of ``text`` covering ``text[at:end]``, best first."""
    found: dict[tuple[str, int, int], None] = {}
    for wrong, right in corrections:
        start = text.find(wrong)
        while start >= 0:
            if start < end and start + len(wrong) > at:
                found.setdefault((right, start, start + len(wrong)))
            start = text.find(wrong, start + 1)
    for term in terms:
        size = len(term)
        if size < 2 or not all(is_hanzi(c) for c in term):
            continue
        for start in range(max(0, at - size + 1), min(end, len(text) - size + 1)):
            window = text[start : start + size]
            if window != term and sounds_as(window, term):
                found.setdefault((term, start, start + size))
    return [{"text": t, "at": a, "end": e} for t, a, e in list(found)[:MAX_ALTERNATIVES]]


def word_rows(segment, terms: Iterable[str] = (), corrections: Iterable[tuple[str, str]] = ()) -> list[dict]:
    """The stored form of ``segment``'s words (a ``service.Segment``), alternatives for the unsure ones."""
    terms, corrections = list(terms), [(w, r) for w, r in corrections if 0 < len(w) <= MAX_WRONG]
    rows, at = [], 0
    for (written, probability), (start, end) in zip(segment.words, segment.word_times, strict=True):
        while at < len(segment.text) and segment.text[at].isspace():
            at += 1  # a pause Whisper wrote as a space belongs to no word
        row = {"text": written, "at": at, "start": start, "end": end, "probability": round(probability, 3)}
        if probability < UNSURE:
            row["alternatives"] = alternatives(segment.text, at, at + len(written), terms, corrections)
        rows.append(row)
        at += len(written)
    return rows


def known_corrections() -> list[tuple[str, str]]:
    """Corrections facilitators made, most frequent first."""
    from ..models import Correction

    return list(Correction.objects.order_by("-count", "wrong").values_list("wrong", "right"))


def _offset(value, limit: int) -> int:
    number = int(value)
    if not 0 <= number <= limit:
        raise ValueError(number)
    return number


def kept_words(words, text: str) -> list[dict]:
    """The words of an edited sentence that still stand where they say, as sent back by the editor.

    The editor moves a word's offsets when text before it changes and drops words a person
    typed over; anything that no longer matches ``text`` is dropped here as well.
    """
    kept = []
    for word in words if isinstance(words, list) else []:
        try:
            at = _offset(word["at"], len(text))
            written = str(word["text"])
            row = {
                "text": written,
                "at": at,
                "start": float(word["start"]),
                "end": float(word["end"]),
                "probability": float(word["probability"]),
            }
            if text[at : at + len(written)] != written or not written:
                continue
            choices = []
            for choice in word.get("alternatives", []):
                a, e = _offset(choice["at"], len(text)), _offset(choice["end"], len(text))
                if a < e:
                    choices.append({"text": str(choice["text"]), "at": a, "end": e})
            if "alternatives" in word:
                row["alternatives"] = choices[:MAX_ALTERNATIVES]
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
        kept.append(row)
    return kept
