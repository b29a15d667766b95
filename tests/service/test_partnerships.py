"""The buyer's partnership decision: one use case, one commit, nothing kept when refused."""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from service.accounts.models import Role
from service.history import Event
from service.plans.models import PartnershipDecision
from tests.factories import Tenant, make_plan_ready, make_tenant
from workflows import ParticipationState

API = "/api/v1"
DECIDED = {"outcome": "conditional", "conditions": "Monthly deliveries", "rationale": "Improved"}


@contextmanager
def counting_commits() -> Iterator[list[object]]:
    """Every session commit while the block runs, in any session."""
    commits: list[object] = []

    def record(session: object) -> None:
        commits.append(session)

    sa.event.listen(OrmSession, "after_commit", record)
    try:
        yield commits
    finally:
        sa.event.remove(OrmSession, "after_commit", record)


def decide(client: TestClient, tenant: Tenant) -> tuple[int, int]:
    """POST the decision as the buyer; the status and the number of commits it took."""
    assert tenant.engagement is not None
    assert tenant.participation is not None
    path = f"/engagements/{tenant.engagement.id}/participations/{tenant.participation.id}"
    headers = {**tenant.headers(Role.buyer), "If-Match": f'"{tenant.participation.version}"'}
    with counting_commits() as commits:
        response = client.post(f"{API}{path}/decision", json=DECIDED, headers=headers)
    return response.status_code, len(commits)


def test_a_decision_writes_its_row_its_event_and_the_move_in_one_commit(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    make_plan_ready(session, tenant)
    assert tenant.participation is not None
    tenant.participation.state = ParticipationState.closed
    session.add(tenant.participation)
    session.commit()
    assert decide(client, tenant) == (201, 1)
    session.rollback()
    session.refresh(tenant.participation)
    assert tenant.participation.state == ParticipationState.conditional_partner
    triggers = select(Event.trigger).where(Event.participation_id == tenant.participation.id)
    assert sorted(session.exec(triggers).all()) == [
        "decide_partnership",
        "record_conditional_partnership",
    ]


def test_a_refused_decision_keeps_nothing(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    make_plan_ready(session, tenant)  # analysed: its plan is not closed
    assert decide(client, tenant) == (409, 0)
    session.rollback()
    assert session.exec(select(PartnershipDecision)).all() == []
    assert tenant.participation is not None
    kept = select(Event).where(Event.participation_id == tenant.participation.id)
    assert session.exec(kept).all() == []
