"""An idempotent replay of a child's creation answers the same headers as the first response,
the parent's new version (Parent-ETag) among them."""

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from service.accounts.models import Role
from service.plans.models import Action, Plan
from tests.factories import make_plan, make_plan_ready, make_tenant

ACTION = {
    "category": "training",
    "title": "Course on 5S",
    "starts_on": "2027-01-10",
    "due_on": "2027-03-31",
    "estimated_cost": "100.00",
    "funding": [{"payer": "programme", "percent": "100"}],
}


def test_a_replayed_action_creation_carries_the_parent_etag_of_the_first_response(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Replays")
    make_plan_ready(session, tenant)
    plan, _action = make_plan(session, tenant)
    version = plan.version
    headers = {
        **tenant.headers(Role.broker),
        "If-Match": f'"{version}"',
        "Idempotency-Key": "add-5s-course",
    }
    first = client.post(f"/api/v1/plans/{plan.id}/actions", json=ACTION, headers=headers)
    second = client.post(f"/api/v1/plans/{plan.id}/actions", json=ACTION, headers=headers)
    assert first.status_code == second.status_code == 201, first.text
    assert first.headers["Parent-ETag"] == f'"{version + 1}"'
    assert second.headers["Parent-ETag"] == first.headers["Parent-ETag"]
    assert second.headers["ETag"] == first.headers["ETag"] == '"1"'
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert second.json() == first.json()
    session.rollback()
    session.expire_all()
    stored = session.get(Plan, plan.id)
    assert stored is not None
    assert stored.version == version + 1
    count = select(func.count()).select_from(Action).where(Action.title == ACTION["title"])
    assert session.exec(count).one() == 1
