"""A request with an Idempotency-Key commits its change and its stored response together.

The middleware runs such a request inside `held_request`. The request's sessions are then
`HeldSession`s: their `commit()` flushes the change but keeps the transaction open, and the
middleware, once it has the response, writes it into the key's record through the same
transaction and commits both at once. A crash before that commit loses both (the retry runs
the request anew); a crash after it loses neither (the retry gets the stored response). The
response is sent to the client only after the commit.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, update
from sqlmodel import Session, col

from service.database import WRITE_OPTION, get_engine, session_for_method
from service.idempotency.models import IdempotencyRecord
from service.types import utcnow


class HeldSession(Session):
    """A write session whose commits wait for the request's response (see the module)."""

    wrote = False  # this transaction changed something
    held = False  # a commit was asked for and deferred

    def commit(self) -> None:
        self.flush()
        if not self.wrote:
            super().commit()  # nothing to keep: end the transaction, release its locks
            return
        self.held = True

    def rollback(self) -> None:
        self.held = self.wrote = False
        super().rollback()

    def close(self) -> None:
        if not self.held:  # a held transaction is the middleware's to finish
            super().close()

    def commit_with_response(self, record_id: uuid.UUID, response: "Stored") -> bool:
        """Store the response in the change's transaction and commit both; False (and nothing
        written) when the key's reservation is no longer this request's."""
        stored = self.execute(_complete(record_id, response))
        if stored.rowcount != 1:  # type: ignore[attr-defined]
            self.discard()
            return False
        self.held = False
        super().commit()
        super().close()
        return True

    def discard(self) -> None:
        """Roll back and close, whatever was held."""
        self.held = False
        super().rollback()
        super().close()


@dataclass
class Stored:
    """A response as it is kept for replays."""

    status: int
    media_type: str | None
    body: bytes
    headers: list[list[str]] = field(default_factory=list)


def _complete(record_id: uuid.UUID, response: Stored) -> Any:
    return (
        update(IdempotencyRecord)
        .where(col(IdempotencyRecord.id) == record_id, col(IdempotencyRecord.status_code).is_(None))
        .values(
            status_code=response.status,
            media_type=response.media_type,
            response_body=response.body,
            response_headers=response.headers,
            completed_at=utcnow(),
        )
    )


@event.listens_for(HeldSession, "after_flush")
def _flushed(session: Session, _context: Any) -> None:
    if isinstance(session, HeldSession):
        session.wrote = True


@event.listens_for(HeldSession, "do_orm_execute")
def _executed(state: Any) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        session = state.session
        if isinstance(session, HeldSession):
            session.wrote = True


class HeldRequest:
    """The sessions of one request with an Idempotency-Key, and its reserved record."""

    def __init__(self, record_id: uuid.UUID) -> None:
        self.record_id = record_id
        self.sessions: list[HeldSession] = []

    def finish(self, response: Stored) -> bool:
        """Commit the held change with the response, or store the response alone."""
        held = [session for session in self.sessions if session.held]
        for session in self.sessions:
            if not session.held:
                session.close()
        if not held:
            with Session(get_engine().execution_options(**{WRITE_OPTION: True})) as own:
                result = own.execute(_complete(self.record_id, response))
                own.commit()
                return bool(result.rowcount == 1)  # type: ignore[attr-defined]
        first, *others = held
        stored = first.commit_with_response(self.record_id, response)
        for session in others:
            if stored:
                Session.commit(session)
            session.discard()
        return stored

    def abandon(self) -> None:
        """The request failed: nothing it held is committed."""
        for session in self.sessions:
            session.discard()


_current: ContextVar[HeldRequest | None] = ContextVar("held_request", default=None)


@contextmanager
def held_request(record_id: uuid.UUID) -> Iterator[HeldRequest]:
    """Run a request (in this context) whose write sessions are held for its response."""
    request = HeldRequest(record_id)
    token = _current.set(request)
    try:
        yield request
    finally:
        _current.reset(token)


def request_session(method: str) -> Session:
    """The session of a request: held when it runs under an Idempotency-Key."""
    request = _current.get()
    if request is None or method in {"GET", "HEAD", "OPTIONS"}:
        return session_for_method(method)
    session = HeldSession(
        get_engine().execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
    )
    session.info["request"] = method  # a request's session, as `session_for_method` marks it
    request.sessions.append(session)
    return session
