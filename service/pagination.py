"""Keyset pagination: stable pages by (created_at, id) with an opaque cursor."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import and_, or_
from sqlmodel.sql.expression import SelectOfScalar

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list and the cursor of the next one (null on the last page)."""

    items: list[T]
    next_cursor: str | None


LimitQuery = Annotated[int, Query(ge=1, le=200, description="Items per page")]
# A cursor is the last row's creation time in microseconds since 1970 and its id: every
# string the pattern admits is a position, so the API documents exactly what it accepts.
CURSOR_PATTERN = r"^[0-9]{1,17}-[0-9a-f]{32}$"
CursorQuery = Annotated[
    str | None,
    Query(pattern=CURSOR_PATTERN, description="The `next_cursor` of the previous page"),
]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def encode_cursor(created_at: datetime, row_id: uuid.UUID) -> str:
    """A cursor pointing just after this row."""
    micros = (created_at - EPOCH) // timedelta(microseconds=1)
    return f"{micros}-{row_id.hex}"


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The position a cursor points after."""
    micros, row_id = cursor.split("-")
    return EPOCH + timedelta(microseconds=int(micros)), uuid.UUID(hex=row_id)


def paginate(
    statement: SelectOfScalar[Any], model: Any, cursor: str | None, limit: int
) -> SelectOfScalar[Any]:
    """Order by (created_at, id), start after the cursor, and fetch one extra row."""
    if cursor is not None:
        created_at, row_id = decode_cursor(cursor)
        statement = statement.where(
            or_(
                model.created_at > created_at,
                and_(model.created_at == created_at, model.id > row_id),
            )
        )
    return statement.order_by(model.created_at, model.id).limit(limit + 1)


def page_of(rows: list[Any], limit: int, public: type[T]) -> Page[T]:
    """Cut the extra row off and derive the next cursor from the last row kept."""
    kept = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = kept[-1]
        next_cursor = encode_cursor(last.created_at, last.id)
    return Page[public](  # type: ignore[valid-type]
        items=[public.model_validate(row, from_attributes=True) for row in kept],  # type: ignore[attr-defined]
        next_cursor=next_cursor,
    )
