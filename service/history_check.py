"""Walk each programme's event chain and name the first broken link: an event edited, deleted
or moved in the database, or a chain head that no longer matches its last event."""

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from service.history import GENESIS, SEALED, Event, EventChain, event_hash


@dataclass(frozen=True)
class ChainReport:
    """One programme's chain: how many events it holds and where it first breaks, if it does."""

    programme_id: uuid.UUID
    events: int
    broken_at: int | None = None
    event_id: uuid.UUID | None = None
    problem: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify_programme(session: Session, programme_id: uuid.UUID) -> ChainReport:
    """Recompute every hash of the programme's chain, in sequence order."""
    columns = [getattr(Event, name) for name in SEALED] + [col(Event.hash)]
    statement = (
        select(*columns)
        .where(Event.programme_id == programme_id)
        .order_by(col(Event.sequence))
        .execution_options(yield_per=2000)
    )
    rows = session.execute(statement).mappings()
    head = session.get(EventChain, programme_id)
    return _walk(programme_id, rows, head)


def _walk(
    programme_id: uuid.UUID, rows: Iterable[Mapping[Any, Any]], head: EventChain | None
) -> ChainReport:
    previous, count = GENESIS, 0
    for row in rows:
        expected = count + 1
        if row["sequence"] != expected:
            return ChainReport(programme_id, count, expected, None, f"event #{expected} is missing")
        if event_hash(previous, dict(row)) != row["hash"]:
            return ChainReport(
                programme_id,
                count,
                expected,
                row["id"],
                f"event #{expected} does not match its hash: it was changed or moved",
            )
        previous, count = row["hash"], expected
    if head is not None and (head.sequence, head.hash) != (count, previous):
        problem = f"the chain ends at event #{count} but its head records #{head.sequence}"
        return ChainReport(programme_id, count, count + 1, None, problem)
    return ChainReport(programme_id, count)


def verify_all(session: Session) -> list[ChainReport]:
    """Every programme's chain, one report each."""
    programmes = session.execute(
        sa.union(select(Event.programme_id).distinct(), select(EventChain.programme_id))
    ).scalars()
    return [verify_programme(session, programme_id) for programme_id in sorted(set(programmes))]
