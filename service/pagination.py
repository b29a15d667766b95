"""Keyset pagination: stable pages by (created_at, id) with an opaque cursor."""

import base64
import uuid
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import and_, or_
from sqlmodel.sql.expression import SelectOfScalar

from service.errors import Unprocessable

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list and the cursor of the next one (null on the last page)."""

    items: list[T]
    next_cursor: str | None


LimitQuery = Annotated[int, Query(ge=1, le=200, description="Items per page")]
CursorQuery = Annotated[
    str | None,
    Query(max_length=200, description="The `next_cursor` of the previous page"),
]


def encode_cursor(created_at: datetime, row_id: uuid.UUID) -> str:
    """An opaque cursor pointing just after this row."""
    raw = f"{created_at.isoformat()}|{row_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The position a cursor points after, or 422 naming the cursor."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created, row_id = base64.urlsafe_b64decode(padded).decode().split("|")
        return datetime.fromisoformat(created), uuid.UUID(row_id)
    except (ValueError, UnicodeDecodeError) as error:
        raise Unprocessable("the cursor is not one this service issued", field="cursor") from error


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
