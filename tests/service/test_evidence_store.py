"""Evidence files: size cap, type by bytes, private random storage and safe download names."""

import hashlib
import io
import stat
import struct
import zipfile
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest

from service.audits.evidence_store import (
    ALLOWED_MEDIA_TYPES,
    DOCX,
    XLSX,
    StoredFile,
    UnsupportedMediaType,
    UploadTooLarge,
    detect_media_type,
    open_stored,
    safe_download_name,
    store_upload,
)
from tests.factories import TINY_PDF, tiny_jpeg

UTF8_CSV = "text/csv; charset=utf-8"
PDF = TINY_PDF
JPEG = tiny_jpeg()
CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/"/>'


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


PNG = (
    b"\x89PNG\r\n\x1a\n"
    + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    + png_chunk(b"IDAT", zlib.compress(b"\x00\x00"))
    + png_chunk(b"IEND", b"")
)


def zip_of(*members: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in members:
            archive.writestr(member, CONTENT_TYPES if member.endswith(".xml") else b"x")
    return buffer.getvalue()


XLSX_BYTES = zip_of("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml")
DOCX_BYTES = zip_of("[Content_Types].xml", "_rels/.rels", "word/document.xml")
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00"
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(48)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def write(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    path.write_bytes(content)
    return path


async def chunks_of(content: bytes, size: int = 7) -> AsyncIterator[bytes]:
    for start in range(0, len(content), size):
        yield content[start : start + size]


@pytest.mark.parametrize(
    ("content", "media_type"),
    [
        pytest.param(PDF, "application/pdf", id="pdf"),
        pytest.param(JPEG, "image/jpeg", id="jpeg"),
        pytest.param(PNG, "image/png", id="png"),
        pytest.param(XLSX_BYTES, XLSX, id="xlsx"),
        pytest.param(DOCX_BYTES, DOCX, id="docx"),
        pytest.param(b"supplier,score\nAcme,3\nBeta,4\n", UTF8_CSV, id="csv with commas"),
        pytest.param("fournisseur;note\nAcmé;3,5\n".encode(), UTF8_CSV, id="csv with semicolons"),
        pytest.param("\ufeffsupplier,score\r\nAcme,3\r\n".encode(), UTF8_CSV, id="csv with bom"),
        pytest.param(
            "proveedor;nota\r\nCafé Ñandú;3,5\r\n".encode("latin-1"),
            "text/csv; charset=windows-1252",
            id="csv in latin-1, as Excel exports it on Spanish Windows",
        ),
        pytest.param(
            "fournisseur;coût\r\nAcme;12 €\r\n".encode("cp1252"),
            "text/csv; charset=windows-1252",
            id="csv in windows-1252 with the euro sign",
        ),
    ],
)
def test_each_allowed_media_type_is_recognised_by_its_bytes(
    tmp_path: Path, content: bytes, media_type: str
) -> None:
    assert detect_media_type(write(tmp_path, "upload.bin", content)) == media_type


@pytest.mark.parametrize(
    ("name", "content", "detail"),
    [
        pytest.param("invoice.pdf", ELF, "an executable (ELF)", id="elf named pdf"),
        pytest.param("report.docx", PE, "an executable (Windows PE)", id="windows pe"),
        pytest.param(
            "page.csv",
            b"<!DOCTYPE html><html><body><p>Hello, world; bye</p></body></html>",
            "an HTML page",
            id="html with commas",
        ),
        pytest.param(
            "logo.png",
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>',
            "an SVG image",
            id="svg",
        ),
        pytest.param("data.csv", b"#!/bin/sh\nrm -rf /; echo a,b\n", "a script", id="script"),
        pytest.param(
            "archive.xlsx",
            zip_of("notes.txt"),
            "a ZIP archive that is neither an XLSX nor a DOCX",
            id="plain zip",
        ),
        pytest.param(
            "both.xlsx",
            zip_of("[Content_Types].xml", "xl/workbook.xml", "word/document.xml"),
            "a ZIP archive that is neither an XLSX nor a DOCX",
            id="zip with workbook and document",
        ),
        pytest.param(
            "macro.xlsx",
            zip_of("[Content_Types].xml", "xl/workbook.xml", "xl/vbaProject.bin"),
            "an Office document with macros",
            id="xlsx with macros",
        ),
        pytest.param("broken.xlsx", b"PK\x03\x04garbage", "a damaged ZIP archive", id="bad zip"),
        pytest.param("empty.pdf", b"", "an empty file", id="empty"),
        pytest.param("nul.csv", b"supplier,score\nAcme\x00,3\n", "unrecognised content", id="nul"),
        pytest.param(
            "undefined.csv", b"supplier,score\nAcm\x81,3\n", "unrecognised content", id="not cp1252"
        ),
        pytest.param(
            "fake.pdf",
            b"%PDF-1.4 this is not really a pdf",
            "a damaged PDF that does not open",
            id="pdf header only",
        ),
        pytest.param(
            "fake.jpg",
            b"\xff\xd8\xff\xe0 not an image",
            "a damaged image that does not decode",
            id="jpeg header only",
        ),
        pytest.param(
            "fake.png",
            b"\x89PNG\r\n\x1a\n" + bytes(40),
            "a damaged image that does not decode",
            id="png header only",
        ),
        pytest.param(
            "notes.csv", b"just some notes\nno delimiters\n", "unrecognised content", id="prose"
        ),
    ],
)
def test_content_that_is_not_allowed_evidence_is_refused_whatever_its_name(
    tmp_path: Path, name: str, content: bytes, detail: str
) -> None:
    with pytest.raises(UnsupportedMediaType) as refusal:
        detect_media_type(write(tmp_path, name, content))
    assert refusal.value.detail == detail


def test_a_control_character_far_past_the_sniffed_sample_still_refuses_a_csv(
    tmp_path: Path,
) -> None:
    content = b"supplier,score\n" + b"Acme,3\n" * 100_000 + b"Beta\x07,4\n"
    with pytest.raises(UnsupportedMediaType) as refusal:
        detect_media_type(write(tmp_path, "big.csv", content))
    assert refusal.value.detail == "unrecognised content"


@pytest.mark.anyio
async def test_a_stored_upload_reports_its_type_size_and_hash(tmp_path: Path) -> None:
    stored = await store_upload(chunks_of(PDF), tmp_path / "uploads", max_bytes=10_000)
    assert stored == StoredFile(
        storage_key=stored.storage_key,
        media_type="application/pdf",
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
    )


@pytest.mark.anyio
async def test_a_stored_upload_is_readable_through_its_storage_key(tmp_path: Path) -> None:
    upload_dir = tmp_path / "uploads"
    stored = await store_upload(chunks_of(PNG), upload_dir, max_bytes=10_000)
    assert open_stored(upload_dir, stored.storage_key).read_bytes() == PNG


@pytest.mark.anyio
async def test_the_storage_key_is_a_random_sharded_name_and_no_temporary_file_remains(
    tmp_path: Path,
) -> None:
    upload_dir = tmp_path / "uploads"
    stored = await store_upload(chunks_of(PDF), upload_dir, max_bytes=10_000)
    shard, name = stored.storage_key.split("/")
    assert (len(name), name[:2], shard) == (32, shard, name[:2])
    assert sorted(path.relative_to(upload_dir).as_posix() for path in upload_dir.rglob("*")) == [
        shard,
        stored.storage_key,
    ]


@pytest.mark.anyio
async def test_two_uploads_of_the_same_bytes_get_different_storage_keys(tmp_path: Path) -> None:
    first = await store_upload(chunks_of(PDF), tmp_path, max_bytes=10_000)
    second = await store_upload(chunks_of(PDF), tmp_path, max_bytes=10_000)
    assert first.storage_key != second.storage_key


@pytest.mark.anyio
async def test_the_upload_dir_is_created_private_to_the_service(tmp_path: Path) -> None:
    upload_dir = tmp_path / "var" / "uploads"
    await store_upload(chunks_of(PDF), upload_dir, max_bytes=10_000)
    assert stat.S_IMODE(upload_dir.stat().st_mode) == 0o700


@pytest.mark.anyio
async def test_a_stored_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    stored = await store_upload(chunks_of(PDF), tmp_path, max_bytes=10_000)
    assert stat.S_IMODE((tmp_path / stored.storage_key).stat().st_mode) == 0o600


@pytest.mark.anyio
async def test_an_upload_of_exactly_the_limit_is_accepted(tmp_path: Path) -> None:
    stored = await store_upload(chunks_of(PDF), tmp_path, max_bytes=len(PDF))
    assert stored.size == len(PDF)


@pytest.mark.anyio
async def test_an_upload_one_byte_over_the_limit_is_refused_and_leaves_nothing(
    tmp_path: Path,
) -> None:
    upload_dir = tmp_path / "uploads"
    with pytest.raises(UploadTooLarge) as refusal:
        await store_upload(chunks_of(PDF), upload_dir, max_bytes=len(PDF) - 1)
    assert refusal.value.limit == len(PDF) - 1
    assert list(upload_dir.iterdir()) == []


@pytest.mark.anyio
async def test_an_oversized_stream_is_not_read_past_the_chunk_that_crosses_the_limit(
    tmp_path: Path,
) -> None:
    pulled = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal pulled
        while True:
            pulled += 1
            yield b"%PDF"

    with pytest.raises(UploadTooLarge):
        await store_upload(endless(), tmp_path, max_bytes=10)
    assert pulled == 3


@pytest.mark.anyio
async def test_a_refused_media_type_leaves_nothing_in_the_upload_dir(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedMediaType) as refusal:
        await store_upload(chunks_of(ELF), tmp_path, max_bytes=10_000)
    assert refusal.value.detail == "an executable (ELF)"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.anyio
async def test_a_stream_that_fails_midway_leaves_nothing_in_the_upload_dir(
    tmp_path: Path,
) -> None:
    async def disconnecting() -> AsyncIterator[bytes]:
        yield PDF
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        await store_upload(disconnecting(), tmp_path, max_bytes=10_000)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.anyio
async def test_a_cancelled_upload_leaves_nothing_in_the_upload_dir(tmp_path: Path) -> None:
    async def stalling() -> AsyncIterator[bytes]:
        yield PDF
        await anyio.sleep_forever()
        yield b""

    with anyio.move_on_after(0.05) as scope:
        await store_upload(stalling(), tmp_path, max_bytes=10_000)
    assert (scope.cancelled_caught, list(tmp_path.iterdir())) == (True, [])


def test_a_well_formed_storage_key_opens_inside_the_upload_dir(tmp_path: Path) -> None:
    key = "ab/ab" + "0" * 30
    assert open_stored(tmp_path, key) == tmp_path / "ab" / ("ab" + "0" * 30)


@pytest.mark.parametrize(
    "storage_key",
    [
        "../secrets",
        "ab/../../etc/passwd",
        "/etc/passwd",
        "ab/ab" + "0" * 28 + "/..",
        "ab\\ab" + "0" * 30,
        "cd/ab" + "0" * 30,
        "ab/AB" + "0" * 30,
        "",
    ],
)
def test_a_storage_key_that_could_escape_the_upload_dir_is_refused(
    tmp_path: Path, storage_key: str
) -> None:
    with pytest.raises(ValueError, match="not a storage key"):
        open_stored(tmp_path, storage_key)


@pytest.mark.parametrize(
    ("name", "media_type", "expected"),
    [
        ("../../etc/passwd", "text/csv", "passwd.csv"),
        ("C:\\Users\\ana\\Rapport d'audit.pdf", "application/pdf", "Rapport daudit.pdf"),
        ('quo"te\r\nname;.docx', DOCX, "quotename.docx"),
        ("Évaluation fournisseur 2024.xlsx", XLSX, "Évaluation fournisseur 2024.xlsx"),
        ("Re\u0301sume\u0301.PDF", "application/pdf", "Résumé.pdf"),
        ("photo.jpeg", "image/jpeg", "photo.jpg"),
        ("invoice.exe", "application/pdf", "invoice.exe.pdf"),
        ("scores.xlsx", "text/csv", "scores.csv"),
        ("<img src=x onerror=alert(1)>.png", "image/png", "img srcx onerroralert1.png"),
        ("a   b  .pdf", "application/pdf", "a b.pdf"),
        (".htaccess", "text/csv", "htaccess.csv"),
        ("", "image/png", "evidence.png"),
        ("...", "application/pdf", "evidence.pdf"),
    ],
)
def test_a_download_name_keeps_only_safe_characters_and_the_detected_extension(
    name: str, media_type: str, expected: str
) -> None:
    assert safe_download_name(name, media_type) == expected


def test_a_long_download_name_is_cut_to_120_characters_keeping_the_extension() -> None:
    assert safe_download_name("a" * 200 + ".pdf", "application/pdf") == "a" * 116 + ".pdf"


def test_every_allowed_media_type_has_a_dotted_extension() -> None:
    assert ALLOWED_MEDIA_TYPES == {
        "application/pdf": ".pdf",
        "image/jpeg": ".jpg",
        "image/png": ".png",
        XLSX: ".xlsx",
        DOCX: ".docx",
        "text/csv": ".csv",
    }
