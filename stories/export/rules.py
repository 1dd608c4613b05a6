"""The platform rules file (`platforms.toml`): loaded, checked, and counted against.

Platforms change their limits, so they live in one data file with a source, a grade
and a checked date per rule (DOMAIN.md, "Selling online"); this module is the only
reader. Unverified platforms are kept with a note and skipped by the exporter.
"""

import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from .exceptions import RulesFileError

RULES_PATH = Path(__file__).with_name("platforms.toml")
GRADES = ("H", "M")
IMAGE_KINDS = ("main", "white", "portrait", "detail")
FITS = ("crop", "pad")
# What a generated title is made of (listing.build_title), in the order a platform's rule lists them.
TITLE_PARTS = ("name", "spec", "keywords", "tagline", "points")


@dataclass(frozen=True)
class Sourced:
    source: str
    grade: str
    checked: date


@dataclass(frozen=True)
class TitleRule(Sourced):
    max_units: int
    min_units: int = 0
    wide_units: int = 2
    ascii_units: int = 1
    emoji: bool = True
    not_only_ascii: bool = False
    symbols: str | None = None  # the only non-alphanumeric characters allowed, when limited
    order: tuple[str, ...] = TITLE_PARTS  # which words come first: what the platform's buyers search or read

    def units(self, text: str) -> int:
        """Length as the platform counts it: ASCII characters and the others apart."""
        return sum(self.ascii_units if ord(ch) < 128 else self.wide_units for ch in text)


@dataclass(frozen=True)
class FieldRule(Sourced):
    label: str
    min_chars: int = 0
    max_chars: int | None = None  # None: no limit known, check in the backend


@dataclass(frozen=True)
class ImageRule(Sourced):
    kind: str
    width: int
    height: int | None = None  # None for detail slices: any height up to max_height
    max_height: int | None = None
    fit: str = "crop"
    min_bytes: int = 0
    max_bytes: int = 1_000_000
    min_count: int = 0
    max_count: int | None = None


@dataclass(frozen=True)
class PlatformRules:
    key: str
    name: str
    english: str
    title: TitleRule
    fields: dict[str, FieldRule] = field(default_factory=dict)
    images: dict[str, ImageRule] = field(default_factory=dict)


@dataclass(frozen=True)
class Rules:
    platforms: dict[str, PlatformRules]
    skipped: dict[str, str]  # unverified platform key → the note saying why


def _get(table: dict, key: str, kind: type | tuple[type, ...], where: str, default=...):
    if key not in table:
        if default is ...:
            raise RulesFileError(where, f"`{key}` is missing")
        return default
    value = table[key]
    # bool is an int in Python: a `true` where a number belongs is still an error.
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise RulesFileError(f"{where}.{key}", f"expected {kind}, got {value!r}")
    if not isinstance(value, kind):
        raise RulesFileError(f"{where}.{key}", f"expected {kind}, got {value!r}")
    return value


def _sourced(table: dict, where: str) -> dict:
    grade = _get(table, "grade", str, where)
    if grade not in GRADES:
        raise RulesFileError(f"{where}.grade", f"must be one of {GRADES}, got {grade!r}")
    checked = _get(table, "checked", date, where)
    source = _get(table, "source", str, where).strip()
    if not source:
        raise RulesFileError(f"{where}.source", "must say where the rule comes from")
    return {"source": source, "grade": grade, "checked": checked}


def _title(table: dict, where: str) -> TitleRule:
    rule = TitleRule(
        **_sourced(table, where),
        max_units=_get(table, "max_units", int, where),
        min_units=_get(table, "min_units", int, where, 0),
        wide_units=_get(table, "wide_units", int, where, 2),
        ascii_units=_get(table, "ascii_units", int, where, 1),
        emoji=_get(table, "emoji", bool, where, True),
        not_only_ascii=_get(table, "not_only_ascii", bool, where, False),
        symbols=_get(table, "symbols", str, where, None),
        order=tuple(_get(table, "order", list, where, list(TITLE_PARTS))),
    )
    if sorted(rule.order) != sorted(TITLE_PARTS):
        raise RulesFileError(f"{where}.order", f"must list each of {TITLE_PARTS} once")
    if not 0 <= rule.min_units < rule.max_units:
        raise RulesFileError(where, f"min_units {rule.min_units} must be below max_units {rule.max_units}")
    return rule


def _field(table: dict, where: str) -> FieldRule:
    rule = FieldRule(
        **_sourced(table, where),
        label=_get(table, "label", str, where),
        min_chars=_get(table, "min_chars", int, where, 0),
        max_chars=_get(table, "max_chars", int, where, None),
    )
    if rule.max_chars is not None and rule.max_chars < rule.min_chars:
        raise RulesFileError(where, "max_chars is below min_chars")
    return rule


def _image(kind: str, table: dict, where: str) -> ImageRule:
    if kind not in IMAGE_KINDS:
        raise RulesFileError(where, f"unknown image kind {kind!r}; known: {IMAGE_KINDS}")
    rule = ImageRule(
        **_sourced(table, where),
        kind=kind,
        width=_get(table, "width", int, where),
        height=_get(table, "height", int, where, None),
        max_height=_get(table, "max_height", int, where, None),
        fit=_get(table, "fit", str, where, "crop"),
        min_bytes=_get(table, "min_bytes", int, where, 0),
        max_bytes=_get(table, "max_bytes", int, where),
        min_count=_get(table, "min_count", int, where, 0),
        max_count=_get(table, "max_count", int, where, None),
    )
    if rule.fit not in FITS:
        raise RulesFileError(f"{where}.fit", f"must be one of {FITS}")
    if kind == "detail" and (rule.max_height is None or rule.height is not None):
        raise RulesFileError(where, "detail slices take `max_height`, not `height`")
    if kind != "detail" and rule.height is None:
        raise RulesFileError(where, "`height` is missing")
    if rule.min_bytes >= rule.max_bytes:
        raise RulesFileError(where, "min_bytes must be below max_bytes")
    return rule


def parse_rules(data: dict) -> Rules:
    """Check a parsed rules file and turn it into `Rules`; raises `RulesFileError`."""
    platforms, skipped = {}, {}
    for key, table in _get(data, "platforms", dict, "file").items():
        where = f"platforms.{key}"
        if not _get(table, "verified", bool, where):
            skipped[key] = _get(table, "note", str, where)
            continue
        platforms[key] = PlatformRules(
            key=key,
            name=_get(table, "name", str, where),
            english=_get(table, "english", str, where),
            title=_title(_get(table, "title", dict, where), f"{where}.title"),
            fields={
                name: _field(value, f"{where}.fields.{name}")
                for name, value in _get(table, "fields", dict, where, {}).items()
            },
            images={
                kind: _image(kind, value, f"{where}.images.{kind}")
                for kind, value in _get(table, "images", dict, where, {}).items()
            },
        )
    if not platforms:
        raise RulesFileError("platforms", "no verified platform")
    return Rules(platforms=platforms, skipped=skipped)


@cache
def _load_default() -> Rules:
    return load_rules(RULES_PATH)


def load_rules(path: Path | None = None) -> Rules:
    """The rules in `path` (by default the package's `platforms.toml`)."""
    if path is None:
        return _load_default()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise RulesFileError(str(path), f"not valid TOML: {error}") from error
    return parse_rules(data)
