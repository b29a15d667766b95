"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it receives, and a
real HTTP receiver of webhooks that verifies their signatures with `standardwebhooks`."""

import asyncio
import email
import email.policy
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.server import free_port


class Mailbox:
    """What the SMTP server received, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()
        # When set, the server keeps the message past this count and never answers until
        # released: its sender is caught between sending and hearing that it was sent.
        self.hold_after: int | None = None
        self.released = threading.Event()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content if isinstance(envelope.content, bytes) else b""
        parsed = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.messages.append(parsed)
            count = len(self.messages)
        while self.hold_after is not None and count >= self.hold_after:
            if self.released.is_set():
                break
            await asyncio.sleep(0.05)
        return "250 OK"

    def ids(self) -> list[str]:
        with self.lock:
            return [str(message["Message-ID"]) for message in self.messages]

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address in str(m["To"])]


@contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    """A started SMTP server on a free loopback port, stopped afterwards."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def html_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


class Receiver:
    """Webhook deliveries as received: each verified body by its webhook-id, in order."""

    def __init__(self, secret: str = "", failures: int = 0) -> None:
        self.secret = secret
        self.failures = failures  # answer 500 to this many requests first
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.refused: list[str] = []
        self.lock = threading.Lock()

    def ids(self) -> list[str]:
        with self.lock:
            return [message_id for message_id, _ in self.received]


@contextmanager
def webhook_receiver(receiver: Receiver) -> Iterator[str]:
    """An HTTP server on a free loopback port; yields its URL."""
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            headers = {name.lower(): value for name, value in self.headers.items()}
            status = 200
            with receiver.lock:
                if receiver.failures > 0:
                    receiver.failures -= 1
                    status = 500
                else:
                    try:
                        payload = Webhook(receiver.secret).verify(body, headers)
                        receiver.received.append((headers["webhook-id"], payload))
                    except WebhookVerificationError as error:
                        receiver.refused.append(str(error))
                        status = 400
            self.send_response(status)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks"
    finally:
        server.shutdown()
        server.server_close()


def loads(text: str) -> Any:
    return json.loads(text)
