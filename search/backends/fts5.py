"""The embedded backend on SQLite: an FTS5 table, one column per token stream.

FTS5 tokenises with ``unicode61`` here, which splits on spaces: the Chinese-aware work
(characters, bigrams, pinyin) is done in search.text before text reaches it. ``_`` is
made a token character, so the boundary tokens search.text writes (between a title and
its body, after punctuation) take a position and no phrase runs across them; no query
can hold one (search.text.TOKEN is letters and digits). Who may
see a document and its kind are columns too, so they are part of every MATCH.
"""

import numpy as np
from django.conf import settings

from ..text import CJK, bigrams, fts_phrase, subject_token, suggestion_words
from .dialect import FTS, Dialect

COLUMNS = ("title_uni", "title_bi", "body_uni", "body_bi", "pinyin", "initials", "audience", "kind")
# bm25 weights, one per column above: a match in the title counts most, pinyin least.
WEIGHTS = (3.0, 6.0, 1.0, 2.0, 0.8, 0.4, 0.0, 0.0)


def _term_expression(term) -> str | None:
    if term.is_cjk:
        characters = term.text.replace(" ", "")
        if len(characters) == 1:
            return "{title_uni body_uni} : " + fts_phrase([characters])
        return "{title_bi body_bi} : " + fts_phrase(bigrams(characters))
    if term.phrase:
        parts = [_term_expression(type(term)(word)) for word in term.words]
        return "(" + " AND ".join(p for p in parts if p) + ")"
    latin = " AND ".join("{title_uni body_uni} : " + fts_phrase([word]) for word in term.words)
    options = [f"({latin})"]
    if term.pinyin:
        syllables, prefix = term.pinyin
        options.append("{pinyin} : " + fts_phrase(syllables, prefix))
    elif term.text.isalpha() and 2 <= len(term.text) <= 6 and term.text.isascii():
        options.append("{initials} : " + fts_phrase(list(term.text)))  # lzj → 辣子鸡
    return "(" + " OR ".join(options) + ")"


class SQLiteFTS5(Dialect):
    id_column = "id INTEGER PRIMARY KEY"
    match_sql = f"{FTS} MATCH %s"
    text_columns = ("rowid", *COLUMNS)

    def create_text_table(self, cursor, suffix):
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS}{suffix} USING fts5({', '.join(COLUMNS)}, "
            "tokenize = \"unicode61 remove_diacritics 0 tokenchars '_'\", prefix = '1 2')"
        )

    def create_text_index(self, cursor, suffix, name):
        pass  # FTS5 is its own index

    def text_row(self, doc_id, title, body, audiences, kind, subjects):
        # Each document names the audiences that may NOT find it too: excluding a short
        # list ("x" tokens) is much cheaper for FTS5 than intersecting with a long one.
        # Its subjects ride in the same column ("s" tokens), for the same cheap NOT.
        audience = " ".join(f"a{a}" if a in audiences else f"x{a}" for a in settings.SEARCH_AUDIENCES)
        audience = " ".join([audience, *(subject_token(s) for s in subjects)])
        return (
            doc_id,
            title.unigrams,
            title.bigrams,
            body.unigrams,
            body.bigrams,
            f"{title.pinyin} _ {body.pinyin}",
            f"{title.initials} _ {body.initials}",
            audience,
            f"k{kind}",
        )

    def match(self, parsed, audience, kind="", exclude=True, excluded=frozenset()):
        parts = [p for p in (_term_expression(t) for t in parsed.terms) if p]
        if not parts:
            return None
        if kind:
            parts.append("{kind} : " + fts_phrase([f"k{kind}"]))
        return "(" + " AND ".join(parts) + ")" + self._audience(audience, exclude, excluded)

    @staticmethod
    def _audience(audience: str, exclude: bool = True, excluded: frozenset[str] = frozenset()) -> str:
        if exclude:
            match = " NOT {audience} : " + fts_phrase([f"x{audience}"])
        else:
            match = " AND {audience} : " + fts_phrase([f"a{audience}"])
        if excluded:
            # NOT binds tightest in FTS5; each subject's posting list is short (its own documents).
            subjects = " OR ".join(fts_phrase([subject_token(s)]) for s in sorted(excluded))
            match += " NOT {audience} : (" + subjects + ")"
        return match

    def score(self, parsed):
        # bm25() is lower for better matches; negated so that higher is better everywhere.
        return f"-bm25({FTS}, {', '.join(str(w) for w in WEIGHTS)})", []

    def ranked_matches(self, cursor, where, params, score, score_params, limit, offset):
        # Two passes: ids alone (one string: faster than a row each), then bm25 for the
        # page. FTS5 cannot call bm25() inside an aggregate, and materialising every
        # (id, score) for one pass costs more than matching twice.
        cursor.execute(f"SELECT group_concat(rowid) FROM {FTS} WHERE {where}", params)
        found = cursor.fetchone()[0]
        if not found:
            return [], []
        cursor.execute(
            f"SELECT rowid, {score} AS score FROM {FTS} WHERE {where} ORDER BY score DESC, rowid LIMIT %s OFFSET %s",
            [*score_params, *params, limit, offset],
        )
        return np.fromstring(found, dtype=np.int64, sep=","), cursor.fetchall()

    def suggest(self, prefix, audience, excluded=frozenset(), exclude=False):
        if CJK.match(prefix[-1]):
            term = "{title_uni title_bi} : " + fts_phrase(bigrams(prefix) if len(prefix) > 1 else [prefix])
        else:
            read = suggestion_words(prefix)
            if read is None:
                return None
            words, syllables = read
            term = "{title_uni} : " + fts_phrase(words, prefix=True)
            if syllables:
                # The column holds the title's pinyin, then the body's: ^ keeps to the title's start.
                term = f"({term}) OR ({{pinyin}} : ^ {fts_phrase(syllables, prefix=True)})"
        return f"({term}){self._audience(audience, exclude, excluded)}", "rank", []

    def audience_match(self, audience, excluded=frozenset()):
        match = "{audience} : " + fts_phrase([f"a{audience}"])
        if excluded:
            match = "(" + match + ")" + self._audience(audience, True, excluded)
        return match
