"""What the tables that decide visibility look like *now*, read in one query (issue 12).

The page cache (heritage/page_cache.py) folds this fingerprint into every key. Signals only
see saves made through models; a ``QuerySet.update()``, a ``bulk_create``, a console or a
restore changes the tables without a word, and a withdrawal dated ahead changes nothing at all
when its time comes. Two parts, read together on every cacheable request:

* a **version token**, one row (``PageCacheVersion``) that database triggers on every watched
  table rewrite with a random value whenever a row is inserted, updated or deleted (or the
  table truncated), by any client. The row is written inside the writer's transaction, so a
  reader sees the new token exactly when it can see the new data. Any column counts: a
  pseudonym, a sign-in restriction, a sentence taken out of a transcript;
* for each watched date-time column, how many rows have a time set and the sum of the ids of
  the rows whose time has been *reached* (compared with the request's now). Without a write
  that sum only grows as time passes (a write rewrites the token), so a withdrawal or a grant
  dated ahead changes the key the moment its time comes.

Apps name their own tables with :func:`watch` from ``AppConfig.ready`` (heritage cannot know
stories' kits: the dependencies point the other way); the triggers are (re)made after every
``migrate`` (:func:`install_triggers`).
"""

import hashlib
import weakref
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.db import connections, models
from django.utils import timezone

TRIGGER_PREFIX = "libei_page_cache"


@dataclass(frozen=True)
class Watched:
    model: type[models.Model]
    dated: tuple[str, ...]


_watched: dict[str, Watched] = {}


def watch(model: type[models.Model], *dated: str) -> None:
    """Every change to ``model``'s table changes the key; so does each time in ``dated`` as it passes."""
    for name in dated:
        if not isinstance(model._meta.get_field(name), models.DateTimeField):  # a typo fails at start-up
            raise TypeError(f"页面缓存只按日期时间字段计时 / not a date-time field: {model.__name__}.{name}")
    _watched[model._meta.label_lower] = Watched(model, tuple(dated))


def watched() -> list[Watched]:
    return [_watched[label] for label in sorted(_watched)]


def _version_table(connection) -> str:
    # By name: heritage's models import the page cache, which reads this module.
    return connection.ops.quote_name(apps.get_model("heritage", "PageCacheVersion")._meta.db_table)


# --- triggers ---------------------------------------------------------------------------------


def _trigger_statements(connection, entry: Watched) -> list[str]:
    table = entry.model._meta.db_table
    quoted, version = connection.ops.quote_name(table), _version_table(connection)
    name = f"{TRIGGER_PREFIX}_{hashlib.sha256(table.encode()).hexdigest()[:12]}"
    if connection.vendor == "postgresql":
        # One statement-level trigger: a bulk update of 200 rows writes the version row once.
        return [
            f"CREATE OR REPLACE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {quoted} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER_PREFIX}_touch()"
        ]
    touch = f"INSERT OR REPLACE INTO {version} (id, token) VALUES (1, lower(hex(randomblob(16))))"
    statements = []
    for event in ("INSERT", "UPDATE", "DELETE"):
        trigger = f"{name}_{event.lower()}"
        statements += [
            f"DROP TRIGGER IF EXISTS {trigger}",
            f"CREATE TRIGGER {trigger} AFTER {event} ON {quoted} BEGIN {touch}; END",
        ]
    return statements


def install_triggers(using: str = "default", **_kwargs) -> None:
    """(Re)make the triggers on every watched table; connected to ``post_migrate``."""
    connection = connections[using]
    if connection.vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"页面缓存的触发器只支持 PostgreSQL 和 SQLite / unsupported: {connection.vendor}")
    version = _version_table(connection)
    statements = []
    if connection.vendor == "postgresql":
        # Upsert, not update: a flush (TRUNCATE) of the version table must not silence it.
        statements.append(
            f"CREATE OR REPLACE FUNCTION {TRIGGER_PREFIX}_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"INSERT INTO {version} (id, token) VALUES (1, md5(random()::text || clock_timestamp()::text)) "
            f"ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token; RETURN NULL; END $$"
        )
    # A migrate of one app to an older state may leave another's tables missing: those get
    # their trigger from the migrate that makes them.
    existing = set(connection.introspection.table_names())
    for entry in watched():
        if entry.model._meta.db_table in existing:
            statements += _trigger_statements(connection, entry)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


# --- the fingerprint --------------------------------------------------------------------------


def _bigint(column: str) -> str:
    return f"CAST({column} AS BIGINT)"


def _query(connection) -> tuple[str, int]:
    """The one query, built once per set of tables and database: the token, then one text per
    dated column (a UNION of one-row selects: PostgreSQL took 10 ms to plan them as a join).
    Returns it with the number of its parameters, each the request's time."""
    entries = watched()
    cache_key = (connection.vendor, tuple((entry.model._meta.label_lower, entry.dated) for entry in entries))
    if _built.get("key") != cache_key:
        parts = [f"SELECT 0 AS place, token AS state FROM {_version_table(connection)}"]
        for entry in entries:
            meta = entry.model._meta
            pk = connection.ops.quote_name(meta.pk.column)
            for name in entry.dated:
                column = connection.ops.quote_name(meta.get_field(name).column)
                state = (
                    f"CAST(COUNT({column}) AS TEXT) || ',' || "
                    f"COALESCE(CAST(SUM(CASE WHEN {column} <= %s THEN {_bigint(pk)} ELSE 0 END) AS TEXT), '')"
                )
                parts.append(
                    f"SELECT {len(parts)} AS place, {state} AS state FROM {connection.ops.quote_name(meta.db_table)}"
                )
        _built.update(key=cache_key, sql=" UNION ALL ".join(parts), times=len(parts) - 1)
    return _built["sql"], _built["times"]


_built: dict = {}
# Raw PostgreSQL connections and the fingerprint statements prepared on each.
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _prepared_statement(connection, sql: str, times: int) -> str:
    """The query prepared once per PostgreSQL connection, by name: planning it took longer than
    running it, on every cacheable request. A prepared statement outlives a rolled-back
    transaction, and goes with its connection."""
    connection.ensure_connection()
    raw = connection.connection
    name = f"{TRIGGER_PREFIX}_fingerprint_{hashlib.sha256(sql.encode()).hexdigest()[:16]}"
    names = _prepared.setdefault(raw, set())
    if name not in names:
        body = sql % (("$1",) * times)  # the request's time is the only parameter
        with connection.cursor() as cursor:
            cursor.execute(f"PREPARE {name} (timestamptz) AS {body}")
        names.add(name)
    return name


def fingerprint(now: datetime | None = None, using: str = "default") -> str:
    """The watched tables' state at ``now`` as text: one query."""
    connection = connections[using]
    sql, times = _query(connection)
    now = connection.ops.adapt_datetimefield_value(now or timezone.now())
    if connection.vendor == "postgresql":
        sql, params = f"EXECUTE {_prepared_statement(connection, sql, times)} (%s)", [now]
    else:
        params = [now] * times
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return "|".join(state or "" for _place, state in sorted(rows))
