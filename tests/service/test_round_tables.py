"""Round tables: scheduling, rescheduling history, holding with attendance, cancelling, .ics."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service.accounts.models import Role
from service.engagements.models import Engagement, Participation
from service.history import Event
from service.programmes.models import OrganizationKind
from service.roundtables.models import RoundTableInvitee
from tests.factories import Tenant, make_engagement, make_round_table, make_supplier, make_tenant
from workflows import ParticipationState, Phase

BODY = {
    "title": "Packaging requirements",
    "starts_at": "2037-01-20T15:00:00-06:00",
    "timezone": "America/Managua",
    "duration_minutes": 90,
    "place": "Cámara de Industria, sala 2",
    "agenda": ["Welcome", "Quality requirements", "Delivery targets"],
}


def in_round_tables(session: Session) -> tuple[Tenant, Engagement]:
    """An engagement in round_tables with the tenant's supplier selected and one not selected."""
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant, candidates=("Not Chosen",))
    engagement.phase = Phase.round_tables
    tenant.engagement = engagement
    for participation in session.exec(select(Participation)).all():
        chosen = participation.supplier_id == tenant.organizations[OrganizationKind.supplier].id
        participation.state = (
            ParticipationState.selected if chosen else ParticipationState.not_selected
        )
        session.add(participation)
    session.add(engagement)
    session.commit()
    return tenant, engagement


def act(client: TestClient, tenant: Tenant, path: str, body: dict, version: int = 1):  # type: ignore[no-untyped-def,type-arg]
    headers = {**tenant.headers(Role.broker), "If-Match": f'"{version}"'}
    return client.post(f"/api/v1/round-tables/{path}", json=body, headers=headers)


def test_scheduling_invites_the_buyer_and_the_selected_suppliers(
    client: TestClient, session: Session
) -> None:
    tenant, engagement = in_round_tables(session)
    provider = tenant.organizations[OrganizationKind.provider]
    body = {**BODY, "also_invite": [str(provider.id)]}
    response = client.post(
        f"/api/v1/engagements/{engagement.id}/round-tables",
        json=body,
        headers=tenant.headers(Role.broker),
    )
    assert response.status_code == 201, response.text
    invited = [(i["organization_name"], i["kind"]) for i in response.json()["invitees"]]
    assert sorted(invited) == [
        ("Alpha buyer", "buyer"),
        ("Alpha provider", "provider"),
        ("Alpha supplier", "supplier"),
    ]
    assert response.json()["starts_at"] == "2037-01-20T21:00:00Z"


def test_round_tables_wait_for_their_phase(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant)
    response = client.post(
        f"/api/v1/engagements/{engagement.id}/round-tables",
        json=BODY,
        headers=tenant.headers(Role.broker),
    )
    assert response.status_code == 409
    assert response.json()["blocked_by"] == [
        "round tables are scheduled in phase round_tables; the engagement is in enrolment"
    ]


def test_a_supplier_cannot_be_a_guest(client: TestClient, session: Session) -> None:
    tenant, engagement = in_round_tables(session)
    other = make_supplier(session, tenant, "Other")
    body = {**BODY, "also_invite": [str(other.id)]}
    response = client.post(
        f"/api/v1/engagements/{engagement.id}/round-tables",
        json=body,
        headers=tenant.headers(Role.broker),
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "also_invite"


def test_a_naive_start_time_is_refused(client: TestClient, session: Session) -> None:
    tenant, engagement = in_round_tables(session)
    body = {**BODY, "starts_at": "2037-01-20T15:00:00"}
    response = client.post(
        f"/api/v1/engagements/{engagement.id}/round-tables",
        json=body,
        headers=tenant.headers(Role.broker),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "starts_at"


def test_rescheduling_keeps_the_history(client: TestClient, session: Session) -> None:
    tenant, _engagement = in_round_tables(session)
    round_table = make_round_table(session, tenant, days_ago=-5)
    old = round_table.starts_at.isoformat()
    moved = act(
        client,
        tenant,
        f"{round_table.id}/reschedule",
        {"starts_at": "2037-03-01T14:00:00Z", "reason": "buyer travelling"},
    )
    assert moved.status_code == 200
    assert (moved.json()["starts_at"], moved.json()["version"]) == ("2037-03-01T14:00:00Z", 2)
    session.rollback()
    event = session.exec(select(Event).where(Event.trigger == "reschedule")).one()
    assert event.from_state == old
    assert event.reason == "First round table: moved to 2037-03-01T14:00:00+00:00: buyer travelling"


def test_holding_records_minutes_and_who_attended(client: TestClient, session: Session) -> None:
    tenant, _engagement = in_round_tables(session)
    round_table = make_round_table(session, tenant)
    buyer = tenant.organizations[OrganizationKind.buyer]
    body = {
        "minutes": "Targets agreed for quality and delivery.",
        "attendance": [{"organization_id": str(buyer.id), "attendees": ["Ana Pérez", "Luis Mora"]}],
    }
    held = act(client, tenant, f"{round_table.id}/hold", body)
    assert held.status_code == 200, held.text
    attendance = {
        i["organization_name"]: (i["attended"], i["attendees"]) for i in held.json()["invitees"]
    }
    assert attendance == {
        "Alpha buyer": (True, ["Ana Pérez", "Luis Mora"]),
        "Alpha supplier": (False, []),
    }
    assert held.json()["state"] == "held"


def test_attendance_of_an_organization_not_invited_is_refused(
    client: TestClient, session: Session
) -> None:
    tenant, _engagement = in_round_tables(session)
    round_table = make_round_table(session, tenant)
    donor = tenant.organizations[OrganizationKind.donor]
    body = {
        "minutes": "x",
        "attendance": [{"organization_id": str(donor.id), "attendees": ["Sophie"]}],
    }
    response = act(client, tenant, f"{round_table.id}/hold", body)
    assert response.status_code == 404
    assert response.json()["errors"] == [
        {
            "field": "attendance.0.organization_id",
            "message": f"organization {donor.id} was not invited to this round table",
            "type": "value_error",
        }
    ]


def test_a_round_table_cannot_be_held_before_it_starts(
    client: TestClient, session: Session
) -> None:
    tenant, _engagement = in_round_tables(session)
    round_table = make_round_table(session, tenant, days_ago=-2)
    buyer = tenant.organizations[OrganizationKind.buyer]
    body = {
        "minutes": "x",
        "attendance": [{"organization_id": str(buyer.id), "attendees": ["Ana"]}],
    }
    response = act(client, tenant, f"{round_table.id}/hold", body)
    assert response.status_code == 409


def test_a_cancelled_round_table_cannot_be_held(client: TestClient, session: Session) -> None:
    tenant, _engagement = in_round_tables(session)
    round_table = make_round_table(session, tenant)
    assert (
        act(client, tenant, f"{round_table.id}/cancel", {"reason": "plant strike"}).json()[
            "cancel_reason"
        ]
        == "plant strike"
    )
    buyer = tenant.organizations[OrganizationKind.buyer]
    body = {
        "minutes": "x",
        "attendance": [{"organization_id": str(buyer.id), "attendees": ["Ana"]}],
    }
    refused = act(client, tenant, f"{round_table.id}/hold", body, version=2)
    assert refused.json()["blocked_by"] == ["a cancelled round table cannot be held"]


def test_the_calendar_file_parses_with_the_right_start_and_time_zone(
    client: TestClient, session: Session
) -> None:
    tenant, engagement = in_round_tables(session)
    created = client.post(
        f"/api/v1/engagements/{engagement.id}/round-tables",
        json=BODY,
        headers=tenant.headers(Role.broker),
    ).json()
    response = client.get(
        f"/api/v1/round-tables/{created['id']}/calendar.ics", headers=tenant.headers(Role.supplier)
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start == datetime(2037, 1, 20, 15, 0, tzinfo=ZoneInfo("America/Managua"))
    assert start.utcoffset() == timedelta(hours=-6)
    assert event["dtstart"].params["TZID"] == "America/Managua"
    assert event.decoded("dtend") - start == timedelta(minutes=90)
    assert str(event["summary"]) == "Packaging requirements (Alpha buyer)"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["America/Managua"]


def test_a_supplier_sees_only_round_tables_it_was_invited_to(
    client: TestClient, session: Session
) -> None:
    tenant, engagement = in_round_tables(session)
    invited = make_round_table(session, tenant)
    hidden = make_round_table(session, tenant)

    supplier_org = tenant.organizations[OrganizationKind.supplier].id
    row = session.exec(
        select(RoundTableInvitee).where(
            RoundTableInvitee.round_table_id == hidden.id,
            RoundTableInvitee.organization_id == supplier_org,
        )
    ).one()
    session.delete(row)
    session.commit()
    headers = tenant.headers(Role.supplier)
    listed = client.get(
        f"/api/v1/engagements/{engagement.id}/round-tables", headers=headers
    ).json()["items"]
    assert [item["id"] for item in listed] == [str(invited.id)]
    assert client.get(f"/api/v1/round-tables/{hidden.id}", headers=headers).status_code == 404
    assert (
        client.get(
            f"/api/v1/round-tables/{invited.id}", headers=tenant.headers(Role.provider)
        ).status_code
        == 404
    )


def test_holding_with_everyone_present_meets_the_round_table_facts(
    client: TestClient, session: Session
) -> None:
    tenant, engagement = in_round_tables(session)
    round_table = make_round_table(session, tenant)
    blocked = client.get(
        f"/api/v1/engagements/{engagement.id}/transitions", headers=tenant.headers(Role.broker)
    ).json()
    before = next(t for t in blocked if t["trigger"] == "start_analysis")["blocked_by"]
    assert before == [
        "no round table has been held with minutes",
        "the buyer Alpha buyer has not attended a round table",
        "1 selected supplier has not attended a round table: Alpha supplier",
        "1 selected supplier has no agreed targets: Alpha supplier",
    ]
    attendance = [
        {"organization_id": str(tenant.organizations[kind].id), "attendees": ["Someone"]}
        for kind in (OrganizationKind.buyer, OrganizationKind.supplier)
    ]
    act(client, tenant, f"{round_table.id}/hold", {"minutes": "Agreed.", "attendance": attendance})
    after = client.get(
        f"/api/v1/engagements/{engagement.id}/transitions", headers=tenant.headers(Role.broker)
    ).json()
    assert next(t for t in after if t["trigger"] == "start_analysis")["blocked_by"] == [
        "1 selected supplier has no agreed targets: Alpha supplier"
    ]


def test_a_round_table_starting_in_the_past_is_refused_unless_recorded_as_held(
    client: TestClient, session: Session
) -> None:
    tenant, engagement = in_round_tables(session)
    path = f"/api/v1/engagements/{engagement.id}/round-tables"
    past = {**BODY, "starts_at": "2020-03-10T09:00:00-06:00"}
    refused = client.post(path, json=past, headers=tenant.headers(Role.broker))
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert (error["field"], error["message"]) == (
        "starts_at",
        "2020-03-10T09:00:00-06:00 is in the past: schedule a round table ahead, or record one "
        "that already took place with `held` (its minutes and attendance)",
    )
    session.rollback()
    assert session.exec(select(RoundTableInvitee)).all() == []
    buyer = tenant.organizations[OrganizationKind.buyer]
    held = {
        **past,
        "held": {
            "minutes": "Targets agreed.",
            "attendance": [{"organization_id": str(buyer.id), "attendees": ["Ana Ruiz"]}],
        },
    }
    recorded = client.post(path, json=held, headers=tenant.headers(Role.broker))
    assert recorded.status_code == 201, recorded.text
    body = recorded.json()
    assert (body["state"], body["minutes"], body["version"]) == ("held", "Targets agreed.", 2)
    attended = {i["organization_name"]: i["attended"] for i in body["invitees"]}
    assert attended == {"Alpha buyer": True, "Alpha supplier": False}


def test_a_round_table_cannot_be_moved_into_the_past(client: TestClient, session: Session) -> None:
    tenant, _engagement = in_round_tables(session)
    round_table = make_round_table(session, tenant, days_ago=-3)
    moved = act(
        client,
        tenant,
        f"{round_table.id}/reschedule",
        {"starts_at": "2020-03-01T14:00:00Z", "reason": "typo"},
    )
    assert (moved.status_code, moved.json()["errors"][0]["field"]) == (422, "starts_at")
