"""Bounded request bodies: every body but a raw upload is capped before it is buffered.

A declared Content-Length over the cap is refused at once, before a byte of the body is read.
A body without one (chunked) is counted as it arrives and refused as soon as it passes the cap,
so a worker never holds more than the cap of any request body in memory. Raw uploads (evidence
files) are streamed to storage by their route under their own, larger cap.
"""

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from service.errors import PROBLEM_MEDIA_TYPE
from service.messages import choose_language, localize
from service.settings import get_settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

# POST routes that take a raw file as their body; each caps it itself (upload_max_bytes).
RAW_UPLOADS = (
    re.compile(r"/api/v1/audits/[^/]+/evidence"),
    re.compile(r"/audits/[^/]+/evidence"),  # the audit page's upload (service/web/audits)
)


class BodyTooLarge(Exception):
    """The body grew past the cap while it was being read."""


def is_raw_upload(scope: Scope) -> bool:
    """Whether the request is a file upload whose route streams and caps the body itself."""
    return scope.get("method") == "POST" and any(
        pattern.fullmatch(scope.get("path", "")) for pattern in RAW_UPLOADS
    )


def _declared_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key.lower() == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


async def send_too_large(send: Send, limit: int, scope: Scope) -> None:
    """A 413 problem in the language Accept-Language asks for (the user is not resolved yet);
    the connection closes, so the rest of the body is never read."""
    problem = {
        "type": "/problems/payload-too-large",
        "title": "Content Too Large",
        "status": 413,
        "detail": f"the request body is larger than {limit} bytes",
        "instance": scope.get("path", ""),
    }
    language = choose_language(None, _accept_language(scope), None)
    body = json.dumps(localize(problem, language)).encode()
    headers = [
        (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"content-language", language.encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _accept_language(scope: Scope) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == b"accept-language":
            return str(value.decode("latin-1"))
    return None


class BodyLimitMiddleware:
    """Refuse with 413 any body over SUPPLIERDEV_MAX_BODY_BYTES, token or not."""

    def __init__(self, app: App, limit: int | None = None) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_raw_upload(scope):
            await self.app(scope, receive, send)
            return
        limit = self.limit or get_settings().max_body_bytes
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await send_too_large(send, limit, scope)
            return
        state = {"read": 0, "over": False, "started": False}

        async def counted() -> Message:
            message = await receive()
            state["read"] += len(message.get("body", b""))
            if state["read"] > limit:
                state["over"] = True
                raise BodyTooLarge()
            return message

        async def guarded(message: Message) -> None:
            # Once the body is over the cap, whatever the app answers is replaced by the 413.
            if state["over"]:
                if not state["started"]:
                    state["started"] = True
                    await send_too_large(send, limit, scope)
                return
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except BodyTooLarge:
            pass
        except Exception:
            if not state["over"]:
                raise
        if state["over"] and not state["started"]:
            await send_too_large(send, limit, scope)
