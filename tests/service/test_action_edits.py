"""Editing what an action is (title, description, person responsible, category, provider,
dates, estimated cost, funding) while its plan is a draft; frozen once it is submitted."""

import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from service.accounts.models import Role
from service.history import Event
from service.plans.models import Action, FundingShare, Plan
from tests.factories import Tenant, make_plan, make_plan_ready, make_tenant
from workflows import PlanState

EDIT = {
    "title": "Lean production planning course",
    "description": "Two days on site, then coaching",
    "owner": "Ana Ruiz",
    "category": "process_improvement",
    "provider_id": None,
    "starts_on": "2027-02-01",
    "due_on": "2027-05-31",
    "estimated_cost": "2100.50",
    "funding": [
        {"payer": "firm", "organization_id": None, "percent": "60"},
        {"payer": "programme", "organization_id": None, "percent": "40"},
    ],
}
FROZEN = (
    "an action's title, description, person responsible, category, provider, dates, "
    "estimated cost and funding are frozen once its plan is submitted, because the parties "
    "approve the plan as it was submitted: return the plan to draft to change them"
)


def patch(
    client: TestClient,
    tenant: Tenant,
    action: Action,
    body: dict[str, Any],
    version: int = 1,
    role: Role = Role.broker,
    language: str = "en",
) -> Any:
    headers = {**tenant.headers(role), "If-Match": f'"{version}"', "Accept-Language": language}
    return client.patch(f"/api/v1/actions/{action.id}", json=body, headers=headers)


def draft_action(session: Session, state: PlanState = PlanState.draft) -> tuple[Tenant, Action]:
    tenant = make_tenant(session, "Edits")
    make_plan_ready(session, tenant)
    plan, action = make_plan(session, tenant)
    plan.state = state
    session.add(plan)
    session.commit()
    return tenant, action


def stored(session: Session, action: Action) -> tuple[Any, ...]:
    session.rollback()
    row = session.exec(select(Action).where(Action.id == action.id)).one()
    session.refresh(row)
    shares = session.exec(
        select(FundingShare.payer, FundingShare.percent)
        .where(FundingShare.action_id == action.id)
        .order_by(col(FundingShare.position))
    ).all()
    return row.title, str(row.due_on), row.version, [(p.value, str(v)) for p, v in shares]


def events(session: Session, trigger: str) -> list[str | None]:
    session.rollback()
    rows = session.exec(select(Event.reason).where(Event.trigger == trigger)).all()
    return list(rows)


def test_the_broker_edits_every_field_of_a_draft_plans_action_and_the_plan_records_it(
    client: TestClient, session: Session
) -> None:
    tenant, action = draft_action(session)
    response = patch(client, tenant, action, EDIT)
    assert response.status_code == 200, response.text
    body = response.json()
    assert {key: body[key] for key in EDIT} == {
        **EDIT,
        "funding": [
            {"payer": "firm", "organization_id": None, "percent": "60.00"},
            {"payer": "programme", "organization_id": None, "percent": "40.00"},
        ],
    }
    assert (body["version"], response.headers["ETag"]) == (2, '"2"')
    assert stored(session, action) == (
        "Lean production planning course",
        "2027-05-31",
        2,
        [("firm", "60.00"), ("programme", "40.00")],
    )
    assert events(session, "edit_action") == [
        "Production planning course: category process_improvement, description Two days on "
        "site, then coaching, due_on 2027-05-31, estimated_cost 2100.50, funding firm 60 %, "
        "programme 40 %, owner Ana Ruiz, provider_id None, starts_on 2027-02-01, title Lean "
        "production planning course"
    ]


def test_an_action_read_is_sent_back_whole_and_changes_nothing(
    client: TestClient, session: Session
) -> None:
    tenant, action = draft_action(session, PlanState.in_progress)
    read = client.get(f"/api/v1/actions/{action.id}", headers=tenant.headers(Role.broker)).json()
    body = {key: read[key] for key in (*EDIT, "status", "progress", "actual_cost")}
    response = patch(client, tenant, action, body)
    assert (response.status_code, response.json()) == (200, read)
    assert events(session, "edit_action") == []


def test_a_submitted_plans_action_keeps_its_title_and_funding_and_says_why_in_spanish(
    client: TestClient, session: Session
) -> None:
    tenant, action = draft_action(session, PlanState.submitted)
    response = patch(client, tenant, action, {"title": "Renamed"})
    assert response.status_code == 409
    assert response.json()["blocked_by"] == [FROZEN]
    assert response.json()["detail"] == f"{FROZEN}; the plan is submitted"
    spanish = patch(client, tenant, action, {"funding": EDIT["funding"]}, language="es")
    assert spanish.status_code == 409
    assert spanish.json()["blocked_by"] == [
        "el título, la descripción, la persona responsable, la categoría, el proveedor, las "
        "fechas, el costo estimado y la financiación de una acción quedan fijados cuando su plan "
        "se presenta, porque las partes aprueban el plan tal como se presentó: devuelva el plan "
        "a borrador para cambiarlos"
    ]
    assert stored(session, action) == (
        "Production planning course",
        "2027-03-31",
        1,
        [("programme", "100.00")],
    )


def test_progress_is_still_reported_on_a_submitted_plan(
    client: TestClient, session: Session
) -> None:
    tenant, action = draft_action(session, PlanState.submitted)
    response = patch(client, tenant, action, {"title": action.title, "progress": 10})
    assert (response.status_code, response.json()["progress"]) == (200, 10)
    assert events(session, "edit_action") == []


def test_funding_that_does_not_add_up_to_100_is_refused_in_french_and_nothing_changes(
    client: TestClient, session: Session
) -> None:
    tenant, action = draft_action(session)
    funding = [{"payer": "firm", "percent": "60"}, {"payer": "buyer", "percent": "30"}]
    response = patch(client, tenant, action, {"funding": funding}, language="fr")
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["field"], error["message"]) == (
        "funding",
        "les parts de financement de l'action 'Production planning course' totalisent 90 %, "
        "et non 100 %",
    )
    assert stored(session, action)[2:] == (1, [("programme", "100.00")])


def test_dates_moved_outside_the_plan_are_refused(client: TestClient, session: Session) -> None:
    tenant, action = draft_action(session)
    late = patch(client, tenant, action, {"due_on": "2027-07-02"})
    assert late.status_code == 422
    [error] = late.json()["errors"]
    assert (error["field"], error["message"]) == (
        "due_on",
        "action 'Production planning course' is due after the plan ends (2027-07-01)",
    )
    backwards = patch(client, tenant, action, {"starts_on": "2027-04-01"})
    assert backwards.status_code == 422
    assert backwards.json()["errors"][0]["message"] == (
        "action 'Production planning course' is due before it starts"
    )
    assert stored(session, action)[1:3] == ("2027-03-31", 1)


def test_an_unknown_provider_is_not_found(client: TestClient, session: Session) -> None:
    tenant, action = draft_action(session)
    response = patch(client, tenant, action, {"provider_id": str(uuid.uuid4())})
    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "provider_id"


def test_the_provider_reports_progress_but_may_not_edit_the_action(
    client: TestClient, session: Session
) -> None:
    tenant, action = draft_action(session)
    refused = patch(client, tenant, action, {"title": "Mine now"}, role=Role.provider)
    assert refused.status_code == 403
    reported = patch(client, tenant, action, {"progress": 5}, role=Role.provider)
    assert (reported.status_code, reported.json()["title"]) == (200, "Production planning course")


def test_a_stale_edit_is_refused_with_412(client: TestClient, session: Session) -> None:
    tenant, action = draft_action(session)
    assert patch(client, tenant, action, {"title": "First"}).status_code == 200
    stale = patch(client, tenant, action, {"title": "Second"}, version=1)
    assert stale.status_code == 412
    assert stored(session, action)[0] == "First"


def test_a_plan_returned_to_draft_opens_its_actions_again(
    client: TestClient, session: Session
) -> None:
    tenant, action = draft_action(session, PlanState.submitted)
    plan = session.get(Plan, action.plan_id)
    assert plan is not None
    headers = {**tenant.headers(Role.broker), "If-Match": f'"{plan.version}"'}
    returned = client.post(
        f"/api/v1/plans/{plan.id}/transitions/return_to_draft",
        json={"reason": "The buyer wants later dates"},
        headers=headers,
    )
    assert (returned.status_code, returned.json()["state"]) == (200, "draft")
    response = patch(client, tenant, action, {"due_on": "2027-06-30"})
    assert (response.status_code, response.json()["due_on"]) == (200, "2027-06-30")
