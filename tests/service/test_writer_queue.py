"""SQLite writers of one process wait on the process's lock and go in turn as each ends."""

import threading
import time
from pathlib import Path

import sqlalchemy as sa

from service.database import (
    WriterQueueConnection,
    create_db_engine,
    read_session,
    write_session,
)


def writers_lock(session: object) -> threading.Lock:
    """The writers' lock of the engine behind a session's current connection."""
    dbapi_connection = session.connection().connection.dbapi_connection  # type: ignore[attr-defined]
    assert isinstance(dbapi_connection, WriterQueueConnection)
    return dbapi_connection.writers


def test_a_write_transaction_holds_the_lock_until_commit_or_rollback(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'queue.sqlite3'}", busy_timeout_ms=5000)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE entry (n INTEGER)")
    with read_session(engine) as reader:
        reader.execute(sa.text("SELECT count(*) FROM entry"))
        assert not writers_lock(reader).locked()  # readers never queue
    with write_session(engine) as writer:
        writer.execute(sa.text("INSERT INTO entry VALUES (1)"))
        lock = writers_lock(writer)
        assert lock.locked()
        writer.commit()
        assert not lock.locked()
        writer.execute(sa.text("INSERT INTO entry VALUES (2)"))
        assert lock.locked()
        writer.rollback()
        assert not lock.locked()
    engine.dispose()


def test_a_second_writer_waits_until_the_first_commits(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'queue.sqlite3'}", busy_timeout_ms=5000)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE entry (n INTEGER)")
    events: list[str] = []

    def second_writer() -> None:
        with write_session(engine) as session:
            session.execute(sa.text("INSERT INTO entry VALUES (2)"))
            events.append("second wrote")
            session.commit()

    first = write_session(engine)
    first.execute(sa.text("INSERT INTO entry VALUES (1)"))
    thread = threading.Thread(target=second_writer)
    thread.start()
    time.sleep(0.3)
    assert events == []  # still queued behind the first writer
    events.append("first commits")
    first.commit()
    thread.join(timeout=5)
    assert events == ["first commits", "second wrote"]
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT n FROM entry ORDER BY n").all()
    assert [row[0] for row in rows] == [1, 2]
    first.close()
    engine.dispose()


def test_a_rollback_lets_the_next_writer_in_at_once(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'queue.sqlite3'}", busy_timeout_ms=5000)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE entry (n INTEGER)")
    with write_session(engine) as session:
        session.execute(sa.text("INSERT INTO entry VALUES (1)"))
        connection = session.connection().connection.dbapi_connection
        assert isinstance(connection, WriterQueueConnection)
        assert connection.holds_writers is True
        session.rollback()
        # Released by the rollback itself: the next writer waits for nobody.
        assert connection.holds_writers is False
        assert connection.writers.acquire(blocking=False) is True
        connection.writers.release()
    with write_session(engine) as session:
        session.execute(sa.text("INSERT INTO entry VALUES (2)"))
        session.commit()
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT n FROM entry").all()
    assert [row[0] for row in rows] == [2]
    engine.dispose()
