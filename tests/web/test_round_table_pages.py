"""Round-table pages: schedule with the buyer and selected suppliers invited, reschedule with a
reason, hold with attendance and minutes (refused before it starts), cancel, calendar file."""

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service.accounts.models import Role
from service.engagements.models import Participation
from service.roundtables.models import RoundTable, RoundTableState
from service.types import utcnow
from tests.factories import Tenant, make_engagement, make_tenant
from workflows import ParticipationState, Phase


def at_round_tables(session: Session) -> Tenant:
    tenant = make_tenant(session, "Alpha")
    tenant.engagement = make_engagement(session, tenant)
    tenant.engagement.phase = Phase.round_tables
    participation = session.exec(select(Participation)).one()
    participation.state = ParticipationState.selected
    session.add_all([tenant.engagement, participation])
    session.commit()
    return tenant


def csrf_of(client: TestClient, url: str) -> str:
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get(url).text)
    assert match is not None
    return match.group(1)


def fresh_round_table(session: Session) -> RoundTable:
    session.rollback()
    session.expire_all()
    return session.exec(select(RoundTable)).one()


def test_a_round_table_is_scheduled_moved_held_and_its_calendar_downloaded(
    client: TestClient, session: Session
) -> None:
    tenant = at_round_tables(session)
    assert tenant.engagement is not None
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    listing = f"/engagements/{tenant.engagement.id}/round-tables"
    form = {
        "csrf": csrf_of(client, listing),
        "title": "First round table",
        "starts_at": (utcnow() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
        "timezone": "America/Managua",
        "duration_minutes": "90",
        "place": "Cámara de Industria",
        "agenda": "Results of the audits\nTargets",
    }
    scheduled = client.post(listing, data=form, follow_redirects=False)
    round_table = fresh_round_table(session)
    assert scheduled.headers["location"] == f"/round-tables/{round_table.id}"
    page = client.get(f"/round-tables/{round_table.id}")
    assert "Alpha buyer" in page.text
    assert "Alpha supplier" in page.text
    assert round_table.agenda == ["Results of the audits", "Targets"]
    url = f"/round-tables/{round_table.id}"
    early = client.post(
        f"{url}/hold",
        data={"csrf": csrf_of(client, url), "version": str(round_table.version),
              "minutes": "Agreed.", f"attended-{tenant.engagement.buyer_id}": "1",
              f"attendees-{tenant.engagement.buyer_id}": "Ana Pérez"},
    )  # fmt: skip
    assert early.status_code == 409
    assert 'role="alert"' in early.text
    assert fresh_round_table(session).state == RoundTableState.scheduled
    moved = client.post(
        f"{url}/reschedule",
        data={"csrf": csrf_of(client, url), "version": str(round_table.version),
              "starts_at": (utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
              "timezone": "UTC", "reason": "The buyer asked to meet earlier"},
        follow_redirects=False,
    )  # fmt: skip
    assert moved.status_code == 303
    round_table = fresh_round_table(session)
    # Time passes: the meeting's start is behind us, so it can be held.
    round_table.starts_at = utcnow() - timedelta(hours=3)
    session.add(round_table)
    session.commit()
    round_table = fresh_round_table(session)
    supplier = session.exec(select(Participation)).one().supplier_id
    held = client.post(
        f"{url}/hold",
        data={"csrf": csrf_of(client, url), "version": str(round_table.version),
              "minutes": "Targets agreed for delivery and quality.",
              f"attended-{tenant.engagement.buyer_id}": "1",
              f"attendees-{tenant.engagement.buyer_id}": "Ana Pérez, Luis Roa",
              f"attended-{supplier}": "1", f"attendees-{supplier}": "Marta Díaz"},
        follow_redirects=False,
    )  # fmt: skip
    assert held.status_code == 303
    round_table = fresh_round_table(session)
    assert (round_table.state, round_table.minutes) == (
        RoundTableState.held,
        "Targets agreed for delivery and quality.",
    )
    assert "Ana Pérez, Luis Roa" in client.get(url).text
    calendar = client.get(f"{url}/calendar.ics")
    assert calendar.headers["content-type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in calendar.content


def test_a_round_table_is_cancelled_with_its_reason_and_a_blank_reason_is_refused(
    client: TestClient, session: Session
) -> None:
    tenant = at_round_tables(session)
    assert tenant.engagement is not None
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    listing = f"/engagements/{tenant.engagement.id}/round-tables"
    form = {
        "csrf": csrf_of(client, listing), "title": "Round table", "timezone": "UTC",
        "starts_at": (utcnow() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "60", "place": "", "agenda": "Targets",
    }  # fmt: skip
    client.post(listing, data=form)
    round_table = fresh_round_table(session)
    url = f"/round-tables/{round_table.id}"
    blank = client.post(
        f"{url}/cancel", data={"csrf": csrf_of(client, url), "version": "1", "reason": " "}
    )
    assert blank.status_code == 422
    cancelled = client.post(
        f"{url}/cancel",
        data={"csrf": csrf_of(client, url), "version": "1", "reason": "The plant is closed"},
        follow_redirects=False,
    )
    assert cancelled.status_code == 303
    round_table = fresh_round_table(session)
    assert (round_table.state, round_table.cancel_reason) == (
        RoundTableState.cancelled,
        "The plant is closed",
    )
