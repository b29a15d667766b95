"""Worlds that take seconds to build through the use cases, built once per test process and
copied back row by row into the emptied database for every later test that needs them: the
same rows, ids and history at a fraction of the cost. Files a world stored stay in the
process's upload folder all along."""

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from service.demo import load_demo


class Rows:
    """Every table's rows as one moment left them."""

    def __init__(self) -> None:
        self.tables: dict[str, list[dict[str, Any]]] = {}

    def __bool__(self) -> bool:
        return bool(self.tables)

    def take(self, engine: sa.Engine) -> None:
        import service.models  # noqa: F401

        with engine.connect() as connection:
            for table in SQLModel.metadata.sorted_tables:
                rows = connection.execute(table.select()).mappings()
                self.tables[table.name] = [dict(row) for row in rows]

    def put_back(self, engine: sa.Engine) -> None:
        """Insert the rows, parents first, into the emptied database."""
        with engine.begin() as connection:
            for table in SQLModel.metadata.sorted_tables:
                if self.tables[table.name]:
                    connection.execute(table.insert(), self.tables[table.name])


def detach_loaded(session: Session, holder: object) -> None:
    """Load every column of the rows a dataclass holds (directly or in dicts), then detach them
    from the session, so they can be read after it closes."""
    for value in vars(holder).values():
        rows = value.values() if isinstance(value, dict) else [value]
        for row in rows:
            if isinstance(row, SQLModel) and row in session:
                if sa.inspect(row).unloaded:
                    session.refresh(row)
                session.expunge(row)


_demo = Rows()


def demo_loaded(engine: sa.Engine) -> None:
    """Fill the emptied database with the demo programme."""
    if _demo:
        _demo.put_back(engine)
        return
    assert load_demo() is True
    _demo.take(engine)
