"""What the tables that decide visibility look like *now*, read in one query (issue 12).

The page cache (heritage/page_cache.py) folds this fingerprint into every key. Signals only
see saves made through models; a ``QuerySet.update()``, a raw SQL fix or a restore changes the
tables without a word, and a withdrawal dated ahead changes nothing at all when its time
comes. The fingerprint reads the tables themselves on every cacheable request, so any of
these gives the next request a new key, and the page is rendered (and the gate asked) afresh.

Each watched table contributes its row count and the sum and maximum of its ids (rows added,
deleted or replaced), and for each column that decides visibility a checksum that moves when
any row's value moves:

* a boolean: the sum of the ids of the rows where it is true (a page or kit going live);
* a foreign key or number: the sum of id × value (a link moved to another narrator);
* a text with choices: the sum of id × the choice's place (a scope or an access level);
* a date-time: how many are set, their maximum, and the sum of the ids of the rows whose time
  has been *reached* (compared with the request's now). A withdrawal or grant dated ahead
  adds its id the moment its time passes, so the key changes without any write.

Sums are taken in 64-bit integers (PostgreSQL multiplies 32-bit page ids otherwise, and
overflows). Apps name their own tables with :func:`watch` from ``AppConfig.ready``: heritage
cannot know stories' kits (the dependencies point the other way).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection, models
from django.utils import timezone


@dataclass(frozen=True)
class Watched:
    model: type[models.Model]
    fields: tuple[str, ...]


_watched: dict[str, Watched] = {}


def watch(model: type[models.Model], *fields: str) -> None:
    """Fold ``model``'s table, and the values of ``fields``, into every page cache key."""
    for name in fields:
        model._meta.get_field(name)  # a typo fails at start-up, not silently
    _watched[model._meta.label_lower] = Watched(model, tuple(fields))


def watched() -> list[Watched]:
    return [_watched[label] for label in sorted(_watched)]


def _bigint(column: str) -> str:
    return f"CAST({column} AS BIGINT)"


def _field_terms(field: models.Field, pk: str, now) -> tuple[list[str], list]:
    column = connection.ops.quote_name(field.column)
    if isinstance(field, models.BooleanField):
        return [f"SUM(CASE WHEN {column} THEN {_bigint(pk)} ELSE 0 END)"], []
    if isinstance(field, models.DateTimeField):
        reached = f"SUM(CASE WHEN {column} <= %s THEN {_bigint(pk)} ELSE 0 END)"
        return [f"COUNT({column})", f"MAX({column})", reached], [now]
    if field.choices:
        values = [value for value, _label in field.flatchoices]
        places = " ".join(f"WHEN %s THEN {place}" for place in range(1, len(values) + 1))
        return [f"SUM({_bigint(pk)} * CASE {column} {places} ELSE 0 END)"], values
    if isinstance(field, models.ForeignKey | models.IntegerField):
        return [f"SUM({_bigint(pk)} * {_bigint(column)})"], []
    raise TypeError(f"页面缓存指纹不支持这种字段 / unsupported field for the page fingerprint: {field!r}")


def _table_query(entry: Watched, now) -> tuple[str, list]:
    meta = entry.model._meta
    pk = connection.ops.quote_name(meta.pk.column)
    terms, params = ["COUNT(*)", f"SUM({_bigint(pk)})", f"MAX({pk})"], []
    for name in entry.fields:
        field_terms, field_params = _field_terms(meta.get_field(name), pk, now)
        terms += field_terms
        params += field_params
    return f"SELECT {', '.join(terms)} FROM {connection.ops.quote_name(meta.db_table)}", params


def fingerprint(now: datetime | None = None) -> str:
    """The watched tables' state at ``now`` as text: one query, a few hundred rows read."""
    entries = watched()
    if not entries:
        return "-"
    now = connection.ops.adapt_datetimefield_value(now or timezone.now())
    parts, params = [], []
    # Each aggregate without GROUP BY is exactly one row, so the cross join is one row too.
    for place, entry in enumerate(entries):
        sql, table_params = _table_query(entry, now)
        parts.append(f"({sql}) AS t{place}")
        params += table_params
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {', '.join(parts)}", params)
        row = cursor.fetchone()
    return "|".join("" if value is None else str(value) for value in row)
