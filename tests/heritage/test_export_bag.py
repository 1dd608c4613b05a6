"""Archival exports: a valid BagIt package without withdrawn narrators' items, and OHMS index XML."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import bagit
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from heritage.models import OralHistoryPage
from heritage.preservation import ohms
from heritage.preservation.records import Item, Person, Segment
from media import ingest

from .. import factories as f

pytestmark = pytest.mark.django_db
NS = {"o": ohms.NAMESPACE}
DC = {"dc": "http://purl.org/dc/elements/1.1/"}


@pytest.fixture
def archive(make_audio):
    """王秀英 (every consent), 张德明 (archive only) and 李桂芬 (withdrew archive consent), one oral history each."""
    _, index = f.site_tree()
    wang = f.full_consent("王秀英")
    zhang = f.narrator("张德明", scopes=("archive",))
    li = f.narrator("李桂芬", scopes=("public",), withdrawn=("archive",))
    pages = {}
    for key, who, texts in (
        ("wang", wang, ["阳朗辣子鸡要用糍粑辣椒。", "外婆教我舂辣椒。"]),
        ("zhang", zhang, ["油坊的秋天最忙。"]),
        ("li", li, ["我嫁到立碑村那年。"]),
    ):
        with make_audio("ogg", seconds=1.0 + len(pages) * 0.3).open("rb") as stream:
            recording = ingest.ingest(stream, f"{key}.ogg", key)
        f.transcript(recording, texts)
        page = f.item(index, OralHistoryPage, [who], recording=recording, title=f"{who.name}的故事")
        page.tags.add("辣子鸡")
        pages[key] = page
    return pages, {"wang": wang, "zhang": zhang, "li": li}


def only_bag(out: Path) -> Path:
    (bag,) = list(out.iterdir())  # nothing half-written is left beside it
    return bag


def test_the_bag_is_valid_and_leaves_out_withdrawn_narrators(archive, tmp_path, capsys):
    pages, people = archive
    call_command("export_bag", out=tmp_path / "bags")
    out = capsys.readouterr().out
    path = only_bag(tmp_path / "bags")
    bag = bagit.Bag(str(path))
    bag.validate()  # re-validated from disk, with both manifests
    assert set(bag.algorithms) == {"sha256", "sha512"}
    assert bag.info["DC-Title"].startswith("立碑村味道记忆档案") and "DC-Rights" in bag.info

    for key in ("wang", "zhang"):
        folder = path / "data" / "items" / f"{pages[key].pk}-{pages[key].slug}"
        original = folder / f"original{Path(pages[key].recording.original.name).suffix}"
        assert original.read_bytes() == Path(pages[key].recording.original.path).read_bytes()
        assert (folder / "transcript.vtt").read_text(encoding="utf-8").startswith("WEBVTT")
        assert json.loads((folder / "transcript.json").read_text(encoding="utf-8"))["segments"]
        assert ET.parse(folder / "ohms.xml").getroot().find("o:record", NS) is not None
        dc = ET.parse(path / "metadata" / "items" / folder.name / "dc.xml").getroot()
        assert dc.find("dc:title", DC).text == pages[key].title
        assert dc.find("dc:creator", DC).text == people[key].name
    assert f"metadata/items/{pages['wang'].pk}-{pages['wang'].slug}/dc.xml" in bag.tagfile_entries()

    # 李桂芬 withdrew archive consent: her story and her consent record stay out, and are listed.
    li_page = pages["li"]
    assert not list(path.glob(f"data/items/{li_page.pk}-*"))
    assert not (path / "data" / "narrators" / str(people["li"].pk)).exists()
    withheld = (path / "withheld.txt").read_text(encoding="utf-8")
    assert f"{li_page.pk}\t{li_page.slug}\t{li_page.title}" in withheld and "存档" in withheld
    assert f"未导出：#{li_page.pk}《{li_page.title}》" in out
    consent = json.loads((path / "data" / "narrators" / str(people["zhang"].pk) / "consent.json").read_text())
    assert [c["scope"] for c in consent["consents"]] == ["archive"]


def test_a_tampered_payload_byte_fails_validation(archive, tmp_path):
    call_command("export_bag", out=tmp_path / "bags")
    path = only_bag(tmp_path / "bags")
    original = next(path.glob("data/items/*/original.*"))
    data = bytearray(original.read_bytes())
    data[len(data) // 2] ^= 0x01
    original.write_bytes(bytes(data))
    with pytest.raises(bagit.BagValidationError) as failed:
        bagit.Bag(str(path)).validate()
    assert any(isinstance(d, bagit.ChecksumMismatch) for d in failed.value.details)
    # The archive's own copy is untouched: the bag holds copies, never links.
    call_command("fixity")


def test_one_narrators_bag(archive, tmp_path):
    pages, people = archive
    call_command("export_bag", narrator=people["zhang"].pk, out=tmp_path / "bags")
    path = only_bag(tmp_path / "bags")
    assert path.name.endswith(f"-narrator-{people['zhang'].pk}")
    assert [p.name for p in (path / "data" / "items").iterdir()] == [f"{pages['zhang'].pk}-{pages['zhang'].slug}"]
    bagit.Bag(str(path)).validate()
    with pytest.raises(CommandError, match="没有编号为 999999 的讲述人"):
        call_command("export_bag", narrator=999999, out=tmp_path / "bags")


def test_a_changed_original_is_never_bagged(archive, tmp_path):
    pages, _ = archive
    Path(pages["wang"].recording.original.path).write_bytes(b"changed on disk")
    with pytest.raises(CommandError, match="校验值不符"):
        call_command("export_bag", out=tmp_path / "bags")
    assert not list((tmp_path / "bags").iterdir())


def test_ohms_index_reads_back_in_order(archive, tmp_path):
    pages, _ = archive
    target = tmp_path / "wang.xml"
    call_command("export_ohms", pages["wang"].pk, out=target)
    record = ET.parse(target).getroot().find("o:record", NS)
    assert record.get("id") == str(pages["wang"].pk)
    assert [p.findtext("o:time", namespaces=NS) for p in record.findall("o:index/o:point", NS)] == ["0"]
    assert record.findtext("o:interviewee", namespaces=NS) == "王秀英"
    assert record.findtext("o:mediafile/o:host", namespaces=NS) == "Other"


def test_ohms_refuses_narrators_without_consent(archive, tmp_path):
    pages, _ = archive
    with pytest.raises(CommandError, match="不能导出"):
        call_command("export_ohms", pages["zhang"].pk, out=tmp_path / "zhang.xml")
    # Facilitators may index an archive-only story for the archive's own use.
    call_command("export_ohms", pages["zhang"].pk, out=tmp_path / "zhang.xml", audience="facilitator")
    with pytest.raises(CommandError, match="没有“仅存档"):
        call_command("export_ohms", pages["li"].pk, audience="facilitator")
    assert not (tmp_path / "li.xml").exists()


def long_story() -> Item:
    texts = [
        (0.4, "阳朗辣子鸡是外婆传下来的。"),
        (20.7, "辣椒要先泡软。"),
        (61.2, "再和姜蒜一起舂成糍粑辣椒。"),
        (95.0, "腊月里家家都舂辣椒。"),
        (130.9, "鸡要用土鸡，小火慢慢炒。"),
    ]
    return Item(
        id=7,
        slug="story",
        kind="oral_history",
        kind_label="口述",
        title="辣子鸡",
        summary="",
        url="",
        live=True,
        access_level="public",
        date="2026-10-01",
        language="zh-Hans",
        narrators=[Person(1, "王秀英")],
        tags=["辣子鸡"],
        segments=[Segment(start, start + 5.0, text) for start, text in texts],
        duration=140.0,
    )


def test_ohms_points_are_sentence_groups_with_integer_times_and_semicolon_keywords():
    xml = ohms.index_xml(long_story(), "立碑村", ["糍粑辣椒", "姜蒜", "土鸡", "阳朗辣子鸡"])
    root = ET.fromstring(xml)
    record = root.find("o:record", NS)
    points = record.findall("o:index/o:point", NS)
    times = [int(p.findtext("o:time", namespaces=NS)) for p in points]
    assert times == [0, 61, 130] and times == sorted(times)
    assert all(p.findtext("o:time", namespaces=NS).isdigit() for p in points)
    keywords = [p.findtext("o:keywords", namespaces=NS).split(";") for p in points]
    assert keywords[1] == ["姜蒜", "糍粑辣椒"] and keywords[2] == ["土鸡"]
    assert "阳朗辣子鸡" in keywords[0]
    assert points[0].findtext("o:partial_transcript", namespaces=NS) == "阳朗辣子鸡是外婆传下来的。辣椒要先泡软。"


def test_ohms_elements_follow_the_schema_sequence():
    record = ET.fromstring(ohms.index_xml(long_story(), "立碑村", [])).find("o:record", NS)
    names = [child.tag.split("}")[1] for child in record]
    positions = [ohms.RECORD_ORDER.index(name) for name in names]
    assert positions == sorted(positions) and names[:3] == ["version", "date", "title"]
    point = record.find("o:index/o:point", NS)
    point_positions = [ohms.POINT_ORDER.index(child.tag.split("}")[1]) for child in point]
    assert point_positions == sorted(point_positions)
