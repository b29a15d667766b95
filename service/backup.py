"""Backup, restore and file checks: `supplierdev backup`, `restore` and `check`.

An archive is a tar file holding `manifest.json` (format, database kind, migration revision,
rows per table, and each stored file's area, key, size and sha256), `tables/<name>.jsonl`
(every row, portable: see `service.backup_rows`) and `files/<area>/<key>`.

The rows are one consistent snapshot taken while the service runs: SQLite's online backup API
copies the database to a scratch file first; PostgreSQL reads every table in one repeatable-read
transaction. The files are those the snapshot's rows name, copied from the configured storage
with their checksums verified. A restore writes into an empty database of either kind (the
other kind too: SQLite to PostgreSQL and back), verifies the manifest and migrates to head.
"""

import hashlib
import io
import json
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from service import backup_rows
from service.database import create_db_engine, is_sqlite, normalise_url
from service.settings import Settings
from service.storage import FileMissing, storage_for
from service.types import utcnow

FORMAT = "supplierdev-backup"
VERSION = 1
# The tables whose rows name stored files: (table, area).
FILE_TABLES = (("evidence", "evidence"), ("issuedreport", "reports"))


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


@dataclass
class FileProblem:
    area: str
    key: str
    problem: str  # "missing" or "corrupted"

    def __str__(self) -> str:
        return f"{self.problem}: {self.area}/{self.key}"


@dataclass
class Outcome:
    """What a backup, restore or check did."""

    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    problems: list[FileProblem] = field(default_factory=list)


@contextmanager
def _snapshot(database_url: str) -> Iterator[sa.Connection]:
    """A connection that sees one consistent state of the database while it is in use."""
    if is_sqlite(database_url):
        source_path = sa.engine.make_url(database_url).database
        with tempfile.TemporaryDirectory(prefix="supplierdev-backup-") as scratch:
            copy = Path(scratch) / "snapshot.sqlite3"
            source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
            target = sqlite3.connect(copy)
            try:
                source.backup(target)  # SQLite's online backup API: a consistent copy
            finally:
                target.close()
                source.close()
            engine = sa.create_engine(f"sqlite:///{copy}")
            try:
                with engine.connect() as connection:
                    yield connection
            finally:
                engine.dispose()
        return
    engine = sa.create_engine(normalise_url(database_url), poolclass=sa.NullPool)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield connection
    finally:
        engine.dispose()


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(utcnow().timestamp()), 0o600
    archive.addfile(info, io.BytesIO(data))


def _stored_files(connection: sa.Connection) -> list[tuple[str, str, str]]:
    """(area, key, sha256) of every file the rows name."""
    tables = {table.name: table for table in backup_rows.tables()}
    files = []
    for table_name, area in FILE_TABLES:
        table = tables[table_name]
        statement = sa.select(table.c.storage_key, table.c.sha256).order_by(table.c.storage_key)
        files += [(area, key, sha256) for key, sha256 in connection.execute(statement)]
    return sorted(set(files))


def create_backup(database_url: str, path: Path, settings: Settings) -> Outcome:
    """Write an archive of the database and its files to path (refuses an existing path)."""
    from service.migrations_runner import current_revision, head_revision

    if path.exists():
        raise BackupError(f"{path} exists; choose a new file")
    outcome = Outcome()
    temporary = path.with_name(f".{path.name}.partial")
    with _snapshot(database_url) as connection, tarfile.open(temporary, "w") as archive:
        revision = current_revision(connection)
        if revision != head_revision():
            raise BackupError(f"the database is at {revision}; run `supplierdev db upgrade` first")
        for table in backup_rows.tables():
            lines = list(backup_rows.export_rows(connection, table))
            outcome.rows[table.name] = len(lines)
            _add(archive, f"tables/{table.name}.jsonl", "".join(f"{x}\n" for x in lines).encode())
        entries = []
        for area, key, sha256 in _stored_files(connection):
            try:
                data = b"".join(storage_for(area, settings).iter_bytes(key))
            except FileMissing:
                outcome.problems.append(FileProblem(area, key, "missing"))
                continue
            if hashlib.sha256(data).hexdigest() != sha256:
                outcome.problems.append(FileProblem(area, key, "corrupted"))
            _add(archive, f"files/{area}/{key}", data)
            entries.append({"area": area, "key": key, "size": len(data), "sha256": sha256})
        outcome.files = len(entries)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": utcnow().isoformat(),
            "database": "sqlite" if is_sqlite(database_url) else "postgresql",
            "revision": revision,
            "tables": outcome.rows,
            "files": entries,
            "problems": [str(problem) for problem in outcome.problems],
        }
        _add(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
    temporary.rename(path)
    return outcome


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.load(_member(archive, "manifest.json"))
    except (KeyError, ValueError) as error:
        raise BackupError("not a supplierdev backup: no readable manifest.json") from error
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError("not a supplierdev backup of a version this release reads")
    return manifest


def _member(archive: tarfile.TarFile, name: str) -> io.BufferedReader:
    handle = archive.extractfile(name)
    if handle is None:
        raise KeyError(name)
    return handle  # type: ignore[return-value]


def _refuse_non_empty(engine: sa.Engine) -> None:
    inspector = sa.inspect(engine)
    existing = set(inspector.get_table_names())
    with engine.connect() as connection:
        for table in backup_rows.tables():
            if table.name in existing and connection.execute(sa.select(table).limit(1)).first():
                raise BackupError(f"the target database is not empty ({table.name} has rows)")


def restore_backup(path: Path, database_url: str, settings: Settings) -> Outcome:
    """Restore an archive into an empty database and the configured storage; verify it."""
    from service.migrations_runner import head_revision, upgrade

    outcome = Outcome()
    engine = create_db_engine(database_url)
    try:
        with tarfile.open(path, "r") as archive:
            manifest = _read_manifest(archive)
            if manifest["revision"] != head_revision():
                raise BackupError(
                    f"the backup is at migration {manifest['revision']}; restore it with the "
                    "release that wrote it, then upgrade"
                )
            _refuse_non_empty(engine)
            for entry in manifest["files"]:
                data = _member(archive, f"files/{entry['area']}/{entry['key']}").read()
                if hashlib.sha256(data).hexdigest() != entry["sha256"]:
                    problem = FileProblem(entry["area"], entry["key"], "corrupted")
                    raise BackupError(f"the archive's file does not match its checksum: {problem}")
                storage_for(entry["area"], settings).put_bytes(entry["key"], data)
                outcome.files += 1
            upgrade(database_url, manifest["revision"])
            with engine.begin() as connection:
                for table in backup_rows.tables():
                    lines = _member(archive, f"tables/{table.name}.jsonl")
                    outcome.rows[table.name] = backup_rows.import_rows(connection, table, lines)
                counted = backup_rows.row_counts(connection)
                if counted != manifest["tables"] or outcome.rows != manifest["tables"]:
                    raise BackupError(f"row counts differ from the manifest: {counted}")
        upgrade(database_url)
    finally:
        engine.dispose()
    return outcome


def check_files(database_url: str, settings: Settings) -> Outcome:
    """Every stored file the database names, read back and compared with its sha256."""
    outcome = Outcome()
    engine = create_db_engine(database_url)
    try:
        with engine.connect() as connection:
            files = _stored_files(connection)
    finally:
        engine.dispose()
    for area, key, sha256 in files:
        digest = hashlib.sha256()
        try:
            for chunk in storage_for(area, settings).iter_bytes(key):
                digest.update(chunk)
        except FileMissing:
            outcome.problems.append(FileProblem(area, key, "missing"))
            continue
        if digest.hexdigest() != sha256:
            outcome.problems.append(FileProblem(area, key, "corrupted"))
        outcome.files += 1
    return outcome
