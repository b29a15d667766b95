"""A programme ready for a tender: a supplier's plan with two "to be tendered" training
actions, three registered providers with a user each, a second broker, and helpers to run
the tender through the API and to move its clock (the deadline or the standstill) into the
past, as the server's clock would."""

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, col

from service.accounts.models import Role
from service.plans.models import Action, ActionCategory, FundingShare, Payer, Plan
from service.programmes.models import Organization, OrganizationKind
from service.providers.models import ProviderProfile, Qualification
from service.tenders.models import Tender
from service.types import utcnow
from tests.factories import Tenant, make_engagement, make_tenant, make_token, make_user

API = "/api/v1"


@dataclass
class TenderWorld:
    tenant: Tenant
    plan: Plan
    actions: list[Action]
    providers: list[Organization]
    provider_tokens: list[str]
    provider_users: list[uuid.UUID]
    second_broker_token: str
    second_broker_id: uuid.UUID
    extra: dict[str, Any] = field(default_factory=dict)

    def headers(self, role: Role) -> dict[str, str]:
        return self.tenant.headers(role)

    def bidder(self, n: int) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.provider_tokens[n]}"}


def make_tender_world(session: Session, name: str = "Tendering", providers: int = 3) -> TenderWorld:
    tenant = make_tenant(session, name)
    tenant.engagement = make_engagement(session, tenant)
    supplier = tenant.organizations[OrganizationKind.supplier]
    plan = Plan(
        programme_id=tenant.programme.id,
        engagement_id=tenant.engagement.id,
        organization_id=supplier.id,
        starts_on=date(2027, 1, 1),
        created_by=tenant.users[Role.broker].id,
    )
    session.add(plan)
    session.flush()
    actions = []
    for title, cost in (("Lean basics course", "3000.00"), ("Quality circles course", "1000.00")):
        action = Action(
            programme_id=tenant.programme.id,
            plan_id=plan.id,
            category=ActionCategory.training,
            title=title,
            starts_on=date(2027, 2, 1),
            due_on=date(2027, 4, 30),
            estimated_cost=Decimal(cost),
        )
        session.add(action)
        session.flush()
        session.add_all(
            [
                FundingShare(
                    action_id=action.id, position=0, payer=Payer.firm, percent=Decimal(40)
                ),
                FundingShare(
                    action_id=action.id, position=1, payer=Payer.donor, percent=Decimal(60)
                ),
            ]
        )
        actions.append(action)
    orgs, tokens, users = [], [], []
    for n in range(providers):
        org = Organization(
            programme_id=tenant.programme.id,
            name=f"Consultora {n + 1}",
            kind=OrganizationKind.provider,
        )
        session.add(org)
        session.flush()
        session.add(
            ProviderProfile(
                organization_id=org.id, programme_id=tenant.programme.id, categories=["training"]
            )
        )
        session.add(
            Qualification(
                programme_id=tenant.programme.id,
                organization_id=org.id,
                name="ISO 9001 lead auditor",
                expires_on=date.today() + timedelta(days=365),
            )
        )
        user = make_user(session, f"bidder{n}@{name.lower()}.test", org, Role.provider)
        orgs.append(org)
        tokens.append(make_token(session, user))
        users.append(user.id)
    unit = tenant.organizations[OrganizationKind.unit]
    broker2 = make_user(session, f"broker2@{name.lower()}.test", unit, Role.broker)
    token2 = make_token(session, broker2)
    session.commit()
    return TenderWorld(tenant, plan, actions, orgs, tokens, users, token2, broker2.id)


def tender_body(title: str = "Training call 2027") -> dict[str, Any]:
    now = utcnow()
    return {
        "title": title,
        "description": "Training for the suppliers of the Tendering programme.",
        "deadline_at": (now + timedelta(days=10)).isoformat(),
        "clarification_ends_at": (now + timedelta(days=5)).isoformat(),
        "open_to_all": True,
        "criteria": [
            {"key": "price", "name": "Price", "weight": 40, "price": True},
            {"key": "approach", "name": "Approach", "weight": 35},
            {"key": "team", "name": "Team", "weight": 25},
        ],
    }


def lot_body(world: TenderWorld) -> dict[str, Any]:
    return {
        "title": "Lot 1: lean and quality training",
        "category": "training",
        "scope": "Two courses for the supplier's production staff.",
        "deliverables": "Course material, attendance lists, a final test.",
        "starts_on": "2027-02-01",
        "due_on": "2027-04-30",
        "budget_ceiling": "9000.00",
        "qualifications": ["ISO 9001 lead auditor"],
        "action_ids": [str(action.id) for action in world.actions],
    }


def bid_body(price: str, text: str) -> dict[str, Any]:
    return {
        "price": price,
        "approach": f"Approach {text}",
        "team": f"Team {text}",
        "starts_on": "2027-02-01",
        "duration_days": 60,
        "attachments": [
            {"title": f"CV {text}", "url": f"https://example.org/{text.replace(' ', '-')}.pdf"}
        ],
    }


def published_tender(client: TestClient, world: TenderWorld) -> tuple[dict[str, Any], str]:
    """A published tender with one lot holding both actions; returns it and its lot id."""
    admin = world.headers(Role.admin)
    created = client.post(f"{API}/tenders", json=tender_body(), headers=admin)
    assert created.status_code == 201, created.text
    tender = created.json()
    lot = client.post(f"{API}/tenders/{tender['id']}/lots", json=lot_body(world), headers=admin)
    assert lot.status_code == 201, lot.text
    published = client.post(
        f"{API}/tenders/{tender['id']}/transitions/publish",
        headers={**admin, "If-Match": f'"{tender["version"]}"'},
    )
    assert published.status_code == 200, published.text
    return published.json(), lot.json()["id"]


def pass_deadline(session: Session, tender_id: str, seconds: int = 1) -> None:
    """Move the deadline into the past, as if the server's clock had reached it."""
    session.rollback()
    session.execute(
        update(Tender)
        .where(col(Tender.id) == uuid.UUID(tender_id))
        .values(deadline_at=utcnow() - timedelta(seconds=seconds))
    )
    session.commit()


def pass_standstill(session: Session, tender_id: str) -> None:
    session.rollback()
    session.execute(
        update(Tender)
        .where(col(Tender.id) == uuid.UUID(tender_id))
        .values(standstill_ends_at=utcnow() - timedelta(seconds=1))
    )
    session.commit()
