"""The event history is tamper-evident: each programme's events form a hash chain, and
`history verify` names the first link that an edit, a deletion or a reordering broke."""

import uuid

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from service.accounts.models import Role
from service.cli import app
from service.history import GENESIS, Event, EventChain, event_hash
from service.history_check import verify_all, verify_programme
from service.programmes.models import OrganizationKind
from tests.factories import Tenant, make_tenant

API = "/api/v1/engagements"


def open_engagements(client: TestClient, tenant: Tenant, count: int) -> None:
    """`count` engagements, each renamed once: two events apiece."""
    for n in range(count):
        body = {
            "buyer_id": str(tenant.organizations[OrganizationKind.buyer].id),
            "title": f"Engagement {n}",
        }
        created = client.post(API, json=body, headers=tenant.headers(Role.admin))
        assert created.status_code == 201, created.text
        renamed = client.patch(
            f"{API}/{created.json()['id']}",
            json={"broker_id": str(tenant.users[Role.broker].id)},
            headers={**tenant.headers(Role.admin), "If-Match": '"1"'},
        )
        assert renamed.status_code == 200, renamed.text


def chain(session: Session, tenant: Tenant) -> list[Event]:
    session.rollback()
    statement = (
        select(Event).where(Event.programme_id == tenant.programme.id).order_by(col(Event.sequence))
    )
    return list(session.exec(statement).all())


@pytest.fixture
def tenant(client: TestClient, session: Session) -> Tenant:
    tenant = make_tenant(session, "Alpha")
    open_engagements(client, tenant, 3)
    return tenant


def test_each_event_is_numbered_and_sealed_with_the_previous_hash(
    session: Session, tenant: Tenant
) -> None:
    events = chain(session, tenant)
    assert [event.sequence for event in events] == [1, 2, 3, 4, 5, 6]
    previous = GENESIS
    for event in events:
        assert event.hash == event_hash(previous, event.model_dump())
        previous = event.hash
    head = session.get(EventChain, tenant.programme.id)
    assert head is not None
    assert (head.sequence, head.hash) == (6, events[-1].hash)
    report = verify_programme(session, tenant.programme.id)
    assert (report.intact, report.events) == (True, 6)


def test_programmes_keep_chains_of_their_own(
    client: TestClient, session: Session, tenant: Tenant
) -> None:
    other = make_tenant(session, "Beta")
    open_engagements(client, other, 1)
    assert [event.sequence for event in chain(session, other)] == [1, 2]
    reports = {report.programme_id: report for report in verify_all(session)}
    assert {key: (r.intact, r.events) for key, r in reports.items()} == {
        tenant.programme.id: (True, 6),
        other.programme.id: (True, 2),
    }


def tamper(session: Session, statement: sa.Executable) -> None:
    session.rollback()
    session.execute(statement)
    session.commit()


def test_an_edited_event_breaks_the_chain_at_its_sequence(session: Session, tenant: Tenant) -> None:
    third = chain(session, tenant)[2]
    tamper(session, sa.update(Event).where(col(Event.id) == third.id).values(reason="forged"))
    report = verify_programme(session, tenant.programme.id)
    assert (report.broken_at, report.event_id, report.events) == (3, third.id, 2)
    assert report.problem == "event #3 does not match its hash: it was changed or moved"


def test_a_deleted_event_is_missing_from_the_chain(session: Session, tenant: Tenant) -> None:
    fourth = chain(session, tenant)[3]
    tamper(session, sa.delete(Event).where(col(Event.id) == fourth.id))
    report = verify_programme(session, tenant.programme.id)
    assert (report.broken_at, report.problem) == (4, "event #4 is missing")


def test_two_events_swapped_break_the_chain_at_the_first_of_them(
    session: Session, tenant: Tenant
) -> None:
    second, fifth = chain(session, tenant)[1], chain(session, tenant)[4]
    tamper(session, sa.update(Event).where(col(Event.id) == second.id).values(sequence=-2))
    tamper(session, sa.update(Event).where(col(Event.id) == fifth.id).values(sequence=2))
    tamper(session, sa.update(Event).where(col(Event.id) == second.id).values(sequence=5))
    report = verify_programme(session, tenant.programme.id)
    assert (report.broken_at, report.event_id) == (2, fifth.id)


def test_the_last_event_deleted_leaves_the_head_pointing_past_the_chain(
    session: Session, tenant: Tenant
) -> None:
    last = chain(session, tenant)[-1]
    tamper(session, sa.delete(Event).where(col(Event.id) == last.id))
    report = verify_programme(session, tenant.programme.id)
    assert (report.broken_at, report.problem) == (
        6,
        "the chain ends at event #5 but its head records #6",
    )


def test_the_command_reports_every_chain_and_fails_on_a_broken_one(
    session: Session, tenant: Tenant
) -> None:
    intact = CliRunner().invoke(app, ["history", "verify"])
    assert intact.exit_code == 0, intact.output
    assert intact.output == f"ok      programme {tenant.programme.id}: 6 events\n"
    first = chain(session, tenant)[0]
    tamper(session, sa.update(Event).where(col(Event.id) == first.id).values(to_state="completed"))
    broken = CliRunner().invoke(app, ["history", "verify"])
    assert broken.exit_code == 1
    assert broken.output == (
        f"BROKEN  programme {tenant.programme.id} at event #1 ({first.id}): "
        "event #1 does not match its hash: it was changed or moved\n"
    )


def test_an_empty_programme_has_an_intact_empty_chain(session: Session) -> None:
    report = verify_programme(session, uuid.uuid4())
    assert (report.intact, report.events) == (True, 0)


def test_the_unit_verifies_its_programme_through_the_api(
    client: TestClient, session: Session, tenant: Tenant
) -> None:
    url = f"/api/v1/programmes/{tenant.programme.id}/history/verification"
    intact = client.get(url, headers=tenant.headers(Role.admin))
    assert intact.status_code == 200
    assert intact.json() == {
        "programme_id": str(tenant.programme.id),
        "events": 6,
        "intact": True,
        "broken_at": None,
        "event_id": None,
        "problem": None,
    }
    fifth = chain(session, tenant)[4]
    tamper(session, sa.update(Event).where(col(Event.id) == fifth.id).values(trigger="forged"))
    broken = client.get(url, headers=tenant.headers(Role.broker)).json()
    assert (broken["intact"], broken["broken_at"], broken["event_id"]) == (False, 5, str(fifth.id))
    for role in (Role.buyer, Role.supplier, Role.provider, Role.observer):
        assert client.get(url, headers=tenant.headers(role)).status_code == 404, role
