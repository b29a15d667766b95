"""Login throttling that holds under bursts and cannot lock an account's owner out.

Three counters, each a row in `LoginThrottle`, are taken before a password is checked:

- the account from one client address (`pair`): at most `login_max_failures` failed checks
  in the window, then that address waits for the window to pass;
- the client address (`address`): at most `login_max_failures_per_address` failed checks in
  the window, whatever the accounts tried;
- the account from anywhere (`account`): after `login_max_failures` failures in the window
  each further check waits a delay that doubles, up to `login_max_delay_seconds`. This is a
  progressive delay (OWASP's advice), never a lock: the owner signs in after a short wait.

An attempt is counted as a failure when it is admitted (`admit_attempt`, before the login),
in one short write transaction of its own with the rows locked (`SELECT ... FOR UPDATE` on
PostgreSQL, the write lock on SQLite), so no burst of concurrent attempts gets past a limit.
The password is checked after that, outside any transaction; a success then takes its count
back in the login's one writing commit.
"""

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from service.accounts.models import LoginThrottle
from service.database import write_session
from service.errors import TooManyRequests
from service.settings import Settings
from service.types import utcnow

REFUSED = "too many failed logins; try again later"


def _keys(email: str, address: str) -> list[tuple[str, str]]:
    return sorted([("account", email), ("address", address), ("pair", f"{email} {address}")])


def _locked_rows(
    session: Session, keys: list[tuple[str, str]], now: datetime
) -> dict[str, LoginThrottle]:
    """The counters of the keys, created if missing, locked until the transaction ends."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    table = LoginThrottle.__table__  # type: ignore[attr-defined]
    rows = [{"scope": s, "key": k, "failures": 0, "window_started_at": now} for s, k in keys]
    session.execute(insert(table).values(rows).on_conflict_do_nothing())
    statement = (
        select(LoginThrottle)
        .where(tuple_(col(LoginThrottle.scope), col(LoginThrottle.key)).in_(keys))
        .order_by(col(LoginThrottle.scope), col(LoginThrottle.key))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {row.scope: row for row in session.exec(statement).all()}


def admit_attempt(*, email: str, address: str, settings: Settings) -> None:
    """Count a login attempt in its own short transaction, or refuse it with 429: a use case
    of its own, run before the login itself."""
    with write_session() as session:
        admit(
            session=session,
            email=email.strip().lower(),
            address=address,
            now=utcnow(),
            settings=settings,
        )
        session.commit()


def admit(*, session: Session, email: str, address: str, now: datetime, settings: Settings) -> None:
    """Count this attempt as a failure, or refuse it with 429; the caller commits at once."""
    window = timedelta(minutes=settings.login_window_minutes)
    session.execute(
        delete(LoginThrottle).where(
            col(LoginThrottle.window_started_at) < now - window,
            or_(
                col(LoginThrottle.blocked_until).is_(None),
                col(LoginThrottle.blocked_until) < now,
            ),
        )
    )
    rows = _locked_rows(session, _keys(email, address), now)
    for row in rows.values():
        if row.window_started_at <= now - window:
            row.failures, row.window_started_at = 0, now
    pair, by_address, account = rows["pair"], rows["address"], rows["account"]
    if pair.failures >= settings.login_max_failures:
        _refuse(session, pair.window_started_at + window - now)
    if by_address.failures >= settings.login_max_failures_per_address:
        _refuse(session, by_address.window_started_at + window - now)
    if account.blocked_until is not None and account.blocked_until > now:
        _refuse(session, account.blocked_until - now)
    for row in rows.values():
        row.failures += 1
        session.add(row)
    beyond = account.failures - settings.login_max_failures
    if beyond > 0:
        delay = min(2 ** min(beyond - 1, 30), settings.login_max_delay_seconds)
        account.blocked_until = now + timedelta(seconds=delay)


def _refuse(session: Session, wait: timedelta) -> None:
    session.rollback()
    raise TooManyRequests(REFUSED, int(wait.total_seconds()) + 1)


def succeeded(*, session: Session, email: str, address: str) -> None:
    """A right password: the account's counts start again, and the address takes its
    attempt back; the caller commits."""
    session.execute(
        delete(LoginThrottle).where(
            or_(
                and_(col(LoginThrottle.scope) == "account", col(LoginThrottle.key) == email),
                and_(
                    col(LoginThrottle.scope) == "pair",
                    col(LoginThrottle.key) == f"{email} {address}",
                ),
            )
        )
    )
    row = session.get(LoginThrottle, ("address", address), with_for_update=True)
    if row is not None and row.failures > 0:
        row.failures -= 1
        session.add(row)
