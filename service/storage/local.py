"""Files in a local folder: owner-only, written whole (rename into place)."""

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

from service.storage.base import CHUNK, FileMissing

# Keys are made by the service: two hex characters, a slash, then a name of hex and dots.
_KEY = re.compile(r"[0-9a-f]{2}/[0-9a-f]{2}[0-9a-f.a-z]{1,100}")


def check_key(key: str) -> str:
    """The key, if the service could have made it; no key can name a file outside the area."""
    if not _KEY.fullmatch(key) or ".." in key:
        raise ValueError(f"not a storage key: {key!r}")
    return key


class LocalStorage:
    """One area in a folder of this host (SUPPLIERDEV_UPLOAD_DIR or _REPORTS_DIR)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put_file(self, key: str, source: Path) -> None:
        final = self._path(key)
        final.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.replace(source, final)

    def put_bytes(self, key: str, data: bytes) -> None:
        final = self._path(key)
        final.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = final.with_name(f".{final.name}.{uuid.uuid4().hex}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, final)  # readers see the whole file or none

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def iter_bytes(self, key: str) -> Iterator[bytes]:
        try:
            handle = self._path(key).open("rb")
        except FileNotFoundError:
            raise FileMissing(key) from None
        with handle:
            while chunk := handle.read(CHUNK):
                yield chunk

    def local_path(self, key: str) -> Path | None:
        return self._path(key)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for path in sorted(self.root.glob("??/*")):
            if path.is_file() and not path.name.startswith("."):
                yield f"{path.parent.name}/{path.name}"
