"""Issued report bytes, stored once under their sha256 and read back unchanged."""

import hashlib
import re

from service.storage import read_bytes, storage_for

_STORAGE_KEY = re.compile(r"([0-9a-f]{2})/\1[0-9a-f]{62}\.pdf")


def storage_key(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256}.pdf"


def store(pdf: bytes) -> tuple[str, str]:
    """Write the bytes (once: the same report twice is one file) and return (sha256, key)."""
    sha256 = hashlib.sha256(pdf).hexdigest()
    key = storage_key(sha256)
    storage = storage_for("reports")
    if not storage.exists(key):
        storage.put_bytes(key, pdf)
    return sha256, key


def read(key: str) -> bytes:
    """The stored bytes of a report (raises FileMissing); the key is checked so no other file
    can be named."""
    if not _STORAGE_KEY.fullmatch(key):
        raise ValueError(f"not a report storage key: {key!r}")
    return read_bytes(storage_for("reports"), key)
