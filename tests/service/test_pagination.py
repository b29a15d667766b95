"""The one keyset paginator: cursors by creation time and by day, written as `<number>-<hex>`."""

import re
import uuid
from datetime import UTC, date, datetime
from types import SimpleNamespace

from service.pagination import (
    BY_CREATION,
    BY_DAY,
    CURSOR_PATTERN,
    DAY_CURSOR_PATTERN,
    decode_cursor,
    encode_cursor,
    next_cursor,
)

ROW_ID = uuid.UUID("0123456789abcdef0123456789abcdef")


def test_a_creation_cursor_is_microseconds_since_1970_and_the_id() -> None:
    at = datetime(1970, 1, 1, 0, 0, 1, 5, tzinfo=UTC)
    cursor = encode_cursor(at, ROW_ID)
    assert cursor == "1000005-0123456789abcdef0123456789abcdef"
    assert re.fullmatch(CURSOR_PATTERN, cursor)
    assert decode_cursor(cursor) == (at, ROW_ID)


def test_a_day_cursor_is_the_day_number_and_the_id() -> None:
    cursor = BY_DAY.encode(date(2026, 12, 1), ROW_ID)
    assert cursor == "739951-0123456789abcdef0123456789abcdef"
    assert re.fullmatch(DAY_CURSOR_PATTERN, cursor)
    assert BY_DAY.decode(cursor) == (date(2026, 12, 1), ROW_ID)


def test_day_numbers_past_the_calendar_stop_at_its_ends() -> None:
    assert BY_DAY.decode("0-" + ROW_ID.hex) == (date(1, 1, 1), ROW_ID)
    assert BY_DAY.decode("9999999-" + ROW_ID.hex) == (date(9999, 12, 31), ROW_ID)


def test_the_next_cursor_points_after_the_last_row_kept_only_when_a_row_is_left() -> None:
    rows = [SimpleNamespace(due_on=date(2026, 1, day), id=ROW_ID) for day in (1, 2, 3)]
    position = lambda row: (row.due_on, row.id)  # noqa: E731
    assert next_cursor(rows, 3, BY_DAY, position) is None
    assert next_cursor(rows, 2, BY_DAY, position) == BY_DAY.encode(date(2026, 1, 2), ROW_ID)
    created = [SimpleNamespace(created_at=datetime(2026, 1, 1, tzinfo=UTC), id=ROW_ID)] * 2
    assert next_cursor(created, 1) == BY_CREATION.encode(created[0].created_at, ROW_ID)


def test_a_short_list_read_whole_is_paged_with_the_same_cursors_to_its_end() -> None:
    from service.pagination import page_after

    rows = [
        SimpleNamespace(created_at=datetime(2026, 1, day, tzinfo=UTC), id=uuid.UUID(int=day))
        for day in (3, 1, 2, 5, 4)
    ]
    seen: list[int] = []
    cursors: list[str | None] = []
    cursor = None
    while True:
        page = page_after(rows, cursor, 2, lambda kept: [row.id.int for row in kept])
        seen += page.items
        cursors.append(page.next_cursor)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [1, 2, 3, 4, 5]
    assert cursors == [
        encode_cursor(datetime(2026, 1, 2, tzinfo=UTC), uuid.UUID(int=2)),
        encode_cursor(datetime(2026, 1, 4, tzinfo=UTC), uuid.UUID(int=4)),
        None,
    ]


def test_a_sorted_cursor_names_its_order_and_writes_a_name_as_utf8_hex() -> None:
    from service.pagination import BY_TEXT, CREATED, Order, Sorting

    sorting = Sorting(
        {
            "name": Order(None, "name_key", BY_TEXT),
            "created_at": Order(None, "created_at", CREATED),
        }
    )
    rows = [SimpleNamespace(name_key="café", id=ROW_ID), SimpleNamespace(name_key="z", id=ROW_ID)]
    cursor = sorting.next_cursor(rows, 1, "-name")
    assert cursor == "-name.636166c3a9-0123456789abcdef0123456789abcdef"
    assert re.fullmatch(sorting.pattern, cursor)
    assert sorting.position(cursor) == ("-name", "café", ROW_ID)
    # Every even run of hex digits is a position: bytes that are not UTF-8 read as U+FFFD.
    assert sorting.position("name.ff-" + ROW_ID.hex) == ("name", "\ufffd", ROW_ID)
    assert not re.fullmatch(sorting.pattern, "email.61-" + ROW_ID.hex)
    assert not re.fullmatch(sorting.pattern, "name.abc-" + ROW_ID.hex)


def test_a_sorted_list_read_whole_pages_both_ways_with_every_row_once() -> None:
    from service.pagination import BY_TEXT, Order, Sorting

    sorting = Sorting({"name": Order(None, "name", BY_TEXT)})
    rows = [
        SimpleNamespace(name=name, id=uuid.UUID(int=n))
        for n, name in enumerate(["b", "a", "c", "a", "d"])
    ]
    for sort, expected in [("name", [1, 3, 0, 2, 4]), ("-name", [4, 2, 0, 3, 1])]:
        seen: list[int] = []
        cursor = None
        while True:
            page = sorting.page_after(rows, sort, cursor, 2, lambda kept: [r.id.int for r in kept])
            seen += page.items
            cursor = page.next_cursor
            if cursor is None:
                break
            # The cursor carries the order: asking another one does not change the pages.
            sort = "name" if sort == "-name" else "-name"
        assert seen == expected
