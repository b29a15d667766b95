"""A supplier dropped mid-plan settles its plan: the plan and its open actions are cancelled,
their planned cost released and their actual cost kept, and it leaves tracking and the
monthly report's late list."""

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from service.engagements.models import Engagement, Participation
from service.plans.models import Action, Plan
from service.programmes.models import Organization
from tests.service.test_reports import BROKER, headers, issue, text_of
from tests.snapshots import demo_loaded
from workflows import Phase, PlanState
from workflows.plan_health import ActionStatus

API = "/api/v1"
FIRM = "Zapatería La Esperanza"


@pytest.fixture
def demo(engine: Engine, session: Session) -> Session:
    demo_loaded(engine)
    session.rollback()
    return session


def _drop(client: TestClient, session: Session) -> tuple[Engagement, Plan]:
    engagement = session.exec(
        select(Engagement).where(Engagement.phase == Phase.improvement_plans)
    ).one()
    firm = session.exec(select(Organization).where(Organization.name == FIRM)).one()
    participation = session.exec(
        select(Participation).where(Participation.supplier_id == firm.id)
    ).one()
    url = f"{API}/engagements/{engagement.id}/participations/{participation.id}/transitions/drop"
    response = client.post(
        url,
        json={"reason": "closed its workshop"},
        headers={**headers(BROKER), "If-Match": f'"{participation.version}"'},
    )
    assert response.status_code == 200, response.text
    session.rollback()
    plan = session.exec(select(Plan).where(Plan.organization_id == firm.id)).one()
    return engagement, plan


def _firms_in(client: TestClient, path: str) -> set[str]:
    body = client.get(f"{API}/tracking/{path}", headers=headers(BROKER)).json()
    items = body["items"] if isinstance(body, dict) else body
    return {item["firm"] for item in items}


def test_a_dropped_supplier_leaves_overdue_actions_and_missed_reviews(
    client: TestClient, demo: Session
) -> None:
    assert FIRM in _firms_in(client, "overdue-actions")
    _drop(client, demo)
    assert FIRM not in _firms_in(client, "overdue-actions")
    assert FIRM not in _firms_in(client, "missed-reviews")


def test_a_dropped_suppliers_plan_is_cancelled_with_its_open_actions(
    client: TestClient, demo: Session
) -> None:
    engagement = demo.exec(
        select(Engagement).where(Engagement.phase == Phase.improvement_plans)
    ).one()
    before = client.get(f"{API}/engagements/{engagement.id}/costs", headers=headers(BROKER))
    _engagement, plan = _drop(client, demo)
    actions = demo.exec(select(Action).where(Action.plan_id == plan.id)).all()
    assert plan.state == PlanState.cancelled
    assert {a.status for a in actions} <= {ActionStatus.done, ActionStatus.cancelled}
    released = sum(
        (a.estimated_cost for a in actions if a.cancel_reason and "dropped" in a.cancel_reason),
        Decimal(0),
    )
    after = client.get(f"{API}/engagements/{engagement.id}/costs", headers=headers(BROKER))
    planned = Decimal(before.json()["planned"]) - Decimal(after.json()["planned"])
    assert released > 0
    assert planned == released
    assert after.json()["actual"] == before.json()["actual"]


def test_the_monthly_report_shows_a_dropped_suppliers_plan_as_cancelled_not_late(
    client: TestClient, demo: Session
) -> None:
    engagement, _plan = _drop(client, demo)
    response = issue(client, BROKER, "monthly", engagement.id, "en")
    pdf = client.get(f"{API}/reports/{response.json()['id']}/pdf", headers=headers(BROKER))
    text, _pages = text_of(pdf.content)
    assert f"{FIRM} Cancelled" in text
    section = text.split(f"{FIRM} Cancelled · ")[1].split("Calzado Centroamericano S.A.")[0]
    assert "Late actions" not in section
