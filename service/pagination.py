"""Keyset pagination, the one paginator of every list: stable pages ordered by a key column
and the id, with an opaque cursor `<number>-<hex id>` pointing just after the last row."""

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import and_, or_, true

from service.types import name_key

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


@dataclass(frozen=True)
class TextKeyset:
    """A folded name as a cursor's key: its UTF-8 bytes in hex, so any text is a position
    and every even run of hex digits is one (bytes that are not UTF-8, and NUL, which no
    name holds and PostgreSQL refuses, read as U+FFFD)."""

    pattern: str = "(?:[0-9a-f]{2}){0,4000}"

    def write(self, key: Any) -> str:
        return str(key).encode().hex()

    def read(self, written: str) -> Any:
        return bytes.fromhex(written).decode(errors="replace").replace("\x00", "\ufffd")


@dataclass(frozen=True)
class NumberKeyset:
    """A key written as a whole number (a time or a day, see `Keyset`)."""

    keyset: Keyset
    pattern: str

    def write(self, key: Any) -> str:
        return str(self.keyset.to_number(key))

    def read(self, written: str) -> Any:
        return self.keyset.from_number(int(written))


BY_TEXT = TextKeyset()
CREATED = NumberKeyset(BY_CREATION, "[0-9]{1,17}")
DAY = NumberKeyset(BY_DAY, "[0-9]{1,7}")


@dataclass(frozen=True)
class Order:
    """One order a list may be read in: the SQL key (None for lists read whole), the row
    attribute holding the key, and how cursors write it."""

    column: Any
    attribute: str
    key: TextKeyset | NumberKeyset


class Sorting:
    """The `sort` of a list: a field name, `-` in front for descending, each order by its key
    and then the id. A cursor names the order it was made in, `<sort>.<key>-<id>`, so every
    string its pattern admits is a position and a cursor continues its own order."""

    def __init__(self, orders: dict[str, Order], row_id: str = "id") -> None:
        self.orders = orders
        self.row_id = row_id
        keys = "|".join(
            rf"{re.escape(name)}\.{order.key.pattern}" for name, order in orders.items()
        )
        self.pattern = rf"^-?(?:{keys})-[0-9a-f]{{32}}$"
        SORTED_CURSOR_PATTERNS.append(self.pattern)

    def position(self, cursor: str) -> tuple[str, Any, uuid.UUID]:
        """The sort a cursor belongs to, and the key and id it points after."""
        sort, written = cursor.split(".", 1)
        key, row_id = written.rsplit("-", 1)
        return sort, self.orders[sort.removeprefix("-")].key.read(key), uuid.UUID(hex=row_id)

    def effective(self, sort: str, cursor: str | None) -> str:
        """The order of this page: the cursor's when there is one, else the one asked for."""
        return sort if cursor is None else self.position(cursor)[0]

    def page(self, statement: S, sort: str, row_id: Any, cursor: str | None, limit: int) -> S:
        """Order by (key, id) in the cursor's or the asked order, start after the cursor,
        and fetch one extra row."""
        sort = self.effective(sort, cursor)
        key = self.orders[sort.removeprefix("-")].column
        descending = sort.startswith("-")
        if cursor is not None:
            _sort, after, after_id = self.position(cursor)
            if descending:
                later = or_(key < after, and_(key == after, row_id < after_id))
            else:
                later = or_(key > after, and_(key == after, row_id > after_id))
            statement = statement.where(later)  # type: ignore[attr-defined]
        if descending:
            key, row_id = key.desc(), row_id.desc()
        return statement.order_by(key, row_id).limit(limit + 1)  # type: ignore[attr-defined]

    def next_cursor(self, rows: list[Any], limit: int, sort: str) -> str | None:
        """The cursor after the last row kept, when the extra row shows there is another
        page; `sort` is the page's effective order."""
        if len(rows) <= limit:
            return None
        last = rows[limit - 1]
        order = self.orders[sort.removeprefix("-")]
        key = order.key.write(getattr(last, order.attribute))
        return f"{sort}.{key}-{getattr(last, self.row_id).hex}"

    def page_of(
        self, rows: list[Any], limit: int, sort: str, cursor: str | None, public: type[T]
    ) -> Page[T]:
        """A page of rows read by `page` with the same sort and cursor, as `public` shapes."""
        items = [public.model_validate(row, from_attributes=True) for row in rows[:limit]]  # type: ignore[attr-defined]
        following = self.next_cursor(rows, limit, self.effective(sort, cursor))
        return Page[public](items=items, next_cursor=following)  # type: ignore[valid-type]

    def page_after(
        self,
        rows: list[Any],
        sort: str,
        cursor: str | None,
        limit: int,
        public: Callable[[list[Any]], list[T]],
    ) -> Page[T]:
        """A page of a short list already read whole, in the same orders and cursors."""
        sort = self.effective(sort, cursor)
        attribute = self.orders[sort.removeprefix("-")].attribute
        descending = sort.startswith("-")

        def position(row: Any) -> tuple[Any, uuid.UUID]:
            return getattr(row, attribute), getattr(row, self.row_id)

        ordered = sorted(rows, key=position, reverse=descending)
        if cursor is not None:
            _sort, *start = self.position(cursor)
            after = tuple(start)
            if descending:
                ordered = [row for row in ordered if position(row) < after]
            else:
                ordered = [row for row in ordered if position(row) > after]
        kept = ordered[: limit + 1]
        return Page(items=public(kept[:limit]), next_cursor=self.next_cursor(kept, limit, sort))


# Every sorted list's cursor pattern, so validation messages name them as cursors.
SORTED_CURSOR_PATTERNS: list[str] = []


def sorted_cursor_query(sorting: Sorting) -> Any:
    """The `cursor` parameter of a sorted list, published with its pattern."""
    return Query(pattern=sorting.pattern, description="The `next_cursor` of the previous page")


def sort_query(description: str) -> Any:
    """The `sort` parameter: a field, `-` in front for descending."""
    return Query(description=description)


SearchQuery = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=200,
        pattern=r"^[^\x00]*$",
        description="Text the names must contain, without regard to case, accents or spacing",
    ),
]


def containing(q: str | None, *keys: Any) -> Any:
    """Rows whose folded name holds the folded `q` (LIKE wildcards in `q` are plain
    characters), or every row when `q` is absent or only spaces."""
    folded = name_key(q or "")
    if not folded:
        return true()
    return or_(*(key.contains(folded, autoescape=True) for key in keys))


SORT_HELP = (
    "The order: a field, `-` in front for descending, then the id. A `next_cursor` carries"
    " its order: the pages after the first follow it"
)


class CreationSort(StrEnum):
    """Orders of a list that is only read by time: oldest or (`-`) newest first."""

    created_at = "created_at"
    created_at_desc = "-created_at"
