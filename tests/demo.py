"""The demo programme for tests. Telling its story through the use cases takes seconds, so each
test process tells it once, keeps its rows, and copies them back into the emptied database
for every later test that needs it: the same programme, ids and history, at a fraction of the
cost. The evidence files it stored stay in the process's upload folder all along."""

from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel

from service.demo import load_demo

_rows: dict[str, list[dict[str, Any]]] = {}


def demo_loaded(engine: sa.Engine) -> None:
    """Fill the emptied database with the demo programme."""
    import service.models  # noqa: F401

    tables = SQLModel.metadata.sorted_tables
    if not _rows:
        assert load_demo() is True
        with engine.connect() as connection:
            for table in tables:
                _rows[table.name] = [
                    dict(row) for row in connection.execute(table.select()).mappings()
                ]
        return
    with engine.begin() as connection:
        for table in tables:
            if _rows[table.name]:
                connection.execute(table.insert(), _rows[table.name])
