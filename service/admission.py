"""Admission control: at most N requests of a worker run at once; the rest wait their turn.

Sync routes and dependencies each take a thread-pool hop and hold a pooled connection (and, on
PostgreSQL, row locks; on SQLite, the write lock) from one hop to the next. If more requests
ran than there are connections, threads would block waiting for a connection while the
requests holding the connections wait for a thread: a deadlock. Admitting no more requests
than the pool has connections, and fewer than the thread pool has threads, rules that out.
Waiting requests wait in the event loop, costing no thread and no connection.
"""

from typing import Any

import anyio

from service.idempotency.middleware import Receive, Scope, Send


class AdmissionMiddleware:
    """Let at most `limit` HTTP requests into the application at once."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit
        self._semaphore: anyio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._semaphore is None:  # created inside the worker's event loop
            self._semaphore = anyio.Semaphore(self.limit)
        async with self._semaphore:
            await self.app(scope, receive, send)
