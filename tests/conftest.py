"""Test fixtures: one migrated database per run (SQLite, or PostgreSQL by URL), emptied per test."""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlmodel import Session, SQLModel

TEST_DATABASE_URL = os.environ.get("SUPPLIERDEV_TEST_DATABASE_URL")


def _reset_caches() -> None:
    from service import security
    from service.database import get_engine
    from service.settings import get_settings

    get_settings.cache_clear()
    get_engine.cache_clear()
    security._token_key.cache_clear()


def _worker_database(url: str) -> str:
    """Under pytest-xdist, each worker's own PostgreSQL database beside the given one. Its
    commits do not wait for the disk (`synchronous_commit`): a throwaway test database needs
    no durability across a server crash, and every other guarantee stays the same."""
    import psycopg

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    server, name = url.rsplit("/", 1)
    own = name if worker is None else f"{name}_{worker}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        if worker is not None:
            connection.execute(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{own}"')
        connection.execute(f'ALTER DATABASE "{own}" SET synchronous_commit = off')
    return f"{server}/{own}"


def _drop_worker_database(url: str) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The test database, empty and then migrated to the head revision. Under pytest-xdist
    each worker has its own: a folder of its own for SQLite, a database of its own beside
    SUPPLIERDEV_TEST_DATABASE_URL for PostgreSQL."""
    folder = tmp_path_factory.mktemp("var")
    url = f"sqlite:///{folder / 'test.sqlite3'}"
    if TEST_DATABASE_URL:
        url = _worker_database(TEST_DATABASE_URL)
    os.environ["SUPPLIERDEV_DATABASE_URL"] = url
    os.environ["SUPPLIERDEV_SECRET_KEY"] = "test-secret-key-" + uuid.uuid4().hex
    os.environ["SUPPLIERDEV_UPLOAD_DIR"] = str(folder / "uploads")
    os.environ["SUPPLIERDEV_REPORTS_DIR"] = str(folder / "reports")
    os.environ["SUPPLIERDEV_MAIL_DIR"] = str(folder / "mail")
    # Tests run the notification worker themselves, when they mean to.
    os.environ["SUPPLIERDEV_WORKER_IN_PROCESS"] = "false"
    _reset_caches()
    from service.database import get_engine, is_sqlite
    from service.migrations_runner import upgrade

    if not is_sqlite(url):
        with get_engine().begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    upgrade(url)
    yield url
    get_engine().dispose()
    if TEST_DATABASE_URL:
        _drop_worker_database(url)


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing() -> None:
    """Still Argon2id, with parameters cheap enough for hundreds of test users."""
    from service import security

    security._hasher = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)


def empty_all_tables(engine: sa.Engine) -> None:
    """Delete every row, children first, as if the database were new. DELETE rather than
    TRUNCATE on PostgreSQL too: a test leaves a few rows, and truncating 47 tables costs more
    than a second per test where deleting them costs milliseconds."""
    import service.models  # noqa: F401

    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def engine(database_url: str) -> sa.Engine:
    """The engine of a database that is empty at the start of the test."""
    from service.database import get_engine

    engine = get_engine()
    empty_all_tables(engine)
    return engine


@pytest.fixture
def session(engine: sa.Engine) -> Iterator[Session]:
    """A session for arranging data and checking what the API wrote (deferred, so its reads
    never hold SQLite's write lock while the application works)."""
    from service.database import read_session

    with read_session(engine) as session:
        yield session


@pytest.fixture
def client(engine: sa.Engine) -> Iterator[TestClient]:
    """A client of the application on the emptied test database."""
    from service.app import app

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(autouse=True)
def commit_discipline() -> Iterator[None]:
    """Fail a test in which a use case committed inside another, or a request committed its
    writes twice (tests/commits.py)."""
    from tests import commits

    commits.install()
    commits.violations.clear()
    yield
    assert commits.violations == []


@pytest.fixture
def tmp_var(tmp_path: Path) -> Path:
    """A scratch folder for files a test writes."""
    return tmp_path
