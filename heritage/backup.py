"""Backup and restore: the database, dumped by the engine's own tool, and the uploaded files.

A backup folder holds::

    backup.json            what was backed up, from which engine, when
    database.sqlite3       SQLite's online backup (sqlite3.Connection.backup), or
    database.pgdump        pg_dump --format=custom
    files/uploads/…        MEDIA_ROOT (recordings, images, documents), without ingest's tmp/
    files/partial-uploads/…  recordings still arriving from the recording station
    manifest-sha256.txt    "<sha256>  <path>" for every other file (sha256sum -c reads it)

Caches, static files, kit exports and Whisper models are left out: they are made again.
The database is dumped before the files are copied: files are only ever added, so every
file the dump refers to is in the copy (later uploads are extra and harmless).

Restore checks every byte against the manifest while copying it next to the live data,
and refuses before changing anything if one differs. Only then are the folders swapped
by renames and the database replaced in one transaction; if that fails the folders are
swapped back. The data it replaced stays beside it (``uploads.before-restore-<time>``).
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.db import connection
from django.utils import timezone

from media.uploads import partial_root

from . import page_cache

MANIFEST = "manifest-sha256.txt"
INFO = "backup.json"
FORMAT = 1
CHUNK = 1024 * 1024
# MEDIA_ROOT/tmp is ingest's staging area: half-received uploads, never referenced.
SKIPPED_UPLOAD_FOLDERS = {"tmp"}
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """A backup or restore refused; ``zh`` is shown first, then ``en``."""

    def __init__(self, zh: str, en: str):
        self.zh = zh
        self.en = en
        super().__init__(f"{zh}（{en}）")


class BackupDamaged(BackupError):
    """The backup's files are not the ones its manifest lists."""

    def __init__(self, differences: list[str]):
        self.differences = differences
        shown = "；".join(differences[:20]) + ("……" if len(differences) > 20 else "")
        super().__init__(
            f"备份已损坏或不完整，没有恢复任何数据：{shown}",
            f"the backup differs from its manifest in {len(differences)} places; nothing was restored",
        )


@dataclass
class BackupSummary:
    folder: Path
    engine: str
    files: int = 0
    bytes: int = 0
    kept_aside: list[Path] = field(default_factory=list)


def engine() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"不支持的数据库：{vendor}", f"unsupported database engine: {vendor}")
    return vendor


def folders() -> dict[str, Path]:
    """The data folders a backup holds, by their name inside ``files/``."""
    return {"uploads": Path(settings.MEDIA_ROOT), "partial-uploads": partial_root()}


def copy_hashed(source: Path, target: Path) -> str:
    """Copy ``source`` to ``target`` in chunks, fsync it, and return the sha256 of what was copied."""
    digest = hashlib.sha256()
    target.parent.mkdir(parents=True, exist_ok=True)
    with source.open("rb") as reader, target.open("wb") as writer:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            writer.write(chunk)
        writer.flush()
        os.fsync(writer.fileno())
    shutil.copystat(source, target)
    return digest.hexdigest()


def _hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as reader:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _walk(root: Path, skip_top: set[str] = frozenset()):
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] in skip_top or not path.is_file() or path.is_symlink():
            continue
        yield path, relative


def _pg_environment() -> dict[str, str]:
    params = connection.settings_dict
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if params.get(key):
            env[name] = str(params[key])
    return env


def _run(command: list[str]) -> None:
    result = subprocess.run(command, env=_pg_environment(), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(
            f"{command[0]} 失败：{result.stderr.strip()[-500:]}", f"{command[0]} failed (exit {result.returncode})"
        )


def _dump_database(target: Path) -> None:
    if engine() == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            # The online backup API copies a consistent snapshot while others keep writing.
            connection.connection.backup(destination)
        finally:
            destination.close()
    else:
        name = connection.settings_dict["NAME"]
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", f"--dbname={name}"])


def applied_migrations() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [f"{app}.{name}" for app, name in cursor.fetchall()]


def backup(folder: Path) -> BackupSummary:
    """Write a complete backup to ``folder`` (new or empty); it appears only once it is whole."""
    folder = Path(folder).absolute()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(f"备份目录已存在且不为空：{folder}", f"the backup folder exists and is not empty: {folder}")
    folder.parent.mkdir(parents=True, exist_ok=True)
    kind = engine()
    summary = BackupSummary(folder=folder, engine=kind)
    work = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.partial-"))
    try:
        database = work / DATABASE_FILES[kind]
        _dump_database(database)
        lines = [f"{_hash(database)}  {database.name}"]
        for name, root in folders().items():
            if not root.is_dir():
                continue
            skip = SKIPPED_UPLOAD_FOLDERS if name == "uploads" else set()
            for path, relative in _walk(root, skip):
                target = work / "files" / name / relative
                lines.append(f"{copy_hashed(path, target)}  {target.relative_to(work).as_posix()}")
                summary.files += 1
                summary.bytes += target.stat().st_size
        info = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": kind,
            "database": database.name,
            "folders": sorted(folders()),
            "migrations": applied_migrations(),
        }
        (work / INFO).write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        lines.append(f"{_hash(work / INFO)}  {INFO}")
        (work / MANIFEST).write_text("\n".join(sorted(lines, key=lambda line: line[66:])) + "\n", encoding="utf-8")
        if folder.exists():
            folder.rmdir()
        os.rename(work, folder)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return summary


def read_manifest(folder: Path) -> dict[str, str]:
    manifest = folder / MANIFEST
    if not manifest.is_file():
        raise BackupError(f"不是备份目录（没有 {MANIFEST}）：{folder}", f"not a backup folder (no {MANIFEST})")
    entries = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, _, path = line.partition("  ")
            entries[path] = digest
    return entries


def _stage(folder: Path, expected: dict[str, str]) -> tuple[dict[str, Path], Path, dict]:
    """Copy the backup beside the live data, checking every byte; refuse on any difference.

    Returns the staged folder for each data folder, the staged database file and backup.json.
    """
    present = {p.relative_to(folder).as_posix() for p, _ in _walk(folder)} - {MANIFEST}
    differences = [f"缺少 {path}" for path in sorted(set(expected) - present)]
    differences += [f"多出 {path}" for path in sorted(present - set(expected))]
    if differences:
        raise BackupDamaged(differences)
    staged: dict[str, Path] = {}
    made: list[Path] = []
    try:
        for name, root in folders().items():
            root.parent.mkdir(parents=True, exist_ok=True)
            # Same file system as the live folder, so the swap is a rename.
            staged[name] = Path(tempfile.mkdtemp(dir=root.parent, prefix=f".restore-{name}-"))
            made.append(staged[name])
        database_stage = Path(tempfile.mkdtemp(dir=staged["uploads"].parent, prefix=".restore-database-"))
        made.append(database_stage)
        for relative, digest in sorted(expected.items()):
            source = folder / relative
            parts = Path(relative).parts
            if parts[0] == "files" and len(parts) > 2 and parts[1] in staged:
                target = staged[parts[1]] / Path(*parts[2:])
            elif parts[0] == "files":
                raise BackupDamaged([f"未知目录 {relative}"])
            else:
                target = database_stage / relative
            if copy_hashed(source, target) != digest:
                differences.append(f"内容不符 {relative}")
        if differences:
            raise BackupDamaged(differences)
        info = json.loads((database_stage / INFO).read_text(encoding="utf-8"))
        return staged, database_stage / info["database"], info
    except BaseException:
        for path in made:
            shutil.rmtree(path, ignore_errors=True)
        raise


def _check_database_file(path: Path, kind: str) -> None:
    if kind == "sqlite":
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as source:
                result = source.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as error:
            result = str(error)
        if result != "ok":
            raise BackupError(f"备份中的数据库文件已损坏：{result}", f"the backed-up database is damaged: {result}")
    else:
        _run(["pg_restore", "--list", str(path)])


def _restore_database(path: Path, kind: str) -> None:
    if kind == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as source:
            # One step (pages=-1): the whole database is replaced in one write transaction.
            source.backup(connection.connection, pages=-1)
    else:
        # pg_restore's own connection needs the tables we hold no lock on.
        connection.close()
        name = connection.settings_dict["NAME"]
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={name}",
                str(path),
            ]
        )


def restore(folder: Path) -> BackupSummary:
    """Replace the live database and data folders with the backup in ``folder``, or change nothing."""
    folder = Path(folder).absolute()
    if connection.in_atomic_block:
        raise BackupError("恢复不能在数据库事务中进行", "restore cannot run inside a database transaction")
    kind = engine()
    expected = read_manifest(folder)
    staged, database, info = _stage(folder, expected)
    summary = BackupSummary(folder=folder, engine=kind, files=len(expected))
    swapped: list[tuple[Path, Path | None]] = []
    try:
        if info.get("format") != FORMAT or info.get("engine") != kind:
            raise BackupError(
                f"这个备份来自 {info.get('engine')} 数据库，当前是 {kind}，无法直接恢复",
                f"the backup is of a {info.get('engine')} database (format {info.get('format')}); this one is {kind}",
            )
        _check_database_file(database, kind)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        for name, root in folders().items():
            aside = None
            if root.exists():
                aside = root.with_name(f"{root.name}.before-restore-{stamp}")
                os.rename(root, aside)
            swapped.append((root, aside))
            os.rename(staged[name], root)
        _restore_database(database, kind)
    except BaseException:
        # Put the live folders back as they were.
        for root, aside in reversed(swapped):
            if root.exists():
                shutil.rmtree(root)
            if aside is not None:
                os.rename(aside, root)
        for path in staged.values():
            shutil.rmtree(path, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(database.parent, ignore_errors=True)
    summary.kept_aside = [aside for _, aside in swapped if aside is not None]
    summary.bytes = sum(p.stat().st_size for root in folders().values() if root.is_dir() for p, _ in _walk(root))
    # Whatever was cached (pages, sites, content type ids) describes the data just replaced.
    ContentType.objects.clear_cache()
    for alias in settings.CACHES:
        caches[alias].clear()
    # Every other process's cached pages too: the generation file may have come back with the
    # data folder, and the version row with the database, both as they were at the backup.
    page_cache.bump()
    return summary
