"""The embedded backend on PostgreSQL: one ``tsvector`` per document, a GIN index.

The token streams are the ones SQLite indexes (search.text), so both databases find the
same documents. They are written as a tsvector literal, not through to_tsvector(): the
text-search parser would drop the boundary tokens that keep phrases inside a sentence,
and how it classifies Chinese characters depends on the server's locale. Streams are
told apart by a lexeme prefix (u: characters and Latin words, b: bigrams, p: pinyin,
i: initials, a:/x: audiences that may / may not see the document, k: kind), title and
body by weight (A title, B body; pinyin C but a title's first syllable B, initials D).
Queries are tsquery literals built from our tokens, every lexeme quoted, passed as a
parameter and cast.

Ranking is ts_rank with weights, normalised by document length (option 1) — not BM25:
it has no inverse document frequency (a rare word in a two-word query weighs no more
than a common one), repeated occurrences add less and less, and for several terms it
rewards their proximity. The title-over-body order the contract asks for holds.
"""

from functools import lru_cache

from django.conf import settings

from ..text import CJK, IndexText, ParsedQuery, Term, bigrams, suggestion_words
from .dialect import DOCS, FACET_TABLE, FTS, Dialect

# ts_rank's weights, in the order {D, C, B, A}: initials, pinyin, body, title.
RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"
MAX_POSITION = 16383  # PostgreSQL's largest position; later words stop taking part in phrases.
MAX_POSITIONS = 256  # positions kept per lexeme, as PostgreSQL does
MAX_TOKEN = 100  # characters of a token kept (PostgreSQL refuses lexemes over 2 KB)


@lru_cache(maxsize=65536)
def lexeme(stream: str, token: str) -> str:
    """A quoted lexeme: nothing in ``token`` can be tsvector or tsquery syntax."""
    text = f"{stream}:{token[:MAX_TOKEN]}"
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def _add(
    positions: dict[str, list[str]], stream: str, tokens: str, weight: str, start: int = 0, first: str = ""
) -> int:
    """Give each token of a space-separated stream its position; ``_`` only takes one.

    ``first``: another weight for the first token, when the stream starts with one.
    """
    n = start
    for n, token in enumerate(tokens.split(), start + 1):
        if token != "_":
            found = positions.setdefault(lexeme(stream, token), [])
            if len(found) < MAX_POSITIONS:
                found.append(f"{min(n, MAX_POSITION)}{first if first and n == 1 else weight}")
    return n


def tsvector_literal(
    title: IndexText, body: IndexText, audiences: list[str], kind: str, subjects: list[str] = ()
) -> str:
    positions: dict[str, list[str]] = {}
    for stream, field in (("u", "unigrams"), ("b", "bigrams"), ("p", "pinyin"), ("i", "initials")):
        weight = {"p": "C", "i": "D"}.get(stream, "A")
        # A title's first syllable weighs B: suggestions complete a title's pinyin from its start.
        end = _add(positions, stream, getattr(title, field), weight, first="B" if stream == "p" else "")
        # One empty position between title and body, so no phrase runs across them.
        _add(positions, stream, getattr(body, field), "B" if weight == "A" else weight, end + 1)
    words = [f"{word}:{','.join(dict.fromkeys(found))}" for word, found in positions.items()]
    words += [lexeme("a" if a in audiences else "x", a) for a in settings.SEARCH_AUDIENCES]
    words.append(lexeme("k", kind))
    words += [lexeme("s", subject) for subject in dict.fromkeys(subjects)]
    return " ".join(words)


def _without(excluded: frozenset[str]) -> str:
    """`` & !(s:… | s:…)``: no document of an excluded subject (empty when none is)."""
    if not excluded:
        return ""
    return " & !(" + " | ".join(lexeme("s", subject) for subject in sorted(excluded)) + ")"


def _phrase(stream: str, tokens: list[str], prefix: bool = False, weight: str = "", first: str = "") -> str:
    """Tokens in a row; ``weight`` (a letter) restricts where, ``first`` the first token's."""
    marks = [f":{weight}" if weight else ""] * len(tokens)
    if first:
        marks[0] = f":{first}"
    if prefix:
        marks[-1] = ":*" + marks[-1].lstrip(":")
    return "(" + " <-> ".join(lexeme(stream, token) + mark for token, mark in zip(tokens, marks, strict=True)) + ")"


def _term_query(term: Term) -> str:
    # The same choices as fts5._term_expression, in tsquery.
    if term.is_cjk:
        characters = term.text.replace(" ", "")
        if len(characters) == 1:
            return lexeme("u", characters)
        return _phrase("b", bigrams(characters))
    if term.phrase:
        return "(" + " & ".join(_term_query(Term(word)) for word in term.words) + ")"
    options = ["(" + " & ".join(lexeme("u", word) for word in term.words) + ")"]
    if term.pinyin:
        syllables, prefix = term.pinyin
        options.append(_phrase("p", syllables, prefix))
    elif term.text.isalpha() and 2 <= len(term.text) <= 6 and term.text.isascii():
        options.append(_phrase("i", list(term.text)))  # lzj → 辣子鸡
    return "(" + " | ".join(options) + ")"


def text_query(parsed: ParsedQuery) -> str | None:
    parts = [_term_query(term) for term in parsed.terms]
    return " & ".join(parts) if parts else None


class PostgresFullText(Dialect):
    id_column = "id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
    match_sql = f"{FTS}.tsv @@ %s::tsquery"
    text_columns = ("rowid", "tsv")

    def create_text_table(self, cursor, suffix):
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {FTS}{suffix} (rowid integer PRIMARY KEY, tsv tsvector NOT NULL)")

    def create_text_index(self, cursor, suffix, name):
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {name}_tsv ON {FTS}{suffix} USING gin (tsv)")

    def insert_rows(self, cursor, table, columns, rows):
        # COPY: one statement for the batch, where INSERT runs once per row (ten times
        # slower for a rebuild's million facet rows).
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def text_row(self, doc_id, title, body, audiences, kind, subjects):
        return (doc_id, tsvector_literal(title, body, audiences, kind, subjects))

    def match(self, parsed, audience, kind="", exclude=True, excluded=frozenset()):
        text = text_query(parsed)
        if text is None:
            return None
        match = f"({text})"
        if kind:
            match += " & " + lexeme("k", kind)
        match += " & " + (f"!{lexeme('x', audience)}" if exclude else lexeme("a", audience))
        return match + _without(excluded)

    def score(self, parsed):
        return f"ts_rank('{RANK_WEIGHTS}', {FTS}.tsv, %s::tsquery, 1)", [text_query(parsed)]

    def ranked_matches(self, cursor, where, params, score, score_params, limit, offset):
        # One pass over the matching rows: reading them is most of the cost (each holds
        # a tsvector of about 1 KB), so ids and page come from the same scan.
        cursor.execute(
            f"WITH m AS (SELECT rowid, {score} AS score FROM {FTS} WHERE {where}), "
            "page AS (SELECT rowid, score FROM m ORDER BY score DESC, rowid LIMIT %s OFFSET %s) "
            "SELECT (SELECT array_agg(rowid) FROM m), (SELECT array_agg(rowid ORDER BY score DESC, rowid) FROM page), "
            "(SELECT array_agg(score ORDER BY score DESC, rowid) FROM page)",
            [*score_params, *params, limit, offset],
        )
        ids, page, scores = cursor.fetchone()
        return ids or [], list(zip(page or [], scores or [], strict=True))

    def suggest(self, prefix, audience, excluded=frozenset(), exclude=False):
        if CJK.match(prefix[-1]):
            # Weight A: in the title.
            text = _phrase("b", bigrams(prefix), weight="A") if len(prefix) > 1 else lexeme("u", prefix) + ":A"
        else:
            read = suggestion_words(prefix)
            if read is None:
                return None
            words, syllables = read
            text = _phrase("u", words, prefix=True, weight="A")
            if syllables:
                # From the title's first syllable (weight B), on through the title's pinyin (C).
                text = f"({text} | {_phrase('p', syllables, prefix=True, weight='C', first='B')})"
        audience_rule = f"!{lexeme('x', audience)}" if exclude else lexeme("a", audience)
        match = f"{text} & {audience_rule}{_without(excluded)}"
        return match, f"ts_rank({FTS}.tsv, %s::tsquery) DESC", [text]

    def audience_match(self, audience, excluded=frozenset()):
        return lexeme("a", audience) + _without(excluded)

    def prepare_swap(self, cursor, suffix):
        # Fresh tables have no statistics yet; without them the planner guesses badly.
        for table in (DOCS, FACET_TABLE, FTS):
            cursor.execute(f"ANALYZE {table}{suffix}")
