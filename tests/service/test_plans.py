"""Improvement plans: actions with funding shares, approvals by every party, monthly
reviews, health, final review and the partnership decision."""

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service.accounts.models import Role
from service.engagements.models import Participation
from service.plans.models import Action, FundingShare
from service.programmes.models import OrganizationKind
from tests.factories import Tenant, make_plan_ready, make_tenant
from workflows import ParticipationState

API = "/api/v1"


def call(
    client: TestClient,
    tenant: Tenant,
    method: str,
    path: str,
    body: Any = None,
    version: int | None = None,
    role: Role = Role.broker,
):  # type: ignore[no-untyped-def]
    headers = tenant.headers(role)
    if version is not None:
        headers["If-Match"] = f'"{version}"'
    return client.request(method, f"{API}{path}", json=body, headers=headers)


def open_plan(client: TestClient, tenant: Tenant, starts_on: date) -> dict[str, Any]:
    assert tenant.engagement is not None
    assert tenant.participation is not None
    response = call(
        client,
        tenant,
        "POST",
        f"/engagements/{tenant.engagement.id}/plans",
        {"participation_id": str(tenant.participation.id), "starts_on": starts_on.isoformat()},
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def action(title: str, category: str, starts: date, due: date, **fields: Any) -> dict[str, Any]:
    return {
        "category": category,
        "title": title,
        "starts_on": starts.isoformat(),
        "due_on": due.isoformat(),
        "estimated_cost": "1200.00",
        "funding": [{"payer": "programme", "percent": "100"}],
        **fields,
    }


def test_opening_a_plan_moves_the_supplier_to_planning(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    make_plan_ready(session, tenant)
    plan = open_plan(client, tenant, date(2027, 1, 31))
    assert (plan["state"], plan["months"], plan["ends_on"], plan["currency"]) == (
        "draft",
        6,
        "2027-07-31",
        "NIO",
    )
    session.rollback()
    state = session.exec(select(Participation.state)).one()
    assert state == ParticipationState.planning
    assert tenant.engagement is not None
    assert tenant.participation is not None
    twice = call(
        client,
        tenant,
        "POST",
        f"/engagements/{tenant.engagement.id}/plans",
        {"participation_id": str(tenant.participation.id), "starts_on": "2027-01-31"},
    )
    assert twice.status_code == 409


def test_funding_shares_add_up_to_exactly_100(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    make_plan_ready(session, tenant)
    plan = open_plan(client, tenant, date(2027, 1, 1))
    thirds = [
        {"payer": "firm", "percent": "33.33"},
        {"payer": "buyer", "percent": "33.33"},
        {"payer": "programme", "percent": "33.33"},
    ]
    body = action("Planning course", "training", date(2027, 1, 10), date(2027, 2, 28))
    refused = call(
        client, tenant, "POST", f"/plans/{plan['id']}/actions", {**body, "funding": thirds}, 1
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0] == {
        "field": "funding",
        "message": "the funding shares of action 'Planning course' add up to 99.99 %, not 100 %",
        "type": "value_error",
    }
    session.rollback()
    assert session.exec(select(Action)).all() == []
    thirds[2]["percent"] = "33.34"
    accepted = call(
        client, tenant, "POST", f"/plans/{plan['id']}/actions", {**body, "funding": thirds}, 1
    )
    assert accepted.status_code == 201, accepted.text
    assert [share["percent"] for share in accepted.json()["funding"]] == [
        "33.33",
        "33.33",
        "33.34",
    ]
    session.rollback()
    assert sum(share.percent for share in session.exec(select(FundingShare)).all()) == 100


def test_actions_stay_inside_the_plan_window(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    make_plan_ready(session, tenant)
    plan = open_plan(client, tenant, date(2027, 1, 1))
    cases = [
        (date(2026, 12, 31), date(2027, 2, 1), "starts_on"),
        (date(2027, 1, 5), date(2027, 7, 2), "due_on"),
        (date(2027, 3, 5), date(2027, 3, 4), "due_on"),
    ]
    for starts, due, field in cases:
        response = call(
            client,
            tenant,
            "POST",
            f"/plans/{plan['id']}/actions",
            action("Course", "training", starts, due),
            1,
        )
        assert (response.status_code, response.json()["errors"][0]["field"]) == (422, field)
    last_day = call(
        client,
        tenant,
        "POST",
        f"/plans/{plan['id']}/actions",
        action("Course", "training", date(2027, 1, 1), date(2027, 7, 1)),
        1,
    )
    assert last_day.status_code == 201


def test_submission_lists_what_is_missing_and_early_investment_warns(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    finding = make_plan_ready(session, tenant)
    plan = open_plan(client, tenant, date(2027, 1, 1))
    machine = action("New oven", "investment", date(2027, 2, 1), date(2027, 3, 1))
    assert (
        call(client, tenant, "POST", f"/plans/{plan['id']}/actions", machine, 1).status_code == 201
    )
    refused = call(client, tenant, "POST", f"/plans/{plan['id']}/transitions/submit", None, 2)
    assert refused.status_code == 409
    assert refused.json()["blocked_by"] == [
        "the plan of Alpha supplier has no training or technical assistance action",
        "1 major finding has no action addressing it: Orders are planned on paper, weekly.",
    ]
    read = call(client, tenant, "GET", f"/plans/{plan['id']}").json()
    assert read["warnings"] == [
        "investment action 'New oven' starts in the plan's first two months; "
        "capital investment usually comes after training and assistance"
    ]
    course = action(
        "Production planning",
        "technical_assistance",
        date(2027, 1, 5),
        date(2027, 4, 30),
        finding_ids=[str(finding.id)],
    )
    assert (
        call(client, tenant, "POST", f"/plans/{plan['id']}/actions", course, 2).status_code == 201
    )
    submitted = call(client, tenant, "POST", f"/plans/{plan['id']}/transitions/submit", None, 3)
    assert (submitted.status_code, submitted.json()["state"]) == (200, "submitted")


def submitted_plan(client: TestClient, tenant: Tenant, starts_on: date) -> dict[str, Any]:
    plan = open_plan(client, tenant, starts_on)
    assert tenant.analysis is not None
    finding_ids = [
        f["id"]
        for f in call(client, tenant, "GET", f"/analyses/{tenant.analysis.id}").json()["findings"]
    ]
    course = action(
        "Production planning",
        "training",
        starts_on,
        starts_on + timedelta(days=60),
        finding_ids=finding_ids,
        provider_id=str(tenant.organizations[OrganizationKind.provider].id),
    )
    added = call(client, tenant, "POST", f"/plans/{plan['id']}/actions", course, 1)
    assert added.status_code == 201, added.text
    submitted = call(client, tenant, "POST", f"/plans/{plan['id']}/transitions/submit", None, 2)
    assert submitted.status_code == 200, submitted.text
    return submitted.json()  # type: ignore[no-any-return]


def test_approval_needs_the_broker_the_buyer_and_the_supplier(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    make_plan_ready(session, tenant)
    plan = submitted_plan(client, tenant, date(2027, 1, 1))
    path = f"/plans/{plan['id']}/approvals"
    by_broker = call(client, tenant, "POST", path, None, 3)
    assert (by_broker.json()["state"], by_broker.json()["approvals"]) == ("submitted", ["broker"])
    assert call(client, tenant, "POST", path, None, 4).status_code == 409
    assert call(client, tenant, "POST", path, None, 4, Role.provider).status_code == 404
    assert call(client, tenant, "POST", path, None, 4, Role.observer).status_code == 404
    by_buyer = call(client, tenant, "POST", path, None, 4, Role.buyer)
    assert by_buyer.json()["approvals"] == ["broker", "buyer"]
    by_supplier = call(client, tenant, "POST", path, None, 5, Role.supplier)
    assert (by_supplier.json()["state"], by_supplier.json()["version"]) == ("approved", 6)


def test_the_provider_sees_and_reports_only_the_actions_it_delivers(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    make_plan_ready(session, tenant)
    plan = submitted_plan(client, tenant, date(2027, 1, 1))
    action_id = plan["actions"][0]["id"]
    assert (
        call(client, tenant, "GET", f"/plans/{plan['id']}", role=Role.provider).status_code == 404
    )
    seen = call(client, tenant, "GET", f"/actions/{action_id}", role=Role.provider)
    assert (seen.status_code, seen.json()["title"]) == (200, "Production planning")
    reported = call(
        client,
        tenant,
        "PATCH",
        f"/actions/{action_id}",
        {"status": "in_progress", "progress": 40},
        1,
        Role.provider,
    )
    assert (reported.status_code, reported.json()["progress"], reported.json()["version"]) == (
        200,
        40,
        2,
    )
    cancel = call(client, tenant, "PATCH", f"/actions/{action_id}", {"status": "cancelled"}, 2)
    assert (cancel.status_code, cancel.json()["errors"][0]["field"]) == (422, "cancel_reason")
    back = call(client, tenant, "PATCH", f"/actions/{action_id}", {"status": "planned"}, 2)
    assert back.status_code == 409


def test_a_draft_plan_moves_only_while_its_actions_still_fit(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    make_plan_ready(session, tenant)
    plan = open_plan(client, tenant, date(2027, 1, 1))
    course = action("Course", "training", date(2027, 1, 10), date(2027, 2, 28))
    assert (
        call(client, tenant, "POST", f"/plans/{plan['id']}/actions", course, 1).status_code == 201
    )
    stranded = call(
        client, tenant, "PATCH", f"/plans/{plan['id']}", {"starts_on": "2027-02-01", "months": 6}, 2
    )
    assert (stranded.status_code, stranded.json()["errors"][0]["field"]) == (409, "starts_on")
    moved = call(
        client, tenant, "PATCH", f"/plans/{plan['id']}", {"starts_on": "2027-01-05", "months": 7}, 2
    )
    assert (moved.status_code, moved.json()["ends_on"], moved.json()["version"]) == (
        200,
        "2027-08-05",
        3,
    )


def test_a_review_is_recorded_once_held_and_only_on_a_started_plan(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    make_plan_ready(session, tenant)
    plan = submitted_plan(client, tenant, date(2026, 1, 1))
    review = {"held_on": "2026-02-01", "notes": "First month."}
    early = call(client, tenant, "POST", f"/plans/{plan['id']}/reviews", review, 3)
    assert early.status_code == 409
    version = 3
    for role in (Role.broker, Role.buyer, Role.supplier):
        approved = call(
            client, tenant, "POST", f"/plans/{plan['id']}/approvals", None, version, role
        )
        version = approved.json()["version"]
    assert approved.json()["state"] == "approved"
    started = call(client, tenant, "POST", f"/plans/{plan['id']}/transitions/start", None, version)
    assert started.json()["state"] == "in_progress"
    future = call(
        client,
        tenant,
        "POST",
        f"/plans/{plan['id']}/reviews",
        {**review, "held_on": "2099-01-01"},
        version + 1,
    )
    assert (future.status_code, future.json()["errors"][0]["field"]) == (422, "held_on")
    held = call(client, tenant, "POST", f"/plans/{plan['id']}/reviews", review, version + 1)
    assert (held.status_code, held.json()["held_on"]) == (201, "2026-02-01")
