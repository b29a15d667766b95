"""Rows for the seed: plain dicts holding every column of the service's own tables, ids drawn
from the seeded random generator, and the calendar one engagement's history is written on."""

import random
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.sql.schema import ScalarElementColumnDefault
from sqlmodel import SQLModel

Row = dict[str, Any]


def table_of(model: type[SQLModel]) -> sa.Table:
    """The SQLAlchemy table of a SQLModel table model."""
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, sa.Table)
    return table


class Rows:
    """Rows waiting to be inserted, by table name; each row holds every column of its table,
    so a batch inserts with one statement."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.by_table: dict[str, list[Row]] = defaultdict(list)
        self._defaults: dict[str, Row] = {}
        self._columns: dict[str, frozenset[str]] = {}

    def new_id(self) -> uuid.UUID:
        """A version 4 UUID from the seeded generator, so that a run can be repeated."""
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def add(self, model: type[SQLModel], **values: Any) -> Row:
        """A new row of the model's table: the values given, a fresh id unless one is given,
        and for every other column its scalar default or null. A column that has neither
        (a foreign key, a time) must be given; a name that is not a column raises."""
        table = table_of(model)
        if table.name not in self._columns:
            self._learn(table)
        row = {**self._defaults[table.name], **values}
        if "id" not in row and "id" in self._columns[table.name]:
            row["id"] = self.new_id()
        if row.keys() != self._columns[table.name]:
            missing = sorted(self._columns[table.name] - row.keys())
            unknown = sorted(row.keys() - self._columns[table.name])
            raise ValueError(f"{table.name}: missing {missing}, unknown {unknown}")
        self.by_table[table.name].append(row)
        return row

    def _learn(self, table: sa.Table) -> None:
        defaults: Row = {}
        for column in table.columns:
            default = column.default
            if isinstance(default, ScalarElementColumnDefault):
                defaults[column.key] = default.arg
            elif column.nullable:
                defaults[column.key] = None
        self._defaults[table.name] = defaults
        self._columns[table.name] = frozenset(column.key for column in table.columns)

    def count(self) -> int:
        return sum(len(rows) for rows in self.by_table.values())


class Calendar:
    """The days of one engagement's history, counted from the day it was opened: as dates,
    and as instants at an hour of the programme's time zone. Each instant comes a second
    after the one asked for before it, so rows of the same hour keep the order they were
    written in."""

    def __init__(self, first_day: date, zone: ZoneInfo) -> None:
        self.first_day = first_day
        self.zone = zone
        self.ticks = 0

    def day(self, offset: int) -> date:
        return self.first_day + timedelta(days=offset)

    def offset(self, day: date) -> int:
        return (day - self.first_day).days

    def on_the_hour(self, offset: int, hour: int) -> datetime:
        """The instant that hour of that day begins, as a person would schedule it."""
        return datetime.combine(self.day(offset), time(hour), self.zone).astimezone(UTC)

    def at(self, offset: int, hour: int = 10) -> datetime:
        """An instant in that hour of that day, a second after the one asked for before."""
        self.ticks += 1
        return self.on_the_hour(offset, hour) + timedelta(seconds=self.ticks)


def changed(row: Row, when: datetime, **values: Any) -> None:
    """A versioned row changed at `when`, as `bump_version` changes it: the new values, the
    next version and the time of the change."""
    row.update(values)
    row["version"] += 1
    row["updated_at"] = when
