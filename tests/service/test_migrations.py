"""Migrations are the only source of the schema: they reach head and match the models."""

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import service.models  # noqa: F401
from service.database import create_db_engine, is_sqlite, normalise_url
from service.migrations_runner import current_revision, head_revision, upgrade


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
