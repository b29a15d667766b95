"""100 concurrent conflicting transitions against 4 worker processes: exactly one wins."""

import asyncio
import uuid
from collections import Counter
from dataclasses import dataclass

import httpx
import pytest
from sqlmodel import Session, func, select

from service.accounts.models import Role
from service.engagements.models import Engagement
from service.history import Event
from tests.factories import make_engagement, make_tenant
from tests.server import running_server

REQUESTS = 100


@dataclass
class RaceOutcome:
    statuses: Counter[int]
    new_events: int
    version_change: int

    def violations(self) -> list[str]:
        """Everything that breaks "exactly one wins, nothing is lost"."""
        found = []
        if self.statuses[200] != 1:
            found.append(f"{self.statuses[200]} requests succeeded, not exactly 1")
        refused = self.statuses[409] + self.statuses[412]
        if refused != REQUESTS - 1:
            found.append(f"{refused} were refused with 409/412, not {REQUESTS - 1}")
        if any(status >= 500 for status in self.statuses):
            found.append(f"server errors: {dict(self.statuses)}")
        if self.new_events != 1:
            found.append(f"{self.new_events} events were written, not 1")
        if self.version_change != 1:
            found.append(f"the version moved by {self.version_change}, not 1")
        return found


def race(base: str, path: str, headers: dict[str, str], body: dict[str, str]) -> Counter[int]:
    """Fire the same request REQUESTS times at once and count the statuses."""

    async def fire() -> list[int]:
        limits = httpx.Limits(max_connections=REQUESTS)
        async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
            calls = [client.post(path, json=body, headers=headers) for _ in range(REQUESTS)]
            return [response.status_code for response in await asyncio.gather(*calls)]

    # A hang is a failure too: never wait longer than this for the whole race.
    return Counter(asyncio.run(asyncio.wait_for(fire(), timeout=120)))


def measure(session: Session, engagement_id: uuid.UUID, run) -> RaceOutcome:  # type: ignore[no-untyped-def]
    def state() -> tuple[int, int]:
        session.rollback()
        events = session.exec(
            select(func.count()).select_from(Event).where(Event.engagement_id == engagement_id)
        ).one()
        version = session.exec(
            select(Engagement.version).where(Engagement.id == engagement_id)
        ).one()
        return events, version

    events_before, version_before = state()
    statuses = run()
    events_after, version_after = state()
    return RaceOutcome(statuses, events_after - events_before, version_after - version_before)


@pytest.mark.server
def test_one_hundred_concurrent_holds_on_four_workers_have_exactly_one_winner(
    session: Session, database_url: str
) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant)
    headers = {**tenant.headers(Role.broker), "If-Match": '"1"'}
    path = f"/api/v1/engagements/{engagement.id}/transitions/hold"
    with running_server(database_url, workers=4) as base:
        outcome = measure(
            session, engagement.id, lambda: race(base, path, headers, {"reason": "strike"})
        )
    assert outcome.violations() == []
    session.refresh(engagement)
    assert engagement.phase == "on_hold"


@pytest.mark.server
def test_the_harness_detects_lost_updates_on_an_endpoint_without_version_check(
    session: Session, database_url: str
) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant)
    path = f"/test/unsafe-hold/{engagement.id}"
    with running_server(database_url, workers=4, app="tests.race_app:app") as base:
        outcome = measure(session, engagement.id, lambda: race(base, path, {}, {}))
    violations = outcome.violations()
    assert f"{outcome.statuses[200]} requests succeeded, not exactly 1" in violations
    assert outcome.statuses[200] > 1
    assert outcome.new_events > outcome.version_change  # updates were lost
