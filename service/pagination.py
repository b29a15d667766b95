"""Keyset pagination, the one paginator of every list: stable pages ordered by a key column
and the id, with an opaque cursor `<number>-<hex id>` pointing just after the last row."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import and_, or_

T = TypeVar("T")
S = TypeVar("S")


class Page(BaseModel, Generic[T]):
    """One page of a list and the cursor of the next one (null on the last page)."""

    items: list[T]
    next_cursor: str | None


LimitQuery = Annotated[int, Query(ge=1, le=200, description="Items per page")]
# A cursor is the last row's key as a whole number and its id: every string the pattern
# admits is a position, so the API documents exactly what it accepts. By creation, the key
# is the creation time in microseconds since 1970; by day, the day number (0001-01-01 is 1).
CURSOR_PATTERN = r"^[0-9]{1,17}-[0-9a-f]{32}$"
DAY_CURSOR_PATTERN = r"^[0-9]{1,7}-[0-9a-f]{32}$"
CursorQuery = Annotated[
    str | None,
    Query(pattern=CURSOR_PATTERN, description="The `next_cursor` of the previous page"),
]
RANK_CURSOR_PATTERN = r"^[0-9]{1,7}-[0-9a-f]{32}$"
RankCursorQuery = Annotated[
    str | None,
    Query(pattern=RANK_CURSOR_PATTERN, description="The `next_cursor` of the previous page"),
]
DayCursorQuery = Annotated[
    str | None,
    Query(pattern=DAY_CURSOR_PATTERN, description="The `next_cursor` of the previous page"),
]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Keyset:
    """How a list's key is written in its cursors: as a whole number, and back."""

    to_number: Callable[[Any], int]
    from_number: Callable[[int], Any]

    def encode(self, key: Any, row_id: uuid.UUID) -> str:
        """A cursor pointing just after the row with this key and id."""
        return f"{self.to_number(key)}-{row_id.hex}"

    def decode(self, cursor: str) -> tuple[Any, uuid.UUID]:
        """The key and id a cursor points after."""
        number, row_id = cursor.split("-")
        return self.from_number(int(number)), uuid.UUID(hex=row_id)


def _day(number: int) -> date:
    """A day number as a day; numbers past either end of the calendar stop at that end."""
    return date.fromordinal(min(max(number, 1), date.max.toordinal()))


BY_CREATION = Keyset(
    to_number=lambda at: (at - EPOCH) // timedelta(microseconds=1),
    from_number=lambda micros: EPOCH + timedelta(microseconds=micros),
)
BY_DAY = Keyset(to_number=date.toordinal, from_number=_day)
# A rank kept as a whole number (lower first), for lists ordered by something computed.
BY_RANK = Keyset(to_number=int, from_number=int)


def encode_cursor(created_at: datetime, row_id: uuid.UUID) -> str:
    """A cursor pointing just after this row."""
    return BY_CREATION.encode(created_at, row_id)


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The position a cursor points after."""
    created_at, row_id = BY_CREATION.decode(cursor)
    return created_at, row_id


def keyset_page(
    statement: S, key: Any, row_id: Any, cursor: str | None, limit: int, keyset: Keyset
) -> S:
    """Order by (key, id), start after the cursor, and fetch one extra row."""
    if cursor is not None:
        after, after_id = keyset.decode(cursor)
        statement = statement.where(  # type: ignore[attr-defined]
            or_(key > after, and_(key == after, row_id > after_id))
        )
    return statement.order_by(key, row_id).limit(limit + 1)  # type: ignore[attr-defined]


def paginate_newest(statement: S, model: Any, cursor: str | None, limit: int) -> S:
    """Newest first: order by (created_at, id) descending, start after the cursor, and fetch
    one extra row. The cursors are written as everywhere else."""
    if cursor is not None:
        after, after_id = BY_CREATION.decode(cursor)
        key, row_id = model.created_at, model.id
        statement = statement.where(  # type: ignore[attr-defined]
            or_(key < after, and_(key == after, row_id < after_id))
        )
    ordered = statement.order_by(model.created_at.desc(), model.id.desc())  # type: ignore[attr-defined]
    return ordered.limit(limit + 1)


def paginate(statement: S, model: Any, cursor: str | None, limit: int) -> S:
    """Order by (created_at, id), start after the cursor, and fetch one extra row."""
    return keyset_page(statement, model.created_at, model.id, cursor, limit, BY_CREATION)


def next_cursor(
    rows: list[Any],
    limit: int,
    keyset: Keyset = BY_CREATION,
    position: Callable[[Any], tuple[Any, uuid.UUID]] = lambda row: (row.created_at, row.id),
) -> str | None:
    """The cursor after the last row kept, when the extra row shows there is another page."""
    if len(rows) <= limit:
        return None
    return keyset.encode(*position(rows[limit - 1]))


def page_of(rows: list[Any], limit: int, public: type[T]) -> Page[T]:
    """Cut the extra row off and derive the next cursor from the last row kept."""
    items = [public.model_validate(row, from_attributes=True) for row in rows[:limit]]  # type: ignore[attr-defined]
    return Page[public](items=items, next_cursor=next_cursor(rows, limit))  # type: ignore[valid-type]


def page_after(
    rows: list[Any],
    cursor: str | None,
    limit: int,
    public: Callable[[list[Any]], list[T]],
    position: Callable[[Any], tuple[Any, uuid.UUID]] = lambda row: (row.created_at, row.id),
    keyset: Keyset = BY_CREATION,
) -> Page[T]:
    """A page of a short list already read whole (an engagement's audits, plans…): ordered
    by (key, id), starting after the cursor, with the same cursors as the keyset lists.
    `public` builds the shapes of the page's rows only, in one pass."""
    ordered = sorted(rows, key=position)
    if cursor is not None:
        after = keyset.decode(cursor)
        ordered = [row for row in ordered if position(row) > after]
    kept = ordered[: limit + 1]
    return Page(items=public(kept[:limit]), next_cursor=next_cursor(kept, limit, keyset, position))
