"""kill -9 while POSTs with Idempotency-Keys run: a retry never makes a second object.

Each round starts a real server, sends five keyed POSTs at once, one of which kills the
server's whole process group (SIGKILL) just before or just after its change commits. After a
restart, every reservation is aged past the abandonment period, as if the retry came much
later, and every request is retried with its key. Each key must then name exactly one object:
a committed request answers its stored response, one that never committed runs now."""

import asyncio
from datetime import timedelta

import httpx
import pytest
from sqlmodel import Session, col, func, select, update

from service.accounts.models import ApiToken, Role
from service.idempotency.models import IdempotencyRecord
from service.idempotency.store import ABANDONED_AFTER
from service.types import utcnow
from tests.factories import make_tenant
from tests.server import started_server

ROUNDS = 10
PER_ROUND = 5


def tokens_named(session: Session, name: str) -> list[str]:
    session.rollback()
    rows = session.exec(select(ApiToken.id).where(ApiToken.name == name)).all()
    return [str(row) for row in rows]


async def fire(base: str, headers: dict[str, str], keys: list[str], crash: str) -> None:
    """Send one POST per key at once; the first key's request crashes the server."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        calls = [
            http.post(
                "/api/v1/me/tokens",
                json={"name": key},
                headers={
                    **headers,
                    "Idempotency-Key": key,
                    **({"X-Test-Crash": crash} if index == 0 else {}),
                },
            )
            for index, key in enumerate(keys)
        ]
        results = await asyncio.gather(*calls, return_exceptions=True)
    crashed = results[0]
    assert isinstance(crashed, httpx.TransportError), crashed  # the server died unanswered


def age_reservations(session: Session) -> None:
    """As if the retries came after the reservation period: age every pending reservation."""
    with Session(session.get_bind()) as writer:
        writer.exec(
            update(IdempotencyRecord)
            .where(col(IdempotencyRecord.status_code).is_(None))
            .values(created_at=utcnow() - ABANDONED_AFTER - timedelta(minutes=1))
        )
        writer.commit()


@pytest.mark.server
def test_kill_9_rounds_with_idempotency_keys_create_no_duplicates(
    session: Session, database_url: str
) -> None:
    tenant = make_tenant(session, "Alpha")
    headers = tenant.headers(Role.broker)
    counts = {"committed_unanswered": 0, "replayed": 0, "ran_on_retry": 0}
    previous: dict[str, list[str]] = {}  # the last round's keys, with their objects at the crash
    for round_number in range(ROUNDS + 1):
        # One server a round: it answers the last round's retries, then is killed by this one.
        with started_server(database_url, workers=1, app="tests.crash_app:app") as server:
            if previous:
                check_retries(server.base, headers, previous, session, counts)
            if round_number == ROUNDS:
                break
            crash = "after-commit" if round_number % 2 == 0 else "before-commit"
            keys = [f"round-{round_number}-{index}" for index in range(PER_ROUND)]
            asyncio.run(fire(server.base, headers, keys, crash))
            server.process.wait(timeout=60)
        previous = {key: tokens_named(session, key) for key in keys}
        assert len(previous[keys[0]]) == (1 if crash == "after-commit" else 0)
        counts["committed_unanswered"] += len(previous[keys[0]])
        age_reservations(session)
    session.rollback()
    total = session.exec(
        select(func.count()).select_from(ApiToken).where(col(ApiToken.name).like("round-%"))
    ).one()
    print(f"\n{ROUNDS} kill -9 rounds: {counts}, {total} tokens for {ROUNDS * PER_ROUND} keys")
    assert counts["committed_unanswered"] == ROUNDS // 2
    assert counts["replayed"] + counts["ran_on_retry"] == ROUNDS * PER_ROUND
    assert total == ROUNDS * PER_ROUND


def check_retries(
    base: str,
    headers: dict[str, str],
    before: dict[str, list[str]],
    session: Session,
    counts: dict[str, int],
) -> None:
    """Retry every key: one object per key, replayed exactly when it had committed."""
    with httpx.Client(base_url=base, timeout=60) as http:
        retries = {
            key: http.post(
                "/api/v1/me/tokens",
                json={"name": key},
                headers={**headers, "Idempotency-Key": key},
            )
            for key in before
        }
    for key, response in retries.items():
        after = tokens_named(session, key)
        assert response.status_code == 201, response.text
        assert after == [response.json()["id"]]  # exactly one object, the one answered
        was_replayed = response.headers.get("idempotent-replayed") == "true"
        assert was_replayed == (len(before[key]) == 1)
        assert before[key] in ([], after)
        counts["replayed" if was_replayed else "ran_on_retry"] += 1
