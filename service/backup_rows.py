"""Rows as portable JSON lines: what a backup holds of each table, whatever the database.

Values are written by their column's Python type (UUIDs, times and decimals as text, bytes in
base64, enums by value) and read back into the same Python values, so an archive made from
SQLite restores into PostgreSQL and the other way round.
"""

import base64
import enum
import json
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel

BATCH = 500


def tables() -> list[sa.Table]:
    """Every table of the models, parents before children."""
    import service.models  # noqa: F401  (registers every table)

    return list(SQLModel.metadata.sorted_tables)


def _python_type(column: sa.Column[Any]) -> Any:
    column_type = column.type
    if isinstance(column_type, sa.types.TypeDecorator):
        column_type = column_type.impl_instance
    try:
        return column_type.python_type
    except NotImplementedError:
        return object


def encode(value: Any) -> Any:
    """A JSON value for a column's Python value."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):  # and datetime
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def decode(column: sa.Column[Any], value: Any) -> Any:
    """The column's Python value for a JSON value written by `encode`."""
    if value is None:
        return None
    kind = _python_type(column)
    if kind is uuid.UUID:
        return uuid.UUID(value)
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if kind is Decimal:
        return Decimal(value)
    if kind is bytes:
        return base64.b64decode(value)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind(value)
    return value


def export_rows(connection: sa.Connection, table: sa.Table) -> Iterator[str]:
    """The table's rows as JSON lines, in the order the database keeps them (insertion order,
    as a rule), so that a restore keeps the order of rows a query does not sort."""
    result = connection.execution_options(stream_results=True).execute(sa.select(table))
    columns = list(table.columns)
    for row in result:
        record = {column.name: encode(value) for column, value in zip(columns, row, strict=True)}
        yield json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def import_rows(connection: sa.Connection, table: sa.Table, lines: Iterator[bytes]) -> int:
    """Insert JSON lines into the table in batches; the number of rows."""
    columns = {column.name: column for column in table.columns}
    batch: list[dict[str, Any]] = []
    count = 0
    for line in lines:
        if not line.strip():
            continue
        record = json.loads(line)
        batch.append({name: decode(columns[name], value) for name, value in record.items()})
        if len(batch) == BATCH:
            connection.execute(table.insert(), batch)
            count += len(batch)
            batch = []
    if batch:
        connection.execute(table.insert(), batch)
        count += len(batch)
    return count


def row_counts(connection: sa.Connection) -> dict[str, int]:
    """Rows per table of the models."""
    return {
        table.name: int(
            connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        )
        for table in tables()
    }
