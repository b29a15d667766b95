"""The stored outcome of a POST made with an Idempotency-Key."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from service.types import UTCDateTime, utcnow


class IdempotencyRecord(SQLModel, table=True):
    """A key reserved by the first request that used it, then its response."""

    __table_args__ = (sa.UniqueConstraint("user_id", "key", name="uq_idempotency_user_key"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user.id")
    key: str = Field(max_length=255)
    request_hash: str = Field(max_length=64)
    status_code: int | None = None
    media_type: str | None = Field(default=None, max_length=100)
    response_body: bytes | None = Field(default=None, sa_type=sa.LargeBinary)
    # The response's own headers (ETag, Location…) as [name, value] pairs, sent again on replay.
    response_headers: list[list[str]] | None = Field(default=None, sa_type=sa.JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
