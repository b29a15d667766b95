"""Reserve, release and look up idempotency keys (synchronous, own transactions); the response
is stored with the request's change by `service.idempotency.unit`."""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, delete, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from service.database import read_session, write_session
from service.deps import resolve_token
from service.errors import NotAuthenticated
from service.idempotency.models import IdempotencyRecord
from service.types import utcnow

# A reservation older than this with no response belongs to a request that died.
ABANDONED_AFTER = timedelta(minutes=5)


@dataclass
class Lookup:
    """What a request with a key should do: run, replay, wait, or refuse a reused key."""

    outcome: str  # "reserved" | "replay" | "pending" | "mismatch" | "gone"
    record: IdempotencyRecord | None = None


def user_for_token(raw_token: str) -> uuid.UUID | None:
    """The user a bearer token belongs to, or None (the route itself will answer 401)."""
    with read_session() as session:
        try:
            user, _token = resolve_token(session, raw_token)
        except NotAuthenticated:
            return None
        return user.id


def reserve(user_id: uuid.UUID, key: str, request_hash: str, keep: timedelta) -> Lookup:
    """Claim the key for this request, or report what an earlier request did with it."""
    now = utcnow()
    with write_session() as session:
        session.exec(
            delete(IdempotencyRecord).where(
                col(IdempotencyRecord.user_id) == user_id,
                col(IdempotencyRecord.key) == key,
                or_(
                    col(IdempotencyRecord.created_at) < now - keep,
                    and_(
                        col(IdempotencyRecord.status_code).is_(None),
                        col(IdempotencyRecord.created_at) < now - ABANDONED_AFTER,
                    ),
                ),
            )
        )
        record = IdempotencyRecord(user_id=user_id, key=key, request_hash=request_hash)
        session.add(record)
        try:
            session.commit()
            return Lookup("reserved", record)
        except IntegrityError:
            session.rollback()
    lookup = find(user_id, key, request_hash)
    return Lookup("pending") if lookup.outcome == "gone" else lookup


def find(user_id: uuid.UUID, key: str, request_hash: str) -> Lookup:
    """The state of a key another request holds ("gone" when nobody holds it now)."""
    with read_session() as session:
        record = session.exec(
            select(IdempotencyRecord).where(
                IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key
            )
        ).first()
        if record is None or (
            record.status_code is None and record.created_at < utcnow() - ABANDONED_AFTER
        ):
            return Lookup("gone")
        if record.request_hash != request_hash:
            return Lookup("mismatch", record)
        if record.status_code is not None:
            return Lookup("replay", record)
        return Lookup("pending")


def release(record_id: uuid.UUID) -> None:
    """Forget a reservation whose request failed, so the client may retry."""
    with write_session() as session:
        session.exec(delete(IdempotencyRecord).where(col(IdempotencyRecord.id) == record_id))
        session.commit()
