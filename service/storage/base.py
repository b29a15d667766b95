"""The storage interface and what every backend shares."""

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

AREAS = ("evidence", "reports")
CHUNK = 1024 * 1024


class FileMissing(Exception):
    """The storage holds no file under this key."""


class Storage(Protocol):
    """One area's files, by key."""

    def put_file(self, key: str, source: Path) -> None:
        """Move a finished local file in under the key (the source is gone afterwards)."""

    def put_bytes(self, key: str, data: bytes) -> None:
        """Store bytes under the key; readers see all of them or none."""

    def exists(self, key: str) -> bool:
        """Whether a file is stored under the key."""

    def iter_bytes(self, key: str) -> Iterator[bytes]:
        """The file's bytes in chunks; raises FileMissing."""

    def local_path(self, key: str) -> Path | None:
        """The file's path when it is on this host's disk, else None."""

    def delete(self, key: str) -> None:
        """Remove the file, if there is one."""

    def keys(self) -> Iterator[str]:
        """Every stored key of the area."""
