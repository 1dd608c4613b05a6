"""Write an ArchiveExport as a BagIt package (RFC 8493) with the ``bagit`` library.

``bagit.make_bag`` moves a folder's contents into ``data/`` in place and calls
``os.chdir``, which changes the whole process's working directory (SERVING-AND-ARCHIVING.md
§6). So this runs only from a management command, never in a web process: it builds the
bag in a hidden temporary folder beside the target, validates it from disk, and renames
it into place, so a half-written bag is never seen under its final name.
"""

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import bagit

from . import dublin_core, ohms
from .records import ArchiveExport, PayloadFile

CHECKSUMS = ["sha256", "sha512"]
CHUNK = 1024 * 1024


class BagRefused(Exception):
    """The bag was not written; ``zh`` first, then ``en``."""

    def __init__(self, zh: str, en: str):
        self.zh = zh
        self.en = en
        super().__init__(f"{zh}（{en}）")


def _copy(file: PayloadFile, target: Path) -> None:
    """Copy (never link: a bag is edited apart from the archive) and check the checksum on record."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with file.source.open("rb") as reader, target.open("wb") as writer:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            writer.write(chunk)
    if file.sha256 and digest.hexdigest() != file.sha256:
        raise BagRefused(
            f"文件与记录的校验值不符，没有写入存档包：{file.source}（请先运行 fixity 核查）",
            f"{file.source} does not match its recorded sha256; no bag was written",
        )


def _write_payload(export: ArchiveExport, root: Path) -> None:
    for item in export.items:
        folder = root / item.folder
        folder.mkdir(parents=True, exist_ok=True)
        for file in item.files:
            _copy(file, folder / file.name)
        for name, text in item.texts.items():
            (folder / name).write_text(text, encoding="utf-8")
        if item.kind == "oral_history" and item.segments:
            media = next((f.name for f in item.files if f.name.startswith("original")), "")
            (folder / "ohms.xml").write_bytes(ohms.index_xml(item, export.organisation, export.keywords, media))
    for narrator in export.narrators:
        folder = root / narrator.folder
        folder.mkdir(parents=True, exist_ok=True)
        for file in narrator.files:
            _copy(file, folder / file.name)
        record = {
            "id": narrator.person.id,
            "credited_as": narrator.person.name,
            "village": narrator.village,
            "birth_year": narrator.birth_year,
            "dialect": narrator.dialect,
            "consents": narrator.consents,
        }
        (folder / "consent.json").write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _write_tag_files(export: ArchiveExport, root: Path) -> None:
    for item in export.items:
        target = root / "metadata" / item.folder / "dc.xml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(dublin_core.item_record(item, export.organisation))
    lines = ["# 因讲述人未给予或已撤回“存档”同意而未导出的条目：页面编号\t网址别名\t标题\t原因"]
    lines += [withheld.line() for withheld in export.withheld]
    (root / "withheld.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_bag(export: ArchiveExport, target: Path, processes: int = 1) -> bagit.Bag:
    """Write and validate the bag at ``target`` (which must not exist); return it, re-read from disk."""
    target = Path(target).absolute()
    if target.exists():
        raise BagRefused(f"目标已存在：{target}", f"the target exists: {target}")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.partial-"))
    cwd = os.getcwd()
    try:
        _write_payload(export, work)
        bag = bagit.make_bag(str(work), bag_info=dublin_core.bag_info(export), processes=processes, checksums=CHECKSUMS)
        # Tag files go in after make_bag (it would move them into data/); save() lists them in the tagmanifests.
        _write_tag_files(export, work)
        bag.save()
        bagit.Bag(str(work)).validate(processes=processes)
        os.rename(work, target)
    except bagit.BagError as error:
        raise BagRefused(f"存档包校验失败：{error}", f"the bag did not validate: {error}") from error
    finally:
        # bagit leaves the working directory changed if it fails half-way.
        os.chdir(cwd)
        shutil.rmtree(work, ignore_errors=True)
    return bagit.Bag(str(target))
