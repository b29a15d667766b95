"""Request bodies are capped before they are buffered, with or without a token."""

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from service.accounts.models import Role
from service.bodylimit import is_raw_upload
from service.settings import get_settings
from tests.factories import make_tenant
from tests.server import started_server

LIMIT = get_settings().max_body_bytes
MIB = 1024 * 1024


def test_the_default_cap_is_far_below_the_upload_cap() -> None:
    settings = get_settings()
    assert (settings.max_body_bytes, settings.upload_max_bytes) == (MIB, 20 * MIB)


def assert_too_large(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "/problems/payload-too-large",
        "title": "Content Too Large",
        "status": 413,
        "detail": f"the request body is larger than {LIMIT} bytes",
        "instance": "/api/v1/auth/login",
    }


def big_json(size: int) -> bytes:
    head, tail = b'{"email": "a@b.org", "password": "', b'"}'
    return head + b"x" * (size - len(head) - len(tail)) + tail


def test_a_declared_body_over_the_cap_is_refused_without_a_token(client: TestClient) -> None:
    body = big_json(LIMIT + 1)
    assert len(body) == LIMIT + 1
    assert_too_large(
        client.post(
            "/api/v1/auth/login", content=body, headers={"Content-Type": "application/json"}
        )
    )


def test_a_body_over_the_cap_is_refused_in_the_language_asked_for(client: TestClient) -> None:
    response = client.post(
        "/api/v1/auth/login",
        content=big_json(LIMIT + 1),
        headers={"Content-Type": "application/json", "Accept-Language": "es-NI"},
    )
    assert response.status_code == 413
    assert response.headers["content-language"] == "es"
    assert (response.json()["title"], response.json()["detail"]) == (
        "Contenido demasiado grande",
        f"el cuerpo de la solicitud supera los {LIMIT} bytes",
    )


def test_a_body_at_the_cap_is_read_and_validated(client: TestClient) -> None:
    body = big_json(LIMIT)
    response = client.post(
        "/api/v1/auth/login", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "password"


def test_a_chunked_body_over_the_cap_is_refused_with_a_token(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")

    def chunks() -> Iterator[bytes]:
        body = big_json(3 * LIMIT)
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]

    response = client.post(
        "/api/v1/auth/login",
        content=chunks(),
        headers={**tenant.headers(Role.admin), "Content-Type": "application/json"},
    )
    assert "content-length" not in response.request.headers
    assert_too_large(response)


def test_only_evidence_uploads_bypass_the_json_cap() -> None:
    assert is_raw_upload({"method": "POST", "path": "/api/v1/audits/abc/evidence"}) is True
    assert is_raw_upload({"method": "PUT", "path": "/api/v1/audits/abc/evidence"}) is False
    assert is_raw_upload({"method": "POST", "path": "/api/v1/audits/abc/answers"}) is False
    assert is_raw_upload({"method": "POST", "path": "/api/v1/auth/login"}) is False


def post_raw(port: int, body_size: int, chunked: bool) -> bytes:
    """Send a JSON body of body_size bytes on a raw socket; return the response's first line.

    A reader thread takes the answer as soon as it comes: the server answers 413 and closes
    before the client has sent everything, which ends the sending with a broken pipe."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.settimeout(120)
    answer: list[bytes] = []

    def read() -> None:
        data = b""
        try:
            while b"\r\n" not in data:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
        answer.append(data)

    reader = threading.Thread(target=read)
    reader.start()
    framing = b"Transfer-Encoding: chunked" if chunked else f"Content-Length: {body_size}".encode()
    head = b"POST /api/v1/auth/login HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
    block = b"x" * (256 * 1024)
    try:
        sock.sendall(head + framing + b"\r\n\r\n")
        for _ in range(body_size // len(block)):
            sock.sendall(b"%x\r\n%s\r\n" % (len(block), block) if chunked else block)
        if chunked:
            sock.sendall(b"0\r\n\r\n")
    except OSError:
        pass  # the server answered and closed the connection: what we want
    reader.join(timeout=120)
    sock.close()
    return answer[0].split(b"\r\n", 1)[0] if answer else b""


def peak_memory_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


@pytest.mark.server
def test_six_concurrent_50_mb_bodies_barely_move_a_workers_peak_memory(
    database_url: str,
) -> None:
    # One worker: uvicorn then serves in the process it starts, whose pid we hold.
    with started_server(database_url, workers=1) as server:
        port = int(server.base.rsplit(":", 1)[1])
        for chunked in (False, True):  # warm both paths up before the baseline
            assert post_raw(port, 2 * MIB, chunked) == b"HTTP/1.1 413 Request Entity Too Large"
        before = peak_memory_kib(server.process.pid)
        results: list[bytes] = []
        threads = [
            threading.Thread(target=lambda c=chunked: results.append(post_raw(port, 50 * MIB, c)))
            for chunked in (False, True, False, True, False, True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        after = peak_memory_kib(server.process.pid)
        print(f"peak memory before {before} KiB, after {after} KiB, +{after - before} KiB")
        assert results == [b"HTTP/1.1 413 Request Entity Too Large"] * 6
        assert after - before < 20 * 1024
