"""What a preservation export holds, as plain data (built by heritage/preserving.py)."""

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str
    speaker: str = ""


@dataclass(frozen=True)
class Person:
    id: int
    name: str  # as the person asked to be credited


@dataclass(frozen=True)
class PayloadFile:
    """A stored file to copy into the bag; ``sha256`` is the checksum on record, if any."""

    source: Path
    name: str  # path inside the item's or narrator's folder
    sha256: str = ""


@dataclass
class Item:
    """One archive item (oral history, recipe or family memory) with what describes it."""

    id: int
    slug: str
    kind: str  # oral_history, recipe, family_memory
    kind_label: str
    title: str
    summary: str
    url: str
    live: bool
    access_level: str
    date: str  # ISO date: recorded, or first published
    language: str
    place: str = ""
    decade: int | None = None
    narrators: list[Person] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    files: list[PayloadFile] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # file name -> UTF-8 text (transcripts, content)
    segments: list[Segment] = field(default_factory=list)
    duration: float | None = None
    media_type: str = ""
    rights: str = ""

    @property
    def folder(self) -> str:
        return f"items/{self.id}-{self.slug}"


@dataclass
class NarratorRecord:
    """A narrator and their whole consent history (given and withdrawn), with its evidence."""

    person: Person
    village: str
    birth_year: int | None
    dialect: str
    consents: list[dict]
    files: list[PayloadFile] = field(default_factory=list)

    @property
    def folder(self) -> str:
        return f"narrators/{self.person.id}"


@dataclass(frozen=True)
class Withheld:
    """An item left out because a narrator has not (or no longer) given the consent it needs."""

    id: int
    slug: str
    title: str
    reasons: tuple[str, ...]

    def line(self) -> str:
        return f"{self.id}\t{self.slug}\t{self.title}\t{'；'.join(self.reasons)}"


@dataclass
class ArchiveExport:
    """Everything one bag holds, and what it leaves out."""

    title: str
    organisation: str
    items: list[Item]
    narrators: list[NarratorRecord]
    withheld: list[Withheld]
    created: str  # ISO date-time
    keywords: list[str] = field(default_factory=list)  # glossary terms, for OHMS point keywords
