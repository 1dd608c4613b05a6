"""An OHMS index (the Nunn Center's Oral History Metadata Synchronizer) for one oral history.

Element order follows the OHMS 5.4 XSD sequence (SERVING-AND-ARCHIVING.md §7): ``time``
is whole seconds (xs:int), ``keywords`` are joined with ``;`` (the OHMS viewer splits on
it). Each ``point`` is one group of transcript sentences.
"""

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from .records import Item, Segment

NAMESPACE = "https://www.weareavp.com/nunncenter/ohms"
SCHEMA_LOCATION = "https://www.weareavp.com/nunncenter/ohms/ohms.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
VERSION = "5.4"
# record's children in XSD order (those this export writes), for the order test.
RECORD_ORDER = (
    "version date title accession duration collection_id collection_name repository keyword interviewee "
    "interviewer file_name sync translate mediafile language index type description transcript rights fmt "
    "usage userestrict"
).split()
POINT_ORDER = ("time", "title", "partial_transcript", "synopsis", "keywords", "subjects")
# A new point starts after this many seconds, or when the speaker changes.
POINT_SECONDS = 60.0
TITLE_CHARS = 24


@dataclass(frozen=True)
class Point:
    time: int
    title: str
    text: str
    keywords: tuple[str, ...]


def clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def group_segments(segments: list[Segment], seconds: float = POINT_SECONDS) -> list[list[Segment]]:
    """Consecutive sentences, cut when a group reaches ``seconds`` or the speaker changes."""
    groups: list[list[Segment]] = []
    for segment in sorted(segments, key=lambda s: s.start):
        current = groups[-1] if groups else None
        if current is None or (
            (segment.speaker != current[0].speaker or segment.start - current[0].start >= seconds)
            # Two points never share a second.
            and math.floor(segment.start) > math.floor(current[0].start)
        ):
            groups.append([segment])
        else:
            current.append(segment)
    return groups


def _title(text: str) -> str:
    first = text.replace("？", "。").replace("！", "。").split("。")[0].strip() or text.strip()
    return first if len(first) <= TITLE_CHARS else first[: TITLE_CHARS - 1] + "…"


def points(item: Item, vocabulary: list[str], seconds: float = POINT_SECONDS) -> list[Point]:
    """One point per sentence group; keywords are the vocabulary terms the group says, first said first."""
    terms = sorted({t for t in [*vocabulary, *item.tags, *item.themes] if t and ";" not in t}, key=len, reverse=True)
    result = []
    for group in group_segments(item.segments, seconds):
        text = "".join(s.text for s in group)
        found = sorted((text.find(term), term) for term in terms if term in text)
        keywords = tuple(dict.fromkeys(term for _, term in found))
        speaker = group[0].speaker
        result.append(
            Point(math.floor(group[0].start), (f"{speaker}：" if speaker else "") + _title(text), text, keywords)
        )
    return result


def index_xml(item: Item, repository: str, vocabulary: list[str], media_file: str = "") -> bytes:
    """The OHMS XML for ``item`` (an oral history whose narrators consented)."""
    ET.register_namespace("", NAMESPACE)
    ET.register_namespace("xsi", XSI)
    root = ET.Element(f"{{{NAMESPACE}}}ROOT", {f"{{{XSI}}}schemaLocation": f"{NAMESPACE} {SCHEMA_LOCATION}"})
    record = ET.SubElement(root, f"{{{NAMESPACE}}}record", {"id": str(item.id), "dt": item.date})

    def add(parent: ET.Element, name: str, text: str | None = None, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{NAMESPACE}}}{name}", attributes)
        if text is not None:
            element.text = text
        return element

    add(record, "version", VERSION)
    add(record, "date", value=item.date, format="yyyy-mm-dd")
    add(record, "title", item.title)
    add(record, "accession", f"libei-{item.id}")
    if item.duration:
        add(record, "duration", clock(item.duration))
    add(record, "collection_id", "libei")
    add(record, "collection_name", "立碑村味道记忆")
    add(record, "repository", repository)
    for keyword in item.tags:
        add(record, "keyword", keyword)
    for person in item.narrators:
        add(record, "interviewee", person.name)
    if media_file:
        add(record, "file_name", media_file)
    add(record, "sync", "")
    add(record, "translate", "0")
    mediafile = add(record, "mediafile")
    add(mediafile, "host", "Other")
    add(mediafile, "clip_format", "audio")
    add(record, "language", item.language)
    index = add(record, "index")
    for point in points(item, vocabulary):
        element = add(index, "point")
        add(element, "time", str(point.time))
        add(element, "title", point.title)
        add(element, "partial_transcript", point.text)
        add(element, "synopsis", "")
        add(element, "keywords", ";".join(point.keywords))
        add(element, "subjects", ";".join(item.themes))
    add(record, "type", "Oral History")
    add(record, "description", item.summary)
    add(record, "transcript", "\n".join(s.text for s in item.segments))
    add(record, "rights", item.rights)
    add(record, "fmt", "audio")
    add(record, "usage", "")
    add(record, "userestrict", "0" if item.access_level == "public" else "1")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
