"""The service, killed with SIGKILL at a chosen moment of a request: for crash tests.

A request with `X-Test-Crash: before-commit` kills the server (its whole process group) just
before its change is committed; `after-commit` kills it once the change is committed, before
the response leaves. Both are the moments a real crash can hit."""

import os
import signal
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event

from service.app import app as service_app
from service.idempotency.unit import HeldSession

_crash: ContextVar[bytes | None] = ContextVar("crash", default=None)


def _die() -> None:
    os.killpg(os.getpgrp(), signal.SIGKILL)


@event.listens_for(HeldSession, "before_commit")
def _before_commit(session: Any) -> None:
    if _crash.get() == b"before-commit" and getattr(session, "wrote", False):
        _die()


async def app(scope: Any, receive: Any, send: Any) -> None:
    headers = dict(scope.get("headers", [])) if scope["type"] == "http" else {}
    crash = headers.get(b"x-test-crash")
    if crash is None:
        await service_app(scope, receive, send)
        return
    token = _crash.set(crash)

    async def send_or_die(message: Any) -> None:
        if message["type"] == "http.response.start" and crash == b"after-commit":
            _die()
        await send(message)

    try:
        await service_app(scope, receive, send_or_die)
    finally:
        _crash.reset(token)
