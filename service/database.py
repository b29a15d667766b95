"""Engine and sessions: SQLite in WAL mode with immediate write transactions, or PostgreSQL."""

import sqlite3
import threading
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from service.settings import get_settings

WRITE_OPTION = "supplierdev_write"


def is_sqlite(url: str) -> bool:
    """Whether a database URL names an SQLite database."""
    return url.startswith("sqlite")


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def create_db_engine(url: str, busy_timeout_ms: int = 10_000, connections: int = 20) -> Engine:
    """An engine configured for our concurrency rules on either database."""
    url = normalise_url(url)
    if not is_sqlite(url):
        # One connection per admitted request (see service.admission), so none waits for one.
        return sa.create_engine(url, pool_pre_ping=True, pool_size=connections, max_overflow=0)
    _ensure_sqlite_folder(url)
    engine = sa.create_engine(
        url,
        connect_args={
            "check_same_thread": False,
            "timeout": busy_timeout_ms / 1000,
            "factory": WriterQueueConnection,
        },
        pool_size=connections,
        max_overflow=0,
    )
    _configure_sqlite(engine, busy_timeout_ms)
    return engine


def _ensure_sqlite_folder(url: str) -> None:
    path = sa.engine.make_url(url).database
    if path and path != ":memory:":
        from pathlib import Path

        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    writers = threading.Lock()  # the queue of this engine's writers in this process

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        if isinstance(dbapi_connection, WriterQueueConnection):
            dbapi_connection.writers = writers
            dbapi_connection.timeout_s = busy_timeout_ms / 1000
        # Let SQLAlchemy, not the driver, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        # Writers take the write lock up front, so a read-then-write never fails halfway
        # with a stale snapshot; readers stay deferred and run alongside.
        if connection.get_execution_options().get(WRITE_OPTION):
            dbapi_connection = connection.connection.dbapi_connection
            if isinstance(dbapi_connection, WriterQueueConnection):
                dbapi_connection.join_writers()
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


class WriterQueueConnection(sqlite3.Connection):
    """An SQLite connection whose writers queue on a lock of this process.

    SQLite lets one writer in at a time and makes the others poll, sleeping up to 100 ms
    between tries. The writers of one process wait on a lock instead, and the next one starts
    the moment the last one commits or rolls back; SQLite's own waiting remains only between
    worker processes. The lock is taken with the busy timeout, after which SQLite decides.
    """

    writers = threading.Lock()  # replaced by the engine's own when it connects
    timeout_s = 10.0
    holds_writers = False

    def join_writers(self) -> None:
        self.holds_writers = self.writers.acquire(timeout=self.timeout_s)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._leave_writers()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._leave_writers()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._leave_writers()

    def _leave_writers(self) -> None:
        if self.holds_writers:
            self.holds_writers = False
            self.writers.release()


@lru_cache
def get_engine() -> Engine:
    """The process-wide engine for the configured database."""
    settings = get_settings()
    return create_db_engine(
        settings.database_url, settings.sqlite_busy_timeout_ms, settings.max_concurrent_requests
    )


def read_session(engine: Engine | None = None) -> Session:
    """A session for requests that only read."""
    return Session(engine or get_engine(), expire_on_commit=False)


def write_session(engine: Engine | None = None) -> Session:
    """A session whose transactions take the write lock when they begin (SQLite)."""
    bound = (engine or get_engine()).execution_options(**{WRITE_OPTION: True})
    return Session(bound, expire_on_commit=False)


def session_for_method(method: str) -> Session:
    """A read or a write session, by HTTP method; services commit, callers close it."""
    session = read_session() if method in {"GET", "HEAD", "OPTIONS"} else write_session()
    session.info["request"] = method  # a request's session: its use case commits once
    return session
