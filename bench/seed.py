"""Scale data generator for benchmarks: synthetic supplier development programmes, written in
bulk into the service's own tables, valid for the API and the workflows' facts.

Run from a checkout: python -m bench.seed --scale 1 [--seed 1] [--url URL]

At scale 1: 20 programmes, 2,000 buyers with one engagement each, about 15,000 supplier firms,
20,000 participations each with its evaluation audit fully answered, about 5,000 improvement
plans with about 12 actions and their monthly reviews, partnership decisions, and the events
all of that implies, over the past two years. Scale 0.1 is a quick run; scale 0.005 is one
programme of ten buyers. It prints rows and rows per second per table, the total time, and
the bench logins (password bench-pass).
"""

import argparse
import os
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType

import sqlalchemy as sa
from sqlalchemy import func, insert, select
from sqlmodel import SQLModel, col

import service.models  # noqa: F401  (every table in the metadata, in foreign-key order)
from bench.seed_audits import store_evidence_file
from bench.seed_cast import DOMAIN, PASSWORD, SUPERUSER_EMAIL, add_superuser, cast_programme
from bench.seed_engagements import supplier_count, write_engagements
from bench.seed_rows import Rows
from service.accounts.models import User
from service.database import WRITE_OPTION, create_db_engine, is_sqlite
from service.history import GENESIS, EventChain, event_hash
from service.migrations_runner import current_revision, head_revision, upgrade
from service.programmes.models import Programme
from service.security import hash_password
from service.settings import get_settings

PROGRAMMES_AT_SCALE_1 = 20
BUYERS_AT_SCALE_1 = 2_000
BATCH = 5_000  # rows per INSERT execution
# SQLite settings for the load only: no fsync (a failed load is simply run again), a large
# page cache, temporary indexes in memory. The connection gets its usual settings back.
LOAD_PRAGMAS = ("synchronous=OFF", "cache_size=-262144", "temp_store=MEMORY")
USUAL_PRAGMAS = ("synchronous=NORMAL", "cache_size=-2000", "temp_store=DEFAULT")

Echo = Callable[[str], None]


class SeedRefused(Exception):
    """The database is not one the seed writes into: not migrated, or not empty."""


def programme_sizes(scale: float) -> list[int]:
    """The number of buyers of each programme: 20 programmes and 2,000 buyers at scale 1,
    in proportion otherwise, with at least one programme."""
    if not scale > 0:
        raise ValueError(f"scale must be above 0, not {scale}")
    programmes = max(1, round(PROGRAMMES_AT_SCALE_1 * scale))
    buyers = max(programmes, round(BUYERS_AT_SCALE_1 * scale))
    return [buyers // programmes + (n < buyers % programmes) for n in range(programmes)]


def bench_logins(programmes: int) -> list[tuple[str, str]]:
    """(role, e-mail) of the logins the benchmarks use; all have the password bench-pass."""
    logins = [("superuser", SUPERUSER_EMAIL)]
    for number in range(1, programmes + 1):
        logins.append(("admin", f"admin@p{number:02d}.{DOMAIN}"))
        logins.append(("broker", f"broker@p{number:02d}.{DOMAIN}"))
    return logins


def seed(engine: sa.Engine, scale: float, rng_seed: int = 1, echo: Echo = print) -> dict[str, int]:
    """Fill an empty database, migrated to the head revision, with generated programmes;
    returns the rows written per table. The same seed on the same day writes the same rows."""
    sizes = programme_sizes(scale)
    _check_empty(engine)
    rng = random.Random(rng_seed)
    password_hash = hash_password(PASSWORD)  # hashed once: every bench user shares it
    store_evidence_file(get_settings().upload_dir)
    started = time.perf_counter()
    with Loader(engine) as loader:
        for number, buyers in enumerate(sizes, start=1):
            building = time.perf_counter()
            rows = Rows(rng)
            if number == 1:
                add_superuser(rows, password_hash, datetime.now(UTC))
            cast = cast_programme(rows, number, buyers, supplier_count(buyers), password_hash)
            write_engagements(rows, cast)
            seal_events(rows)
            loader.generating += time.perf_counter() - building
            loader.insert(rows)
        loader.analyze()
    _report(loader, time.perf_counter() - started, echo)
    return dict(loader.counts)


def seal_events(rows: Rows) -> None:
    """Chain one programme's events as `record_event` would, in the order they were written."""
    events = rows.by_table.get("event", [])
    for sequence, event in enumerate(events, start=1):
        previous = events[sequence - 2]["hash"] if sequence > 1 else GENESIS
        event["sequence"] = sequence
        event["hash"] = event_hash(previous, event)
    if events:
        programme_id = events[0]["programme_id"]
        rows.add(
            EventChain, programme_id=programme_id, sequence=len(events), hash=events[-1]["hash"]
        )


def _check_empty(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        if current_revision(connection) != head_revision():
            raise SeedRefused("the database is not migrated: run `supplierdev db upgrade` first")
        programmes = connection.execute(select(func.count()).select_from(Programme)).scalar_one()
        operator = connection.execute(
            select(col(User.id)).where(col(User.email) == SUPERUSER_EMAIL)
        )
        if programmes or operator.first() is not None:
            raise SeedRefused(
                f"the database already has {programmes} programme(s) or bench users; "
                "seed an empty database instead of mixing data"
            )


class Loader:
    """Inserts rows with SQLAlchemy Core, table by table in foreign-key order, in batches;
    one transaction per table for each programme. Counts rows and seconds per table."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine.execution_options(**{WRITE_OPTION: True})
        self.sqlite = is_sqlite(engine.url.drivername)
        self.counts: Counter[str] = Counter()
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.generating = 0.0
        self.analyzing = 0.0

    def __enter__(self) -> "Loader":
        self.connection = self.engine.connect()
        self._pragmas(LOAD_PRAGMAS)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._pragmas(USUAL_PRAGMAS)
        self.connection.close()

    def _pragmas(self, pragmas: tuple[str, ...]) -> None:
        if not self.sqlite:
            return
        # On the driver's connection, outside any transaction, where SQLite applies them.
        driver = self.connection.connection.driver_connection
        assert driver is not None
        for pragma in pragmas:
            driver.execute(f"PRAGMA {pragma}")

    def insert(self, rows: Rows) -> None:
        for table in SQLModel.metadata.sorted_tables:
            batch = rows.by_table.get(table.name)
            if not batch:
                continue
            started = time.perf_counter()
            with self.connection.begin():
                for first in range(0, len(batch), BATCH):
                    self.connection.execute(insert(table), batch[first : first + BATCH])
            self.seconds[table.name] += time.perf_counter() - started
            self.counts[table.name] += len(batch)

    def analyze(self) -> None:
        """Fresh planner statistics on both databases; SQLite also folds its WAL back in."""
        started = time.perf_counter()
        with self.connection.begin():
            self.connection.exec_driver_sql("ANALYZE")
        self._pragmas(("wal_checkpoint(TRUNCATE)",))
        self.analyzing = time.perf_counter() - started


def _report(loader: Loader, total: float, echo: Echo) -> None:
    echo(f"{'table':<20} {'rows':>10} {'insert s':>9} {'rows/s':>9}")
    for table in SQLModel.metadata.sorted_tables:
        rows, seconds = loader.counts[table.name], loader.seconds[table.name]
        if rows:
            echo(f"{table.name:<20} {rows:>10,} {seconds:>9.2f} {rows / seconds:>9,.0f}")
    rows, inserting = sum(loader.counts.values()), sum(loader.seconds.values())
    echo(f"{'all tables':<20} {rows:>10,} {inserting:>9.2f} {rows / inserting:>9,.0f}")
    echo(
        f"generated in {loader.generating:.1f} s, inserted in {inserting:.1f} s, "
        f"analyzed in {loader.analyzing:.1f} s; total {total:.1f} s, {rows / total:,.0f} rows/s"
    )


def run(url: str, scale: float, rng_seed: int = 1, echo: Echo = print) -> dict[str, int]:
    """Migrate the database at `url`, seed it, and print its size and the bench logins."""
    upgrade(url)
    engine = create_db_engine(url)
    try:
        counts = seed(engine, scale, rng_seed, echo)
    finally:
        engine.dispose()
    path = sa.engine.make_url(url).database if is_sqlite(url) else None
    if path:
        echo(f"database file {path}: {os.path.getsize(path) / 2**20:,.0f} MiB")
    echo(f"Bench logins (POST /api/v1/auth/login), password {PASSWORD}:")
    for role, email in bench_logins(len(programme_sizes(scale))):
        echo(f"  {role:<10} {email}")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scale", type=float, default=0.1, help="1 is national scale")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument("--url", default=None, help="database URL (SUPPLIERDEV_DATABASE_URL)")
    arguments = parser.parse_args()
    try:
        run(arguments.url or get_settings().database_url, arguments.scale, arguments.seed)
    except SeedRefused as error:
        raise SystemExit(f"error: {error}") from error


if __name__ == "__main__":
    main()
