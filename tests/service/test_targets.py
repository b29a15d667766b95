"""Agreed targets: recorded at round tables for selected suppliers, versioned with history."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service.accounts.models import Role
from service.engagements.models import Participation
from service.targets.models import TargetRevision
from tests.factories import Tenant, make_engagement, make_round_table, make_tenant
from workflows import ParticipationState, Phase


def selected(session: Session) -> tuple[Tenant, Participation]:
    tenant = make_tenant(session, "Alpha")
    tenant.engagement = make_engagement(session, tenant)
    tenant.engagement.phase = Phase.round_tables
    participation = session.exec(select(Participation)).one()
    participation.state = ParticipationState.selected
    session.add_all([tenant.engagement, participation])
    session.commit()
    tenant.participation = participation
    tenant.round_table = make_round_table(session, tenant)
    return tenant, participation


def url(tenant: Tenant) -> str:
    assert tenant.engagement is not None
    assert tenant.participation is not None
    return f"/api/v1/engagements/{tenant.engagement.id}/participations/{tenant.participation.id}/targets"


def record(client: TestClient, tenant: Tenant, **fields: object):  # type: ignore[no-untyped-def]
    assert tenant.round_table is not None
    body = {"round_table_id": str(tenant.round_table.id), **fields}
    return client.post(url(tenant), json=body, headers=tenant.headers(Role.broker))


def test_kpi_section_and_commitment_targets_are_recorded(
    client: TestClient, session: Session
) -> None:
    tenant, _participation = selected(session)
    kpi = record(client, tenant, kind="kpi", kpi="on_time_delivery", value=95, due_on="2027-06-30")
    section = record(
        client, tenant, kind="audit_section", section_id="quality", value=70.0, due_on="2027-06-30"
    )
    promise = record(
        client, tenant, kind="commitment", party="buyer", text="Share a 3-month forecast monthly"
    )
    assert [r.status_code for r in (kpi, section, promise)] == [201, 201, 201]
    listed = client.get(url(tenant), headers=tenant.headers(Role.supplier)).json()["items"]
    assert [(t["kind"], t["value"], t["text"]) for t in listed] == [
        ("kpi", 95, None),
        ("audit_section", 70, None),
        ("commitment", None, "Share a 3-month forecast monthly"),
    ]


def test_invalid_kpi_targets_are_refused_by_field(client: TestClient, session: Session) -> None:
    tenant, _participation = selected(session)
    due = "2027-06-30"
    cases = [
        (
            {"kind": "kpi", "kpi": "on_time_delivery", "value": 140, "due_on": due},
            "value",
            "on_time_delivery cannot be above 100 %",
        ),
        (
            {"kind": "kpi", "kpi": "inventory_days", "value": -3, "due_on": due},
            "value",
            "inventory_days cannot be below 0 days",
        ),
        (
            {"kind": "kpi", "kpi": "unit_cost", "value": 1e16, "due_on": due},
            "value",
            "unit_cost cannot be above 1000000000000000 currency per unit",
        ),
        (
            {"kind": "kpi", "kpi": "happiness", "value": 3, "due_on": due},
            "kpi",
            "'happiness' is not one of 'on_time_delivery', 'defect_rate', 'lead_time', "
            "'inventory_days', 'cycle_time', 'productivity', 'scrap_rate', 'unit_cost'",
        ),
        (
            {"kind": "kpi", "kpi": "local_purchases", "value": 3, "due_on": due},
            "kpi",
            "'local_purchases' is not one of 'on_time_delivery', 'defect_rate', 'lead_time', "
            "'inventory_days', 'cycle_time', 'productivity', 'scrap_rate', 'unit_cost'",
        ),
        ({"kind": "kpi", "value": 3, "due_on": due}, "kpi", "an object with kpi is required"),
        (
            {"kind": "kpi", "kpi": "lead_time", "value": "3", "due_on": due},
            "value",
            "must be a number",
        ),
        ({"kind": "kpi", "kpi": "lead_time", "value": 3}, "due_on", "is required"),
        (
            {"kind": "commitment", "party": "buyer", "text": "x", "value": 3},
            "value",
            "is not a field of this request",
        ),
        ({"kind": "wish", "text": "x"}, "kind", "kind must be kpi, audit_section or commitment"),
        (
            {"kind": "audit_section", "section_id": "quality", "value": 101, "due_on": due},
            "value",
            "must be at most 100",
        ),
        (
            {"kind": "audit_section", "section_id": "canteen", "value": 50, "due_on": due},
            "section_id",
            None,
        ),
    ]
    for body, field, message in cases:
        response = record(client, tenant, **body)
        assert response.status_code == 422, body
        errors = response.json()["errors"]
        assert [error["field"] for error in errors] == [field], body
        if message is not None:
            assert response.json()["detail"] == f"{field}: {message}"
    assert client.get(url(tenant), headers=tenant.headers(Role.broker)).json()["items"] == []


def test_a_change_keeps_the_previous_value_with_who_when_and_why(
    client: TestClient, session: Session
) -> None:
    tenant, _participation = selected(session)
    created = record(
        client, tenant, kind="kpi", kpi="on_time_delivery", value=95, due_on="2027-06-30"
    ).json()
    changed = client.patch(
        f"/api/v1/targets/{created['id']}",
        json={
            "kind": "kpi",
            "kpi": "on_time_delivery",
            "value": 90,
            "due_on": "2027-06-30",
            "reason": "new production line delayed",
        },
        headers={**tenant.headers(Role.broker), "If-Match": '"1"'},
    )
    assert (changed.status_code, changed.json()["value"], changed.json()["version"]) == (
        200,
        90,
        2,
    )
    history = client.get(
        f"/api/v1/targets/{created['id']}/history", headers=tenant.headers(Role.buyer)
    ).json()["items"]
    assert [(h["version"], h["value"], h["reason"], h["changed_by"]) for h in history] == [
        (1, 95, "new production line delayed", str(tenant.users[Role.broker].id)),
    ]
    stale = client.patch(
        f"/api/v1/targets/{created['id']}",
        json={
            "kind": "kpi",
            "kpi": "on_time_delivery",
            "value": 85,
            "due_on": "2027-06-30",
            "reason": "again",
        },
        headers={**tenant.headers(Role.broker), "If-Match": '"1"'},
    )
    assert stale.status_code == 412
    session.rollback()
    assert len(session.exec(select(TargetRevision)).all()) == 1


def test_a_change_needs_a_reason(client: TestClient, session: Session) -> None:
    tenant, _participation = selected(session)
    created = record(
        client, tenant, kind="kpi", kpi="on_time_delivery", value=95, due_on="2027-06-30"
    ).json()
    response = client.patch(
        f"/api/v1/targets/{created['id']}",
        json={"kind": "kpi", "kpi": "on_time_delivery", "value": 90, "due_on": "2027-06-30"},
        headers={**tenant.headers(Role.broker), "If-Match": '"1"'},
    )
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["reason"]


def test_a_change_restates_the_kind_and_kpi_and_stays_within_its_bounds(
    client: TestClient, session: Session
) -> None:
    tenant, _participation = selected(session)
    created = record(
        client, tenant, kind="kpi", kpi="on_time_delivery", value=95, due_on="2027-06-30"
    ).json()
    change = {"kind": "kpi", "due_on": "2027-06-30", "reason": "revised"}
    cases = [
        ({**change, "kpi": "lead_time", "value": 90}, 409, "kpi"),
        ({**change, "kind": "audit_section", "value": 90}, 409, "kind"),
        ({**change, "kpi": "on_time_delivery", "value": 101}, 422, "value"),
    ]
    for body, status, field in cases:
        response = client.patch(
            f"/api/v1/targets/{created['id']}",
            json=body,
            headers={**tenant.headers(Role.broker), "If-Match": '"1"'},
        )
        assert (response.status_code, response.json()["errors"][0]["field"]) == (status, field)
    same = client.patch(
        f"/api/v1/targets/{created['id']}",
        json={**change, "kpi": "on_time_delivery", "value": 95.0},
        headers={**tenant.headers(Role.broker), "If-Match": '"1"'},
    )
    assert (same.status_code, same.json()["version"], same.json()["value"]) == (200, 1, 95)
    session.rollback()
    assert session.exec(select(TargetRevision)).all() == []


def test_targets_are_for_selected_suppliers_only(client: TestClient, session: Session) -> None:
    tenant, participation = selected(session)
    participation.state = ParticipationState.not_selected
    session.add(participation)
    session.commit()
    response = record(client, tenant, kind="commitment", party="supplier", text="x")
    assert response.status_code == 409


def test_agreed_targets_meet_the_last_round_table_fact(
    client: TestClient, session: Session
) -> None:
    tenant, _participation = selected(session)
    assert tenant.engagement is not None
    record(client, tenant, kind="commitment", party="supplier", text="Weekly delivery reports")
    transitions = client.get(
        f"/api/v1/engagements/{tenant.engagement.id}/transitions",
        headers=tenant.headers(Role.broker),
    ).json()
    blocked = next(t for t in transitions if t["trigger"] == "start_analysis")["blocked_by"]
    assert "1 selected supplier has no agreed targets: Alpha supplier" not in blocked
    assert blocked[0] == "no round table has been held with minutes"


def test_a_discriminator_of_the_wrong_type_is_named(client: TestClient, session: Session) -> None:
    tenant, _participation = selected(session)
    for tag in ({}, [], 3, None):
        response = record(client, tenant, kind="kpi", kpi=tag, value=1, due_on="2027-06-30")
        assert response.status_code == 422, tag
        assert [error["field"] for error in response.json()["errors"]] == ["kpi"], tag
