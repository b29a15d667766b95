"""One log line per request: method, path template, status, duration and user id; nothing else."""

import logging
import time
from typing import Any

from service.idempotency.middleware import Receive, Scope, Send

logger = logging.getLogger("supplierdev.request")


class RequestLogMiddleware:
    """Log after the response; never headers, query strings or bodies (they hold secrets)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def remember_status(message: Any) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, remember_status)
        finally:
            template = _path_template(scope)
            user_id = scope.get("state", {}).get("user_id", "-")
            logger.info(
                "%s %s %s %.1fms user=%s",
                scope.get("method"),
                template,
                status["code"],
                (time.perf_counter() - started) * 1000,
                user_id,
            )


def _path_template(scope: Scope) -> str:
    """The route's template with the prefixes of the routers it is mounted under."""
    route_path = getattr(scope.get("route"), "path", None)
    if route_path is None:
        return "<unmatched>"
    # Path parameters never hold "/", so the mount prefix is the leading extra segments.
    extra = scope["path"].count("/") - route_path.count("/")
    prefix = "/".join(scope["path"].split("/")[: extra + 1]) if extra > 0 else ""
    return prefix + route_path
