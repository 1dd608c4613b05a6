"""Dublin Core for each item (a tag file in the bag) and DC- labels for bag-info.txt.

bag-info.txt strips newlines from values (bagit-python 1.9, SERVING-AND-ARCHIVING.md §6),
so the full record goes into ``metadata/<item>/dc.xml`` and bag-info carries short labels.
"""

import xml.etree.ElementTree as ET

from .records import ArchiveExport, Item

DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
ET.register_namespace("dc", DC)
ET.register_namespace("dcterms", DCTERMS)

# DCMI Type Vocabulary.
DCMI_TYPES = {"oral_history": "Sound", "recipe": "Text", "family_memory": "Text"}


def item_record(item: Item, publisher: str) -> bytes:
    """The item's Dublin Core record as UTF-8 XML."""
    root = ET.Element("metadata")

    def add(name: str, text: str | None, namespace: str = DC) -> None:
        if text:
            ET.SubElement(root, f"{{{namespace}}}{name}").text = text

    add("title", item.title)
    for person in item.narrators:
        add("creator", person.name)
    for subject in [*item.themes, *item.tags]:
        add("subject", subject)
    add("description", item.summary)
    add("publisher", publisher)
    add("date", item.date)
    add("type", DCMI_TYPES.get(item.kind, "Text"))
    add("format", item.media_type)
    add("identifier", item.url)
    add("identifier", f"libei:page:{item.id}")
    add("language", item.language)
    add("coverage", item.place)
    if item.decade:
        add("temporal", f"{item.decade}s", DCTERMS)
    add("rights", item.rights)
    if item.duration:
        add("extent", f"{item.duration:.1f} s", DCTERMS)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def bag_info(export: ArchiveExport) -> dict[str, str | list[str]]:
    """Labels for bag-info.txt: the bag as a whole, in Dublin Core terms."""
    creators = sorted({p.name for item in export.items for p in item.narrators})
    return {
        "Source-Organization": export.organisation,
        "External-Description": f"{export.title}：{len(export.items)} 个条目，{len(export.withheld)} 个因同意未导出",
        "External-Identifier": f"libei-bag-{export.created}",
        "DC-Title": export.title,
        "DC-Creator": creators or [export.organisation],
        "DC-Publisher": export.organisation,
        "DC-Date": export.created[:10],
        "DC-Language": "zh-Hans",
        "DC-Type": "Collection",
        "DC-Rights": (
            "仅限存档：每个条目的讲述人均保有“存档”同意；公开和商业使用另需各自的同意（见 narrators/*/consent.json）"
        ),
    }
