"""The demo's phase four: Calzado's plans under way with their health, Café completed."""

import uuid
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from service.accounts.models import ApiToken, TokenKind, User
from service.database import write_session
from service.engagements.facts import engagement_snapshot
from service.engagements.models import Engagement
from service.history import Event, EventKind
from service.plans import queries as plans
from service.plans.models import PartnershipDecision, Plan
from service.programmes.models import Organization
from service.security import new_token, token_digest
from service.types import utcnow
from tests.snapshots import demo_loaded
from workflows import Phase, apply

BROKER = "broker@demo.supplierdev.org"
CALZADO = "Calzado Centroamericano S.A."
CAFE = "Café y Cereales de Matagalpa"
RUIZ = "Taller de Calzado Hermanos Ruiz"
ESPERANZA = "Zapatería La Esperanza"


def token_for(email: str) -> dict[str, str]:
    """Authorization headers with a token minted for the demo user (as tests/fuzz/hooks.py)."""
    raw = new_token()
    with write_session() as session:
        user = session.exec(select(User).where(User.email == email)).one()
        session.add(
            ApiToken(
                user_id=user.id,
                kind=TokenKind.personal,
                name="demo test",
                token_hash=token_digest(raw),
                expires_at=utcnow() + timedelta(hours=1),
            )
        )
        session.commit()
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def names(engine: Engine, session: Session) -> dict[Any, str]:
    """The demo, loaded into the empty test database; organization names by id, as text."""
    demo_loaded(engine)
    session.rollback()
    return {str(o.id): o.name for o in session.exec(select(Organization)).all()}


def engagement_of(session: Session, buyer: str) -> Engagement:
    statement = select(Engagement).join(Organization, col(Organization.id) == Engagement.buyer_id)
    return session.exec(statement.where(Organization.name == buyer)).one()


def plans_by_firm(
    client: TestClient, session: Session, names: dict[Any, str], buyer: str
) -> dict[str, Any]:
    engagement = engagement_of(session, buyer)
    response = client.get(f"/api/v1/engagements/{engagement.id}/plans", headers=token_for(BROKER))
    assert response.status_code == 200, response.text
    return {names[plan["organization_id"]]: plan for plan in response.json()["items"]}


def test_calzado_has_plans_in_progress_for_its_two_selected_suppliers_and_its_buyer(
    client: TestClient, session: Session, names: dict[Any, str]
) -> None:
    engagement = engagement_of(session, CALZADO)
    read = client.get(f"/api/v1/engagements/{engagement.id}", headers=token_for(BROKER))
    plans_now = plans_by_firm(client, session, names, CALZADO)
    assert read.json()["phase"] == "improvement_plans"
    assert {name: plan["state"] for name, plan in plans_now.items()} == {
        RUIZ: "in_progress",
        ESPERANZA: "in_progress",
        CALZADO: "in_progress",
    }
    assert {name: plan["approvals"] for name, plan in plans_now.items()} == {
        RUIZ: ["broker", "buyer", "supplier"],
        ESPERANZA: ["broker", "buyer", "supplier"],
        CALZADO: ["broker", "buyer"],
    }


def test_calzado_moved_to_improvement_plans_with_its_transition_event(
    session: Session, names: dict[Any, str]
) -> None:
    engagement = engagement_of(session, CALZADO)
    moves = session.exec(
        select(Event.trigger, Event.from_state, Event.to_state)
        .where(
            Event.engagement_id == engagement.id,
            Event.kind == EventKind.transition,
            col(Event.participation_id).is_(None),
        )
        .order_by(col(Event.sequence))  # the order they were recorded in
    ).all()
    assert moves[-1] == ("start_plans", "improvement_analysis", "improvement_plans")


def test_calzado_plans_are_on_track_at_risk_and_off_track(
    client: TestClient, session: Session, names: dict[Any, str]
) -> None:
    plans_now = plans_by_firm(client, session, names, CALZADO)
    assert {name: plan["health"]["health"] for name, plan in plans_now.items()} == {
        RUIZ: "on_track",
        ESPERANZA: "at_risk",
        CALZADO: "off_track",
    }
    assert plans_now[ESPERANZA]["health"]["reasons"] == [
        "1 action is late: Asistencia técnica para estandarizar el corte y el pespunte",
        "progress is 18 points behind the schedule (expected 67 %, reported 49 %)",
    ]


def test_the_buyers_off_track_plan_lists_its_late_actions(
    client: TestClient, session: Session, names: dict[Any, str]
) -> None:
    health = plans_by_firm(client, session, names, CALZADO)[CALZADO]["health"]
    assert health["late_actions"] == [
        "Pronóstico de compras a tres meses compartido con los proveedores",
        "Fichas técnicas de calzado acordadas con cada proveedor",
    ]
    assert (
        health["expected_progress"],
        health["actual_progress"],
        health["months_without_review"],
    ) == (92, 58, 1)


def test_calzado_actions_are_fully_funded_in_cordobas_and_address_every_major_finding(
    client: TestClient, session: Session, names: dict[Any, str]
) -> None:
    plans_now = plans_by_firm(client, session, names, CALZADO)
    engagement = engagement_of(session, CALZADO)
    for plan in plans_now.values():
        assert plan["currency"] == "NIO"
        for action in plan["actions"]:
            assert sum(Decimal(share["percent"]) for share in action["funding"]) == 100
        row = session.get(Plan, uuid.UUID(plan["id"]))
        assert row is not None
        assert plans.snapshot(session, row, engagement).unaddressed_major_findings == ()
    tendered = [
        a["title"] for p in plans_now.values() for a in p["actions"] if not a["provider_id"]
    ]
    # Two plans start at the same moment: their order in the list is by id, so compare sorted.
    assert sorted(tendered) == [
        "Crédito de capital de trabajo para cuero y suelas",
        "Máquina de coser de poste para la línea de botas",
    ]


def test_monthly_reviews_report_the_progress_each_open_action_shows(
    client: TestClient, session: Session, names: dict[Any, str]
) -> None:
    plans_now = plans_by_firm(client, session, names, CALZADO)
    assert {name: len(plan["reviews"]) for name, plan in plans_now.items()} == {
        RUIZ: 4,
        ESPERANZA: 4,
        CALZADO: 3,
    }
    for plan in plans_now.values():
        last = {item["action_id"]: item["progress"] for item in plan["reviews"][-1]["progress"]}
        reported = {
            action["id"]: action["progress"]
            for action in plan["actions"]
            if action["status"] != "done" and action["id"] in last
        }
        assert reported == {key: last[key] for key in reported} != {}


def test_a_supplier_reads_its_own_plan_but_not_another_firms(
    client: TestClient, session: Session, names: dict[Any, str]
) -> None:
    plans_now = plans_by_firm(client, session, names, CALZADO)
    ruiz = token_for("f.ruiz@demo.supplierdev.org")
    own = client.get(f"/api/v1/plans/{plans_now[RUIZ]['id']}", headers=ruiz)
    other = client.get(f"/api/v1/plans/{plans_now[ESPERANZA]['id']}", headers=ruiz)
    demo_supplier = client.get(
        f"/api/v1/plans/{plans_now[RUIZ]['id']}", headers=token_for("supplier@demo.supplierdev.org")
    )
    assert (own.status_code, other.status_code, demo_supplier.status_code) == (200, 404, 404)
    assert own.json()["health"]["health"] == "on_track"


def test_cafe_is_completed_with_a_partner_and_a_conditional_partner(
    client: TestClient, session: Session, names: dict[Any, str]
) -> None:
    engagement = engagement_of(session, CAFE)
    headers = token_for(BROKER)
    read = client.get(f"/api/v1/engagements/{engagement.id}", headers=headers)
    tracks = client.get(f"/api/v1/engagements/{engagement.id}/participations", headers=headers)
    assert read.json()["phase"] == "completed"
    assert {p["supplier_name"]: p["state"] for p in tracks.json()["items"]} == {
        "Envases Plásticos Granada": "partner",
        "Cooperativa Maní de Chinandega": "conditional_partner",
    }


def test_cafe_decisions_carry_their_rationale_conditions_and_events(
    session: Session, names: dict[Any, str]
) -> None:
    engagement = engagement_of(session, CAFE)
    decisions = session.exec(
        select(PartnershipDecision).where(PartnershipDecision.engagement_id == engagement.id)
    ).all()
    events = session.exec(
        select(Event.kind, Event.trigger, Event.to_state).where(
            Event.engagement_id == engagement.id,
            col(Event.to_state).in_(["partner", "conditional_partner", "completed"])
            | (Event.kind == EventKind.decision),
        )
    ).all()
    assert sorted((d.outcome.value, d.conditions is not None) for d in decisions) == [
        ("conditional", True),
        ("partnership", False),
    ]
    assert all(d.rationale for d in decisions)
    assert sorted(events) == [
        ("decision", "decide_partnership", "conditional"),
        ("decision", "decide_partnership", "partnership"),
        ("transition", "complete", "completed"),
        ("transition", "record_conditional_partnership", "conditional_partner"),
        ("transition", "record_partnership", "partner"),
    ]


def test_cafe_snapshot_reports_every_plan_closed_and_every_decision_recorded(
    session: Session, names: dict[Any, str]
) -> None:
    snapshot = engagement_snapshot(session, engagement_of(session, CAFE))
    assert [(p.plan_closed, p.has_partnership_decision) for p in snapshot.participations] == [
        (True, True),
        (True, True),
    ]
    assert snapshot.buyer_plan_closed is True
    # Had it not completed yet, every condition of `complete` would hold.
    assert apply(replace(snapshot, phase=Phase.improvement_plans), "complete") == Phase.completed


def test_cafe_plans_closed_on_reviewed_final_audits_and_final_kpis(
    client: TestClient, session: Session, names: dict[Any, str]
) -> None:
    engagement = engagement_of(session, CAFE)
    plans_then = plans_by_firm(client, session, names, CAFE)
    assert {name: plan["state"] for name, plan in plans_then.items()} == {
        "Envases Plásticos Granada": "closed",
        "Cooperativa Maní de Chinandega": "closed",
        CAFE: "closed",
    }
    for plan in plans_then.values():
        row = session.get(Plan, uuid.UUID(plan["id"]))
        assert row is not None
        assert plans.ends_on(row) < plans.today_in(session, row.programme_id)
        facts = plans.snapshot(session, row, engagement)
        assert (facts.final_audit_reviewed, facts.missing_final_kpis) == (True, ())


def test_the_other_demo_engagements_keep_their_phases(
    session: Session, names: dict[Any, str]
) -> None:
    phases = {
        buyer: engagement_of(session, buyer).phase
        for buyer in ("Destilería Ron Caribe", "Lácteos Helados del Valle")
    }
    assert phases == {
        "Destilería Ron Caribe": Phase.supplier_evaluation,
        "Lácteos Helados del Valle": Phase.round_tables,
    }
