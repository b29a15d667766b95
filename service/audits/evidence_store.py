"""Audit evidence files: streamed under a size cap, typed by their bytes, stored privately."""

import csv
import hashlib
import itertools
import os
import re
import unicodedata
import uuid
import zipfile
from collections.abc import AsyncIterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import anyio
import PIL.Image
import pypdf

from service.storage.base import Storage
from service.storage.local import LocalStorage

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ALLOWED_MEDIA_TYPES: dict[str, str] = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    XLSX: ".xlsx",
    DOCX: ".docx",
    "text/csv": ".csv",
}
_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
_OFFICE_PARTS = (("xl/workbook.xml", XLSX), ("word/document.xml", DOCX))
_HEAD_BYTES = 512
_SNIFF_CHARS = 16 * 1024
_TEXT_BLOCK_CHARS = 256 * 1024
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_STORAGE_KEY = re.compile(r"([0-9a-f]{2})/\1[0-9a-f]{30}")
_KNOWN_SUFFIXES = {*ALLOWED_MEDIA_TYPES.values(), ".jpeg"}
_MAX_NAME_CHARS = 120
MAX_IMAGE_PIXELS = 50_000_000  # a 50-megapixel photo; a larger one is a decompression bomb


class UploadTooLarge(Exception):
    """The upload grew past the size limit, in bytes."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the upload is larger than {limit} bytes")
        self.limit = limit


class UnsupportedMediaType(Exception):
    """The upload's bytes are not one of the allowed media types; `detail` says what they are."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class StoredFile:
    """An evidence file in place under the upload directory."""

    storage_key: str
    media_type: str
    size: int
    sha256: str


async def store_upload(
    chunks: AsyncIterable[bytes], upload_dir: Path, max_bytes: int, storage: Storage | None = None
) -> StoredFile:
    """Stream chunks to a private file in upload_dir, check size and type, and move it into
    the storage (by default the folder itself) under a random name."""
    await anyio.to_thread.run_sync(
        partial(upload_dir.mkdir, mode=0o700, parents=True, exist_ok=True)
    )
    name = uuid.uuid4().hex
    temporary = upload_dir / f".upload-{name}"
    try:
        size, sha256 = await _write_capped(chunks, temporary, max_bytes)
        media_type = await anyio.to_thread.run_sync(detect_media_type, temporary)
        storage_key = f"{name[:2]}/{name}"
        target = storage or LocalStorage(upload_dir)
        await anyio.to_thread.run_sync(target.put_file, storage_key, temporary)
    except BaseException:
        with anyio.CancelScope(shield=True):  # clean up even when the request is cancelled
            await anyio.to_thread.run_sync(partial(temporary.unlink, missing_ok=True))
        raise
    return StoredFile(storage_key=storage_key, media_type=media_type, size=size, sha256=sha256)


async def _write_capped(
    chunks: AsyncIterable[bytes], path: Path, max_bytes: int
) -> tuple[int, str]:
    """Write chunks to a new owner-only file; return its size and SHA-256, refusing past the cap."""
    digest = hashlib.sha256()
    size = 0
    async with await anyio.open_file(path, "xb", opener=_owner_only) as file:
        async for chunk in chunks:
            size += len(chunk)
            if size > max_bytes:
                raise UploadTooLarge(max_bytes)
            digest.update(chunk)
            await file.write(chunk)
    return size, digest.hexdigest()


def _owner_only(path: str, flags: int) -> int:
    """Open with mode 0o600, so no other local user can read evidence."""
    return os.open(path, flags, 0o600)


def detect_media_type(path: Path) -> str:
    """The allowed media type of the file, typed by its first bytes and confirmed by parsing
    it (a PDF must open, an image must decode); CSV carries the encoding it was read in.
    Raises UnsupportedMediaType for anything else."""
    with path.open("rb") as file:
        head = file.read(_HEAD_BYTES)
    if head.startswith(b"%PDF-"):
        _check_pdf(path)
    for signature, media_type in _SIGNATURES:
        if head.startswith(signature):
            if media_type.startswith("image/"):
                _check_image(path)
            return media_type
    if head.startswith(b"PK\x03\x04"):
        return _office_media_type(path)
    markup_or_script = _markup_or_script(head)
    if markup_or_script is not None:
        raise UnsupportedMediaType(markup_or_script)
    encoding = _csv_encoding(path)
    if encoding is not None:
        return f"text/csv; charset={encoding}"
    raise UnsupportedMediaType(_describe(head))


def base_media_type(media_type: str) -> str:
    """The media type without its parameters: "text/csv; charset=utf-8" → "text/csv"."""
    return media_type.split(";")[0].strip()


def _check_pdf(path: Path) -> None:
    """A PDF that a PDF parser opens, with at least one page."""
    try:
        pages = len(pypdf.PdfReader(path, strict=False).pages)
    except Exception:  # pypdf raises many kinds of error on damaged files
        raise UnsupportedMediaType("a damaged PDF that does not open") from None
    if pages == 0:
        raise UnsupportedMediaType("a PDF without pages")


def _check_image(path: Path) -> None:
    """A JPEG or PNG that decodes, no larger than MAX_IMAGE_PIXELS."""
    try:
        with PIL.Image.open(path) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise UnsupportedMediaType(f"an image of {width} × {height} pixels (too large)")
            image.load()
    except UnsupportedMediaType:
        raise
    except Exception:  # Pillow raises many kinds of error on damaged files
        raise UnsupportedMediaType("a damaged image that does not decode") from None


def _office_media_type(path: Path) -> str:
    """XLSX or DOCX by the parts in the ZIP's directory (nothing is decompressed)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise UnsupportedMediaType("a damaged ZIP archive") from None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise UnsupportedMediaType("an Office document with macros")
    kinds = [media_type for part, media_type in _OFFICE_PARTS if part in names]
    if "[Content_Types].xml" in names and len(kinds) == 1:
        return kinds[0]
    raise UnsupportedMediaType("a ZIP archive that is neither an XLSX nor a DOCX")


def _markup_or_script(head: bytes) -> str | None:
    """What the text is if it is markup or a script, which could pass for CSV but must not."""
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if text.startswith(b"#!"):
        return "a script"
    if not text.startswith(b"<"):
        return None
    if b"<svg" in text:
        return "an SVG image"
    if b"<html" in text or text.startswith(b"<!doctype html"):
        return "an HTML page"
    return "markup (XML or HTML)"


def _csv_encoding(path: Path) -> str | None:
    """The encoding a CSV file is written in: UTF-8, else Windows-1252 (which covers Latin-1's
    printable characters, as Excel exports them on Spanish or French Windows); None when the
    file is not text without control characters and with delimited lines."""
    for encoding, label in (("utf-8-sig", "utf-8"), ("cp1252", "windows-1252")):
        sample = _text_sample(path, encoding)
        if sample is not None:
            return label if _delimited(sample) else None
    return None


def _text_sample(path: Path, encoding: str) -> str | None:
    """The first characters of the file read in this encoding, if all of it reads as text."""
    try:
        with path.open(encoding=encoding, newline="") as file:
            sample = file.read(_SNIFF_CHARS)
            blocks = itertools.chain([sample], iter(partial(file.read, _TEXT_BLOCK_CHARS), ""))
            if not sample or any(_CONTROL_CHARACTERS.search(block) for block in blocks):
                return None
    except UnicodeDecodeError:
        return None
    return sample


def _delimited(sample: str) -> bool:
    """Whether the text has lines delimited by commas or semicolons."""
    if len(sample) == _SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]  # sniff whole lines only
    try:
        csv.Sniffer().sniff(sample, delimiters=",;")
    except csv.Error:
        return False
    return True


def _describe(head: bytes) -> str:
    """A name for refused content, for the error's detail."""
    if not head:
        return "an empty file"
    if head.startswith(b"\x7fELF"):
        return "an executable (ELF)"
    if head.startswith(b"MZ"):
        return "an executable (Windows PE)"
    return "unrecognised content"


def open_stored(upload_dir: Path, storage_key: str) -> Path:
    """The path of a stored file; raises ValueError for any key store_upload could not have made."""
    if not _STORAGE_KEY.fullmatch(storage_key):
        raise ValueError(f"not a storage key: {storage_key!r}")
    return upload_dir / storage_key


def safe_download_name(name: str, media_type: str) -> str:
    """A harmless filename for Content-Disposition, ending in the extension of the media type."""
    extension = ALLOWED_MEDIA_TYPES[base_media_type(media_type)]
    base = unicodedata.normalize("NFC", re.split(r"[/\\]", name)[-1])
    kept = "".join(char for char in base if char.isalnum() or char in "._- ")
    stem = re.sub(" +", " ", kept).strip(" .")
    if Path(stem).suffix.lower() in _KNOWN_SUFFIXES:
        stem = stem[: -len(Path(stem).suffix)].rstrip(" .")
    stem = stem[: _MAX_NAME_CHARS - len(extension)].rstrip(" .") or "evidence"
    return stem + extension
