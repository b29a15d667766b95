"""ASGI middleware: a repeated POST with the same Idempotency-Key replays the first response."""

import hashlib
import json
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import timedelta
from typing import Any

import anyio
from starlette.concurrency import run_in_threadpool

from service.errors import PROBLEM_MEDIA_TYPE
from service.idempotency import store, unit
from service.messages import choose_language, localize
from service.settings import get_settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

# 1 to 255 visible ASCII characters, spaces only inside (as `service/openapi.py` publishes).
IDEMPOTENCY_KEY_PATTERN = r"^[!-~]([ -~]{0,253}[!-~])?$"
IDEMPOTENCY_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN)
WAIT_SECONDS = 15.0
POLL_SECONDS = 0.05


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None as soon as it grows past the limit (nothing more is read)."""
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def _send_body(
    send: Send,
    status: int,
    media_type: str,
    body: bytes,
    replay: bool,
    kept: list[list[str]] | None = None,
) -> None:
    headers = [(b"content-type", media_type.encode()), (b"content-length", str(len(body)).encode())]
    headers += [(name.encode("latin-1"), value.encode("latin-1")) for name, value in kept or []]
    if replay:
        headers.append((b"idempotent-replayed", b"true"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _problem(send: Send, status: int, title: str, detail: str, scope: Scope) -> None:
    body: dict[str, Any] = {"type": "/problems/idempotency", "title": title, "status": status}
    body.update({"detail": detail, "instance": scope["path"]})
    if status == 422:
        body["errors"] = [{"field": "Idempotency-Key", "message": detail, "type": "value_error"}]
    # The user is not resolved here: Accept-Language alone chooses the language.
    language = choose_language(None, _header(scope, b"accept-language"), None)
    content = json.dumps(localize(body, language)).encode()
    await _send_body(
        send, status, PROBLEM_MEDIA_TYPE, content, False, [["content-language", language]]
    )


class IdempotencyMiddleware:
    """Reserve the key in the database, then run the request and store its response in the
    transaction of its change (`service.idempotency.unit`)."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = _header(scope, b"idempotency-key") if scope["type"] == "http" else None
        authorization = _header(scope, b"authorization") or ""
        if (
            scope.get("method") != "POST"
            or key is None
            or not authorization.lower().startswith("bearer ")
        ):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if not IDEMPOTENCY_KEY.fullmatch(key):
            await _problem(
                send,
                422,
                "Unprocessable Content",
                "Idempotency-Key must be 1 to 255 visible ASCII characters",
                scope,
            )
            return
        # The body is held in memory to compare repeats, so it is capped like any upload.
        limit = get_settings().upload_max_bytes
        declared = _header(scope, b"content-length") or ""
        body = (
            None
            if declared.isdigit() and int(declared) > limit
            else await _read_body(receive, limit)
        )
        if body is None:
            detail = f"the body is larger than {limit} bytes"
            await _problem(send, 413, "Content Too Large", detail, scope)
            return
        user_id = await run_in_threadpool(store.user_for_token, authorization[7:].strip())
        if user_id is None:
            await self.app(scope, _replaying(body), send)
            return
        digest = hashlib.sha256(
            b"\n".join([path.encode(), scope.get("query_string", b""), body])
        ).hexdigest()
        keep = timedelta(hours=get_settings().idempotency_hours)
        lookup = await self._claim(user_id, key, digest, keep)
        if lookup.outcome == "mismatch":
            await _problem(
                send,
                422,
                "Unprocessable Content",
                "this Idempotency-Key was already used with a different request",
                scope,
            )
        elif lookup.outcome == "replay" and lookup.record is not None:
            record = lookup.record
            await _send_body(
                send,
                record.status_code or 200,
                record.media_type or "application/json",
                record.response_body or b"",
                True,
                record.response_headers,
            )
        elif lookup.outcome == "pending" or lookup.record is None:
            await _problem(
                send,
                409,
                "Conflict",
                "a request with this Idempotency-Key is still being processed; retry later",
                scope,
            )
        else:
            await self._run_and_keep(scope, body, send, lookup.record.id)

    async def _claim(self, user_id: Any, key: str, digest: str, keep: timedelta) -> store.Lookup:
        deadline = time.monotonic() + WAIT_SECONDS
        lookup = await run_in_threadpool(store.reserve, user_id, key, digest, keep)
        while lookup.outcome == "pending" and time.monotonic() < deadline:
            await anyio.sleep(POLL_SECONDS)
            lookup = await run_in_threadpool(store.find, user_id, key, digest)
            if lookup.outcome == "gone":
                lookup = await run_in_threadpool(store.reserve, user_id, key, digest, keep)
        return lookup

    async def _run_and_keep(self, scope: Scope, body: bytes, send: Send, record_id: Any) -> None:
        """Run the request with its writes held, commit them with the response, then answer:
        the client never hears of a change that is not stored with its response."""
        captured: dict[str, Any] = {"status": 500, "media_type": None, "chunks": []}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["media_type"] = _media_type(message.get("headers", []))
                captured["headers"] = message.get("headers", [])
            elif message["type"] == "http.response.body":
                captured["chunks"].append(message.get("body", b""))

        with unit.held_request(record_id) as request:
            try:
                await self.app(scope, _replaying(body), capture)
            except BaseException:
                with anyio.CancelScope(shield=True):
                    await run_in_threadpool(request.abandon)
                    await run_in_threadpool(store.release, record_id)
                raise
        content = b"".join(captured["chunks"])
        response = unit.Stored(
            captured["status"], captured["media_type"], content, _kept(captured.get("headers", []))
        )
        if not _keeps(response.status):
            await run_in_threadpool(request.abandon)
            await run_in_threadpool(store.release, record_id)
        elif not await run_in_threadpool(request.finish, response):
            await _problem(
                send,
                409,
                "Conflict",
                "this request took so long that its Idempotency-Key was given up; "
                "nothing was changed, retry it",
                scope,
            )
            return
        await send(
            {
                "type": "http.response.start",
                "status": captured["status"],
                "headers": captured.get("headers", []),
            }
        )
        await send({"type": "http.response.body", "body": content})


def _keeps(status: int) -> bool:
    """Only a request that completed, or that a rule refused (409), keeps its key: one
    refused before it could change anything (invalid, unauthorised, not found, stale
    If-Match, 5xx) leaves the key free for the corrected request, as Stripe does."""
    return status < 400 or status == 409


def _kept(headers: list[tuple[bytes, bytes]]) -> list[list[str]]:
    """The response's own headers (ETag, Location…) to send again with a replay."""
    return [
        [key.decode("latin-1"), value.decode("latin-1")]
        for key, value in headers
        if key.lower() not in {b"content-type", b"content-length"}
    ]


def _media_type(headers: list[tuple[bytes, bytes]]) -> str | None:
    for key, value in headers:
        if key.lower() == b"content-type":
            return value.decode("latin-1")
    return None


def _replaying(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await anyio.sleep_forever()
        return {"type": "http.disconnect"}

    return receive
