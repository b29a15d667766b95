"""Action updates that protect the data: a contradiction is refused, done needs the actual
cost, and an action read can be written back unchanged."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service.accounts.models import Role
from service.history import Event
from service.plans.models import Action, Plan
from tests.factories import Tenant, make_plan, make_plan_ready, make_tenant
from workflows import PlanState


def patch(
    client: TestClient, tenant: Tenant, action: Action, body: dict[str, Any], version: int
) -> Any:
    headers = {**tenant.headers(Role.broker), "If-Match": f'"{version}"'}
    return client.patch(f"/api/v1/actions/{action.id}", json=body, headers=headers)


def planned_action(session: Session) -> tuple[Tenant, Action]:
    tenant = make_tenant(session, "Actions")
    make_plan_ready(session, tenant)
    _plan, action = make_plan(session, tenant)
    return tenant, action


def test_done_with_progress_below_100_is_refused_and_nothing_changes(
    client: TestClient, session: Session
) -> None:
    tenant, action = planned_action(session)
    response = patch(
        client, tenant, action, {"status": "done", "progress": 20, "actual_cost": "900"}, 1
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["field"], error["message"]) == (
        "progress",
        "a done action has progress 100, not 20: send progress 100 or leave it out",
    )
    session.rollback()
    stored = session.get(Action, action.id)
    assert stored is not None
    assert (stored.status, stored.progress, stored.version) == ("planned", 0, 1)


def test_done_without_an_actual_cost_is_refused_and_done_with_it_is_finished(
    client: TestClient, session: Session
) -> None:
    tenant, action = planned_action(session)
    refused = patch(client, tenant, action, {"status": "done"}, 1)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "actual_cost"
    done = patch(client, tenant, action, {"status": "done", "actual_cost": "1450.50"}, 1)
    assert done.status_code == 200
    assert {key: done.json()[key] for key in ("status", "progress", "actual_cost", "version")} == {
        "status": "done",
        "progress": 100,
        "actual_cost": "1450.50",
        "version": 2,
    }


def test_an_action_read_is_written_back_unchanged_with_its_nulls_and_nothing_is_recorded(
    client: TestClient, session: Session
) -> None:
    tenant, action = planned_action(session)
    read = client.get(f"/api/v1/actions/{action.id}", headers=tenant.headers(Role.broker)).json()
    assert (read["actual_cost"], read["cancel_reason"]) == (None, None)
    body = {key: read[key] for key in ("status", "progress", "actual_cost", "cancel_reason")}
    events = len(session.exec(select(Event)).all())
    response = patch(client, tenant, action, body, read["version"])
    assert (response.status_code, response.json()) == (200, read)
    session.rollback()
    assert len(session.exec(select(Event)).all()) == events


def test_an_unchanged_write_to_a_settled_plans_action_is_accepted_but_a_change_is_not(
    client: TestClient, session: Session
) -> None:
    tenant, action = planned_action(session)
    stored_plan = session.get(Plan, action.plan_id)
    assert stored_plan is not None
    stored_plan.state = PlanState.closed
    session.add(stored_plan)
    session.commit()
    same = patch(client, tenant, action, {"status": "planned", "progress": 0}, 1)
    assert (same.status_code, same.json()["version"]) == (200, 1)
    changed = patch(client, tenant, action, {"progress": 10}, 1)
    assert changed.status_code == 409
