"""Issued report bytes, stored once under their sha256 and read back unchanged."""

import hashlib
import os
import re
from pathlib import Path

_STORAGE_KEY = re.compile(r"([0-9a-f]{2})/\1[0-9a-f]{62}\.pdf")


def storage_key(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256}.pdf"


def store(pdf: bytes, folder: Path) -> tuple[str, str]:
    """Write the bytes (once: the same report twice is one file) and return (sha256, key)."""
    sha256 = hashlib.sha256(pdf).hexdigest()
    key = storage_key(sha256)
    path = folder / key
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        temporary.write_bytes(pdf)
        os.replace(temporary, path)  # readers see the whole file or none
    return sha256, key


def read(folder: Path, key: str) -> bytes:
    """The stored bytes of a report; the key is checked so no other file can be named."""
    if not _STORAGE_KEY.fullmatch(key):
        raise ValueError(f"not a report storage key: {key!r}")
    return (folder / key).read_bytes()
