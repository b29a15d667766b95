"""The worker: claims due outbox rows, delivers them and records the outcome; runs the
reminder schedule. Several workers on several hosts may run at once.

Claiming moves a row's `due_at` one lease ahead in a short transaction (`FOR UPDATE SKIP
LOCKED` on PostgreSQL, so two workers never claim the same row; SQLite's write lock lets one
claim at a time). A worker that dies mid-send leaves its rows to be claimed again when the
lease ends: delivery is at least once, and every message keeps its id for de-duplication.
"""

import logging
import random
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlmodel import Session, col, select, update

from service.database import read_session, write_session
from service.notifications import mail, webhooks
from service.notifications.fanout import fan_out
from service.notifications.letters import letter_for
from service.notifications.models import (
    Channel,
    Delivery,
    OutboxMessage,
    Topic,
    WebhookEndpoint,
)
from service.settings import get_settings
from service.types import utcnow

# Messages whose link carries a password token.
SECRET_LINKS = {Topic.password_reset.value, Topic.user_created.value}

log = logging.getLogger("supplierdev.worker")
BATCH = 10
# Longest wait between two attempts, whatever the attempt number.
MAX_BACKOFF_SECONDS = 6 * 3600
Clock = Callable[[], datetime]


class Worker:
    """One delivery loop; `stop` ends it after the message in hand."""

    def __init__(self, clock: Clock = utcnow, stop: threading.Event | None = None) -> None:
        self.clock = clock
        self.stop = stop or threading.Event()
        self.settings = get_settings()
        self.held: list[uuid.UUID] = []

    def run(self, schedules: bool = True) -> None:
        """Deliver until stopped; run the schedules every few minutes."""
        from service.notifications.reminders import run_schedules

        next_schedule = self.clock()
        log.info("worker started")
        while not self.stop.is_set():
            try:
                if schedules and self.clock() >= next_schedule:
                    run_schedules(self.clock())
                    next_schedule = self.clock() + timedelta(minutes=5)
                handled = self.run_once()
            except Exception:
                log.exception("worker round failed; trying again")
                handled = 0
            if not handled:
                self.stop.wait(self.settings.worker_poll_seconds)
        self.release()
        log.info("worker stopped")

    def run_once(self) -> int:
        """Claim one batch of due rows and deliver them; how many were handled."""
        self.held = self.claim()
        for number, message_id in enumerate(list(self.held)):
            if self.stop.is_set():
                self.held = self.held[number:]
                return number
            self.deliver(message_id)
        handled = len(self.held)
        self.held = []
        return handled

    def drain(self) -> int:
        """Deliver everything due now (fan-outs included); the number of rows handled."""
        total = 0
        while handled := self.run_once():
            total += handled
        return total

    def claim(self) -> list[uuid.UUID]:
        """Take up to a batch of due rows for one lease."""
        now = self.clock()
        with write_session() as session:
            due = (
                select(OutboxMessage.id)
                .where(OutboxMessage.state == Delivery.pending, OutboxMessage.due_at <= now)
                .where(OutboxMessage.channel != Channel.digest)
                .order_by(col(OutboxMessage.due_at))
                .limit(BATCH)
            )
            if session.get_bind().dialect.name == "postgresql":
                due = due.with_for_update(skip_locked=True)
            ids = list(session.exec(due).all())
            if ids:
                lease = now + timedelta(seconds=self.settings.worker_lease_seconds)
                session.execute(
                    update(OutboxMessage)
                    .where(col(OutboxMessage.id).in_(ids))
                    .values(due_at=lease, attempts=OutboxMessage.attempts + 1)
                )
            session.commit()
        return ids

    def release(self) -> None:
        """Give back the rows claimed but not delivered (on a clean stop)."""
        if not self.held:
            return
        with write_session() as session:
            session.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.id).in_(self.held))
                .where(col(OutboxMessage.state) == Delivery.pending)
                .values(due_at=self.clock(), attempts=OutboxMessage.attempts - 1)
            )
            session.commit()
        self.held = []

    def deliver(self, message_id: uuid.UUID) -> None:
        """Deliver one claimed row and record what happened."""
        with read_session() as session:
            row = session.get(OutboxMessage, message_id)
        if row is None or row.state != Delivery.pending:
            return
        try:
            code, duration, error = self._send(row)
        except Exception as failure:  # an SMTP server down, a template bug: retried
            log.exception("delivery %s raised", row.id)
            code, duration, error = None, None, f"{type(failure).__name__}: {failure}"[:1000]
        if row.channel == Channel.dispatch and error is None:
            return  # fanned out and marked sent in one transaction
        with write_session() as session:
            if error is None:
                self._succeeded(session, row, code, duration)
            else:
                self._failed(session, row, error, code, duration)
            if row.endpoint_id:
                self._track_endpoint(session, row.endpoint_id, ok=error is None, error=error)
            session.commit()

    def _send(self, row: OutboxMessage) -> tuple[int | None, int | None, str | None]:
        if row.channel == Channel.dispatch:
            with write_session() as session:
                fan_out(session, row, self.clock())
                self._succeeded(session, row, None, None)
                session.commit()
            return None, None, None
        if row.channel == Channel.mail:
            with read_session() as session:
                letter = letter_for(session, row)
            if letter is not None:
                mail.send(mail.compose(letter))
            return None, None, None
        with read_session() as session:
            endpoint = session.get(WebhookEndpoint, row.endpoint_id)
        if endpoint is None:
            return None, None, "the endpoint was deleted"
        attempt = webhooks.post(endpoint.url, endpoint.secret, str(row.id), row.payload)
        return attempt.status_code, attempt.duration_ms, attempt.error

    def _succeeded(
        self, session: Session, row: OutboxMessage, code: int | None, duration: int | None
    ) -> None:
        values: dict[str, object] = {
            "state": Delivery.sent,
            "sent_at": self.clock(),
            "last_error": None,
            "response_code": code,
            "duration_ms": duration,
        }
        if row.topic in SECRET_LINKS:
            # The link holds a password token: once it has left, the outbox forgets it.
            values["payload"] = {**row.payload, "path": None}
        session.execute(
            update(OutboxMessage).where(col(OutboxMessage.id) == row.id).values(**values)
        )

    def _failed(
        self,
        session: Session,
        row: OutboxMessage,
        error: str,
        code: int | None,
        duration: int | None,
    ) -> None:
        attempts = session.exec(
            select(OutboxMessage.attempts).where(OutboxMessage.id == row.id)
        ).one()
        values: dict[str, object] = {
            "last_error": error,
            "response_code": code,
            "duration_ms": duration,
        }
        if attempts >= self.settings.worker_max_attempts:
            values["state"] = Delivery.failed
        else:
            values["due_at"] = self.clock() + timedelta(seconds=self.backoff(attempts))
        log.warning("delivery %s failed (attempt %s): %s", row.id, attempts, error)
        session.execute(
            update(OutboxMessage).where(col(OutboxMessage.id) == row.id).values(**values)
        )

    def backoff(self, attempts: int) -> float:
        """Seconds before the next attempt: doubling per attempt, with ±50 % jitter so the
        retries of many messages spread out."""
        base = self.settings.worker_backoff_seconds * 2 ** max(0, attempts - 1)
        return min(MAX_BACKOFF_SECONDS, base) * random.uniform(0.5, 1.5)

    def _track_endpoint(
        self, session: Session, endpoint_id: uuid.UUID, *, ok: bool, error: str | None
    ) -> None:
        from service.notifications.reminders import endpoint_outcome

        endpoint_outcome(session, endpoint_id, ok=ok, error=error, now=self.clock())


def start_in_process() -> tuple[threading.Thread, threading.Event] | None:
    """The worker of `supplierdev serve`, in a thread, unless the settings turn it off."""
    if not get_settings().worker_in_process:
        return None
    stop = threading.Event()
    thread = threading.Thread(target=Worker(stop=stop).run, name="supplierdev-worker", daemon=True)
    thread.start()
    return thread, stop
