"""Webhook deliveries, signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`,
`webhook-signature`) with the `standardwebhooks` library, to public destinations only unless
the operator allows private ones."""

import base64
import ipaddress
import json
import secrets
import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from standardwebhooks.webhooks import Webhook

from service.settings import get_settings
from service.types import utcnow

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    """A fresh signing secret in the Standard Webhooks form (`whsec_` + base64)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def refused_destination(url: str) -> str | None:
    """Why a URL may not receive webhooks (a private, loopback, link-local or reserved
    address, or a host that does not resolve), or None when it may."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "the URL must be http or https with a host"
    if get_settings().webhooks_allow_private:
        return None
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except OSError:
        return f"the host {parts.hostname} does not resolve"
    for *_, address in found:
        ip = ipaddress.ip_address(address[0])
        if not ip.is_global or ip.is_multicast:
            return f"{parts.hostname} is a private, loopback or reserved address ({ip})"
    return None


@dataclass
class Attempt:
    """The outcome of one delivery attempt."""

    ok: bool
    status_code: int | None
    duration_ms: int
    error: str | None


def signed_headers(secret: str, message_id: str, body: str) -> dict[str, str]:
    """The three Standard Webhooks headers of a body."""
    now = utcnow()
    signature = Webhook(secret).sign(msg_id=message_id, timestamp=now, data=body)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
        "user-agent": "supplierdev-webhooks",
    }


def post(url: str, secret: str, message_id: str, payload: dict[str, Any]) -> Attempt:
    """POST one signed payload; a 2xx answer is a success, anything else a failure."""
    refused = refused_destination(url)
    if refused:
        return Attempt(False, None, 0, refused)
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    headers = signed_headers(secret, message_id, body)
    started = time.monotonic()
    try:
        response = httpx.post(
            url,
            content=body.encode(),
            headers=headers,
            timeout=get_settings().webhook_timeout_seconds,
            follow_redirects=False,
        )
    except httpx.HTTPError as failure:
        elapsed = int((time.monotonic() - started) * 1000)
        return Attempt(False, None, elapsed, f"{type(failure).__name__}: {failure}"[:500])
    elapsed = int((time.monotonic() - started) * 1000)
    ok = 200 <= response.status_code < 300
    error = None if ok else f"HTTP {response.status_code}: {response.text[:200]}"
    return Attempt(ok, response.status_code, elapsed, error)
