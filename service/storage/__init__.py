"""Where files live: evidence, issued reports and anything stored later.

Two backends behind one small interface: a local folder per area (the default), or an
S3-compatible bucket shared by every host (`SUPPLIERDEV_STORAGE=s3`). Keys are the storage
keys the database rows hold; each area keeps its own namespace (a folder, or a key prefix).
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from service.settings import Settings, get_settings

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


def read_bytes(storage: Storage, key: str) -> bytes:
    """A whole stored file; raises FileMissing."""
    return b"".join(storage.iter_bytes(key))


def storage_for(area: str, settings: Settings | None = None) -> Storage:
    """The storage of an area ("evidence" or "reports") as configured."""
    from service.storage.local import LocalStorage

    if area not in AREAS:
        raise ValueError(f"no storage area {area!r}")
    settings = settings or get_settings()
    if settings.storage == "s3":
        from service.storage.s3 import S3Storage

        return S3Storage.for_area(area, settings)
    return LocalStorage(settings.upload_dir if area == "evidence" else settings.reports_dir)
