"""Migrations are the only source of the schema: they reach head and match the models."""

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import service.models  # noqa: F401
from service.database import create_db_engine, is_sqlite, normalise_url
from service.migrations_runner import alembic_config, current_revision, head_revision, upgrade
from tests.snapshots import Rows, demo_loaded


@pytest.fixture
def empty_database_url(database_url: str, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A second, empty database of the same kind as the test database."""
    if is_sqlite(database_url):
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    name = f"supplierdev_empty_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(normalise_url(database_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.engine.make_url(normalise_url(database_url)).set(database=name)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.dispose()


def test_migrations_take_an_empty_database_to_the_head(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    engine = create_db_engine(empty_database_url)
    with engine.connect() as connection:
        assert current_revision(connection) == head_revision()
        assert head_revision() is not None
    engine.dispose()


def test_the_models_and_the_migrated_schema_do_not_drift(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    engine = create_db_engine(empty_database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    engine.dispose()


def test_downgrade_to_base_and_upgrade_again(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    from alembic import command

    from service.migrations_runner import alembic_config

    command.downgrade(alembic_config(empty_database_url), "base")
    engine = create_db_engine(empty_database_url)
    with engine.connect() as connection:
        assert current_revision(connection) is None
        assert sa.inspect(connection).get_table_names() == ["alembic_version"]
    upgrade(empty_database_url)
    with engine.connect() as connection:
        assert current_revision(connection) == head_revision()
    engine.dispose()


def test_events_written_before_the_chain_are_sealed_in_the_order_they_were_recorded(
    empty_database_url: str,
) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlmodel import Session, select

    from service.history import GENESIS, Event, EventChain, event_hash
    from service.history_check import verify_programme
    from service.programmes.models import Programme
    from service.types import UTCDateTime

    upgrade(empty_database_url, "b7e2c4a91d03")  # events have a subject, no chain yet
    engine = create_db_engine(empty_database_url)
    with Session(engine) as session:
        # Tables that later revisions change (organizations, users) are written as they
        # were at this revision, or left empty.
        programme = Programme(name="Old", timezone="America/Managua", currency="NIO")
        session.add(programme)
        session.commit()
        programme_id, actor_id = programme.id, uuid.uuid4()
    old_user = sa.table(
        "user",
        sa.column("id", sa.Uuid()),
        *(sa.column(name) for name in ("email", "full_name", "password_hash")),
        *(sa.column(name, sa.Boolean()) for name in ("is_superuser", "is_active")),
        sa.column("created_at", UTCDateTime()),
    )
    with engine.begin() as connection:
        connection.execute(
            old_user.insert().values(
                id=actor_id,
                email="root@platform.test",
                full_name="Root",
                password_hash="-",
                is_superuser=True,
                is_active=True,
                created_at=datetime(2025, 12, 1, tzinfo=UTC),
            )
        )
    at = datetime(2026, 1, 1, tzinfo=UTC)
    old = sa.table(
        "event",
        *(sa.column(name, sa.Uuid()) for name in ("id", "programme_id", "subject_id", "actor_id")),
        *(sa.column(name) for name in ("subject_kind", "kind", "reason")),
        sa.column("created_at", UTCDateTime()),
    )
    ids = [uuid.uuid4() for _ in range(3)]
    with engine.begin() as connection:
        for n, event_id in enumerate(ids):  # written out of time order: #3 is oldest
            connection.execute(
                old.insert().values(
                    id=event_id,
                    programme_id=programme_id,
                    subject_kind="programme",
                    subject_id=programme_id,
                    actor_id=actor_id,
                    kind="programme",
                    reason=f"change {n}",
                    created_at=at + timedelta(days=(n + 1) % 3),
                )
            )
    upgrade(empty_database_url)
    with Session(engine) as session:
        events = session.exec(select(Event).order_by(Event.sequence)).all()
        assert [(event.sequence, event.id) for event in events] == [
            (1, ids[2]),
            (2, ids[0]),
            (3, ids[1]),
        ]
        assert events[0].hash == event_hash(GENESIS, events[0].model_dump())
        head = session.get(EventChain, programme_id)
        assert head is not None
        assert (head.sequence, head.hash) == (3, events[-1].hash)
        assert verify_programme(session, programme_id).intact
    engine.dispose()


def test_folded_keys_are_filled_for_existing_users_and_engagements(
    empty_database_url: str,
) -> None:
    from datetime import UTC, datetime

    from service.types import UTCDateTime

    upgrade(empty_database_url, "5e0c8a1f27d4")  # before the folded keys
    engine = create_db_engine(empty_database_url)
    at = datetime(2026, 6, 1, tzinfo=UTC)
    ids = {name: uuid.uuid4() for name in ("programme", "buyer", "broker", "engagement")}

    def table(name: str, *columns: str, uuids: tuple[str, ...] = ()) -> sa.TableClause:
        return sa.table(
            name,
            *(sa.column(column, sa.Uuid()) for column in uuids),
            *(sa.column(column) for column in columns),
            sa.column("created_at", UTCDateTime()),
        )

    with engine.begin() as connection:
        connection.execute(
            table(
                "programme", "name", "timezone", "language", "currency", "paper_size", uuids=("id",)
            ).insert(),
            [
                {
                    "id": ids["programme"],
                    "name": "Old",
                    "timezone": "UTC",
                    "language": "en",
                    "currency": "USD",
                    "paper_size": "A4",
                    "created_at": at,
                }
            ],
        )
        connection.execute(
            table(
                "organization", "name", "kind", "name_key", uuids=("id", "programme_id")
            ).insert(),
            [
                {
                    "id": ids["buyer"],
                    "programme_id": ids["programme"],
                    "name": "Álamo Bebidas",
                    "kind": "buyer",
                    "name_key": "alamo bebidas",
                    "created_at": at,
                }
            ],
        )
        connection.execute(
            table(
                "user",
                "email",
                "full_name",
                "role",
                "is_superuser",
                "is_active",
                "password_hash",
                uuids=("id", "programme_id", "organization_id"),
            ).insert(),
            [
                {
                    "id": ids["broker"],
                    "programme_id": ids["programme"],
                    "organization_id": ids["buyer"],
                    "email": "jose@alamo.test",
                    "full_name": "José  Ángel Pérez",
                    "role": "broker",
                    "is_superuser": False,
                    "is_active": True,
                    "password_hash": "-",
                    "created_at": at,
                }
            ],
        )
        # The engagement points at the user: the migration must not copy and drop `user`.
        connection.execute(
            table(
                "engagement",
                "title",
                "phase",
                "version",
                "updated_at",
                uuids=("id", "programme_id", "buyer_id", "broker_id"),
            ).insert(),
            [
                {
                    "id": ids["engagement"],
                    "programme_id": ids["programme"],
                    "buyer_id": ids["buyer"],
                    "broker_id": ids["broker"],
                    "title": "Envases  LOCALES ñ",
                    "phase": "enrolment",
                    "version": 1,
                    "updated_at": at,
                    "created_at": at,
                }
            ],
        )
    upgrade(empty_database_url)
    with engine.connect() as connection:
        name_key = connection.execute(sa.text('SELECT name_key FROM "user"')).scalar_one()
        title_key = connection.execute(sa.text("SELECT title_key FROM engagement")).scalar_one()
    assert (name_key, title_key) == ("jose angel perez", "envases locales n")
    engine.dispose()


def test_a_sqlite_database_full_of_rows_goes_down_and_up_again_unchanged(
    engine: sa.Engine,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    """Batch mode copies and drops SQLite tables that other rows reference (the organization
    table when its names gained their folded key): the migrations run with the references
    unenforced, then checked, so a database in use upgrades instead of failing halfway."""
    demo_loaded(engine)
    rows = Rows()
    rows.take(engine)
    url = f"sqlite:///{tmp_path / 'in-use.sqlite3'}"
    upgrade(url)
    populated = create_db_engine(url)
    rows.put_back(populated)
    config = alembic_config(url)
    command.downgrade(config, "e5a7c3b90d12")  # before the organizations' folded names
    command.upgrade(config, "head")
    again = Rows()
    again.take(populated)
    populated.dispose()
    assert {name: len(table) for name, table in again.tables.items()} == {
        name: len(table) for name, table in rows.tables.items()
    }
    assert again.tables["organization"] == rows.tables["organization"]
    assert sum(len(table) for table in rows.tables.values()) > 1000
