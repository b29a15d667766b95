"""History chain benchmark: writing and verifying a programme's hash chain.

Run: .venv/bin/python -m bench.history [--events 10000] [--url URL]

Appends N events to one programme through `record_event` (one transaction per 100, as a
busy programme would), then times `history verify` over them against a plain read of the
same rows in the same run. Target: 10,000 events verify in under 5 seconds.
"""

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, col, select

import service.models  # noqa: F401  (every table in the metadata)
from service.database import create_db_engine
from service.history import SEALED, Event, EventKind, SubjectKind, record_event
from service.history_check import verify_programme
from service.migrations_runner import upgrade
from service.programmes.models import Programme
from tests.factories import make_tenant


def fill(engine: sa.Engine, events: int) -> Programme:
    with Session(engine, expire_on_commit=False) as session:
        tenant = make_tenant(session, "Bench history")
        actor = next(iter(tenant.users.values()))
        for start in range(0, events, 100):
            for n in range(start, min(start + 100, events)):
                record_event(
                    session,
                    actor_id=actor.id,
                    programme_id=tenant.programme.id,
                    kind=EventKind.programme,
                    subject=(SubjectKind.programme, tenant.programme.id),
                    reason=f"setting {n} changed",
                )
            session.commit()
        return tenant.programme


def timed(action: Callable[[], None], rounds: int = 5) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--url", default=None, help="an empty database (default: SQLite file)")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = arguments.url or f"sqlite:///{Path(folder) / 'history.sqlite3'}"
        upgrade(url)
        engine = create_db_engine(url)
        started = time.perf_counter()
        programme = fill(engine, arguments.events)
        writing = time.perf_counter() - started
        columns = [getattr(Event, name) for name in SEALED]
        statement = select(*columns).where(Event.programme_id == programme.id)

        def read() -> None:
            with Session(engine) as session:
                session.execute(statement.order_by(col(Event.sequence))).all()

        def verify() -> None:
            with Session(engine) as session:
                report = verify_programme(session, programme.id)
            if not (report.intact and report.events == arguments.events):
                raise SystemExit(f"the chain did not verify: {report}")

        reading, verifying = timed(read), timed(verify)
        engine.dispose()
    print(f"{arguments.events:,} events written in {writing:.2f} s")
    print(f"read the rows   {reading:8.3f} s")
    print(f"verify          {verifying:8.3f} s   ({verifying / reading:.1f}x the plain read)")
    verdict = "met" if verifying < 5 else "MISSED"
    print(f"target: {arguments.events:,} events verify in under 5 s: {verdict}")


if __name__ == "__main__":
    main()
