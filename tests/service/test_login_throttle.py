"""Login throttling: per account and address, progressive delays, no burst past a limit."""

import asyncio
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service.accounts import throttle
from service.accounts.models import LoginThrottle
from service.database import write_session
from service.errors import TooManyRequests
from service.settings import get_settings
from service.types import utcnow
from tests.factories import PASSWORD, make_tenant
from tests.server import running_server

EMAIL = "admin@alpha.test"


def counters(session: Session) -> dict[tuple[str, str], int]:
    session.rollback()
    return {(row.scope, row.key): row.failures for row in session.exec(select(LoginThrottle))}


def test_a_failure_counts_for_the_account_the_address_and_the_pair(
    client: TestClient, session: Session
) -> None:
    make_tenant(session, "Alpha")
    wrong = client.post("/api/v1/auth/login", json={"email": EMAIL, "password": "not it at all"})
    assert wrong.status_code == 401
    assert counters(session) == {
        ("account", EMAIL): 1,
        ("address", "testclient"): 1,
        ("pair", f"{EMAIL} testclient"): 1,
    }
    right = client.post("/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD})
    assert right.status_code == 200
    # The success clears the account's counts and takes its own attempt back from the address.
    assert counters(session) == {("address", "testclient"): 1}


START = utcnow()


def admit(email: str, address: str, at: timedelta = timedelta(0)) -> None:
    """One attempt at a fixed moment: START + at (no test depends on the clock)."""
    with write_session() as session:
        throttle.admit(
            session=session, email=email, address=address, now=START + at, settings=get_settings()
        )
        session.commit()


def test_an_account_attacked_from_many_addresses_gets_doubling_delays_not_a_lock(
    engine: object, session: Session
) -> None:
    for number in range(10):  # ten failures from ten addresses: no pair reaches its limit
        admit(EMAIL, f"10.0.0.{number}")
    session.rollback()
    assert session.get(LoginThrottle, ("account", EMAIL)).blocked_until is None  # type: ignore[union-attr]
    delays = []
    for step in range(8):
        offset = timedelta(minutes=step)  # each try comes after the last delay has passed
        admit(EMAIL, f"10.0.1.{step}", offset)
        session.rollback()
        row = session.get(LoginThrottle, ("account", EMAIL))
        assert row is not None
        assert row.blocked_until is not None
        delays.append((row.blocked_until - START - offset).total_seconds())
    assert delays == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0]
    with pytest.raises(TooManyRequests) as refused:
        admit(EMAIL, "10.0.2.1", timedelta(minutes=7))  # within the last 60 s delay
    assert refused.value.headers == {"Retry-After": "61"}


def test_an_address_is_limited_across_accounts(engine: object, session: Session) -> None:
    limit = get_settings().login_max_failures_per_address
    for number in range(limit):
        admit(f"user{number}@alpha.test", "192.0.2.9")
    with pytest.raises(TooManyRequests):
        admit("another@alpha.test", "192.0.2.9")
    admit("another@alpha.test", "192.0.2.10")  # another address is not held back


def login_burst(base: str, password: str, count: int, address: str) -> list[int]:
    async def fire() -> list[int]:
        transport = httpx.AsyncHTTPTransport(local_address=address)
        limits = httpx.Limits(max_connections=count)
        async with httpx.AsyncClient(
            base_url=base, timeout=120, transport=transport, limits=limits
        ) as http:
            body = {"email": EMAIL, "password": password}
            calls = [http.post("/api/v1/auth/login", json=body) for _ in range(count)]
            return [response.status_code for response in await asyncio.gather(*calls)]

    return asyncio.run(asyncio.wait_for(fire(), timeout=300))


@pytest.mark.server
def test_forty_concurrent_wrong_passwords_check_at_most_the_limit_and_the_owner_gets_in(
    session: Session, database_url: str
) -> None:
    make_tenant(session, "Alpha")
    with running_server(database_url, workers=4) as base:
        attack = login_burst(base, "wrong password!", 40, "127.0.0.2")
        owner = login_burst(base, PASSWORD, 1, "127.0.0.3")
        attacker_with_right_password = login_burst(base, PASSWORD, 1, "127.0.0.2")
    print(
        f"\n40 concurrent wrong passwords: {attack.count(401)} checked, {attack.count(429)} refused"
    )
    assert sorted(attack) == [401] * 10 + [429] * 30
    assert owner == [200]
    assert attacker_with_right_password == [429]
    assert counters(session) == {
        ("address", "127.0.0.2"): 10,
        ("address", "127.0.0.3"): 0,
        ("pair", f"{EMAIL} 127.0.0.2"): 10,
    }
