"""Where files live: evidence, issued reports and anything stored later.

Two backends behind one small interface: a local folder per area (the default), or an
S3-compatible bucket shared by every host (`SUPPLIERDEV_STORAGE=s3`). Keys are the storage
keys the database rows hold; each area keeps its own namespace (a folder, or a key prefix).
"""

from service.settings import Settings, get_settings
from service.storage.base import AREAS, CHUNK, FileMissing, Storage
from service.storage.local import LocalStorage

__all__ = ["CHUNK", "FileMissing", "LocalStorage", "Storage", "read_bytes", "storage_for"]


def read_bytes(storage: Storage, key: str) -> bytes:
    """A whole stored file; raises FileMissing."""
    return b"".join(storage.iter_bytes(key))


def storage_for(area: str, settings: Settings | None = None) -> Storage:
    """The storage of an area ("evidence" or "reports") as configured."""
    if area not in AREAS:
        raise ValueError(f"no storage area {area!r}")
    settings = settings or get_settings()
    if settings.storage == "s3":
        from service.storage.s3 import S3Storage

        return S3Storage.for_area(area, settings)
    return LocalStorage(settings.upload_dir if area == "evidence" else settings.reports_dir)
