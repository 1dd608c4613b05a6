"""Chinese-aware text for indexing and querying: the same normalisation on both sides.

Why characters and bigrams rather than a word segmenter: most Chinese queries are one or
two characters (辣椒, 外婆), and a segmenter that cut 外婆说 as one word would miss
外婆. Every CJK character is indexed alone and with its right neighbour, so any one-
or two-character query matches exactly, and a longer one matches as a phrase of
overlapping bigrams (辣子鸡 → 辣子 子鸡). Traditional folds into Simplified, and each
character's toneless pinyin is indexed too, so `lazi ji` finds 辣子鸡.
"""

import html
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache

from pypinyin import Style, lazy_pinyin

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+", re.IGNORECASE)
MAX_QUERY = 200
MAX_TERMS = 12


@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """Simplified, NFKC (full-width letters become ASCII), lower case."""
    return _t2s().convert(unicodedata.normalize("NFKC", text)).lower()


@dataclass(frozen=True)
class IndexText:
    unigrams: str
    bigrams: str
    pinyin: str
    initials: str


@lru_cache(maxsize=65536)
def _pinyin(characters: str) -> tuple[str, ...]:
    # Most of indexing time is pypinyin's; the same words recur in every transcript.
    return tuple(lazy_pinyin(characters, style=Style.NORMAL))


@lru_cache(maxsize=4096)
def index_text(text: str) -> IndexText:
    """The token streams stored for ``text``; words stay in order for phrase matching.

    Cached: every segment of a recording carries the recording's title.
    """
    singles, pairs, syllables = [], [], []
    for match in TOKEN.finditer(normalise(text)):
        token = match.group()
        if CJK.match(token):
            singles.extend(token)
            pairs.extend(bigrams(token))
            syllables.extend(_pinyin(token))
        else:
            singles.append(token)
            pairs.append(token)
        # A boundary token keeps phrases from running across punctuation.
        pairs.append("_")
    initials = " ".join(s[0] for s in syllables)
    return IndexText(" ".join(singles), " ".join(pairs), " ".join(syllables), initials)


@cache
def _syllables() -> tuple[str, ...]:
    from pypinyin.constants import PINYIN_DICT

    found = set()
    for readings in PINYIN_DICT.values():
        for reading in readings.split(","):
            found.add(unicodedata.normalize("NFKD", reading).encode("ascii", "ignore").decode())
    found.discard("")
    return tuple(sorted(found, key=len, reverse=True))


@lru_cache(maxsize=4096)
def split_pinyin(word: str) -> tuple[list[str], bool] | None:
    """``lazij`` → (["la", "zi", "j"], True): syllables, the last one possibly a prefix.

    None when ``word`` cannot be read as pinyin.
    """
    syllables = set(_syllables())
    word = word.lower()
    if not word.isascii() or not word.isalpha():
        return None

    # Fewest syllables first, so "xian" stays one syllable rather than "xi an"; between as
    # many, fewest starting with a vowel, as a pinyin keyboard reads "dena" as "de na", not "den a".
    def rank(found: tuple[str, ...]) -> tuple[int, int]:
        return len(found), sum(s[0] in "aeiou" for s in found)

    @cache
    def parse(start: int) -> tuple[tuple[str, ...], bool] | None:
        if start == len(word):
            return (), False
        best = None
        for end in range(min(len(word), start + 6), start, -1):
            piece = word[start:end]
            if piece in syllables:
                rest = parse(end)
                if rest is not None and (best is None or rank((piece, *rest[0])) < rank(best[0])):
                    best = ((piece, *rest[0]), rest[1])
        if best is None and any(s.startswith(word[start:]) for s in syllables):
            return (word[start:],), True
        return best

    result = parse(0)
    return (list(result[0]), result[1]) if result else None


def suggestion_words(prefix: str) -> tuple[list[str], list[str] | None] | None:
    """What a typed Latin prefix completes: its words, and the pinyin syllables they spell.

    ``kai wang``, ``kai-wang`` and ``kaiwang`` all spell kai-wang; the last syllable may be
    unfinished (``kaiw``), an earlier word's may not (``kaiw ang`` is not pinyin). None when
    the prefix is not ASCII or holds no letter or digit.
    """
    if not prefix.isascii():
        return None
    words = TOKEN.findall(prefix.lower())  # ASCII: its letter and digit runs
    if not words:
        return None
    syllables: list[str] = []
    for n, word in enumerate(words):
        read = split_pinyin(word)
        if read is None or (read[1] and n < len(words) - 1):
            return words, None
        syllables += read[0]
    return words, syllables


@dataclass
class Term:
    """One thing the user asked for: CJK characters, or Latin words that may be pinyin."""

    text: str
    phrase: bool = False
    pinyin: tuple[list[str], bool] | None = None

    @property
    def words(self) -> list[str]:
        return self.text.split()

    @property
    def is_cjk(self) -> bool:
        return all(CJK.match(c) for c in self.text.replace(" ", ""))


@dataclass
class ParsedQuery:
    terms: list[Term] = field(default_factory=list)

    @property
    def highlight_words(self) -> list[str]:
        return [term.text for term in self.terms if term.text]


def parse_query(query: str) -> ParsedQuery:
    """Any string becomes terms: quotes make phrases, operators and symbols are plain text."""
    query = normalise(query[:MAX_QUERY])
    parsed = ParsedQuery()
    pieces = re.findall(r'"([^"]*)"|(\S+)', query)
    for quoted, plain in pieces:
        chunk = quoted or plain
        tokens = TOKEN.findall(chunk)
        if quoted and tokens:
            parsed.terms.append(Term(" ".join(tokens), phrase=True))
            continue
        for token in tokens:
            pinyin = split_pinyin(token) if not CJK.match(token) else None
            previous = parsed.terms[-1] if parsed.terms else None
            # "lazi ji": pinyin typed in pieces is one word in characters.
            if pinyin and previous and previous.pinyin and not previous.pinyin[1] and not previous.phrase:
                previous.text += " " + token
                previous.pinyin = (previous.pinyin[0] + pinyin[0], pinyin[1])
                continue
            parsed.terms.append(Term(token, pinyin=pinyin))
    parsed.terms = parsed.terms[:MAX_TERMS]
    return parsed


def subject_token(subject: str) -> str:
    """One index token for a subject id, whatever characters it holds (hex: letters and digits only)."""
    return "s" + subject.encode().hex()


def fts_phrase(words: list[str], prefix: bool = False) -> str:
    """An FTS5 phrase with every token quoted, so nothing the user typed is query syntax."""
    quoted = " + ".join('"' + word.replace('"', '""') + '"' for word in words)
    return f"{quoted} *" if prefix else quoted


def bigrams(characters: str) -> list[str]:
    return [characters[i : i + 2] for i in range(len(characters) - 1)] or [characters]


def excerpt(text: str, words: list[str], width: int = 60) -> str:
    """A short, HTML-escaped excerpt around the first match, matches in <mark>."""
    normalised = normalise(text)
    if len(normalised) != len(text):
        text = normalised
    positions = [
        (match.start(), match.end())
        for word in words
        for piece in word.split()
        for match in re.finditer(re.escape(piece), normalised)
    ]
    first = min((start for start, _ in positions), default=0)
    begin = max(0, first - width // 3)
    end = min(len(text), begin + width)
    marks = sorted((max(s, begin), min(e, end)) for s, e in positions if s < end and e > begin)
    return marked(text, marks, begin, end)


def marked(text: str, spans, begin: int, end: int) -> str:
    """``text[begin:end]`` HTML-escaped with each of the sorted ``spans`` in <mark> (clipped to
    the window, overlaps merged), with "…" where the window cuts the text."""
    out, cursor = [], begin
    for start, stop in spans:
        start, stop = max(start, cursor), min(stop, end)
        if start >= stop:
            continue
        out.append(html.escape(text[cursor:start]))
        out.append(f"<mark>{html.escape(text[start:stop])}</mark>")
        cursor = stop
    out.append(html.escape(text[cursor:end]))
    return ("…" if begin > 0 else "") + "".join(out) + ("…" if end < len(text) else "")
