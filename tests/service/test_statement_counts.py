"""Plan and tracking reads issue the same number of SQL statements however many actions,
shares and reviews there are: no query per row."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session

from service.accounts.models import Role
from service.plans.models import Action, ActionCategory, FundingShare, Payer, Plan, Review
from tests.factories import Tenant, make_tenant
from tests.service.test_tracking import plan_under_way


@contextmanager
def counting(engine: sa.Engine) -> Iterator[list[str]]:
    """The SQL statements the engine runs inside the block."""
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def grow(session: Session, tenant: Tenant, plan: Plan, count: int) -> None:
    """More actions, each with two funding shares, and more reviews."""
    for number in range(count):
        action = Action(
            programme_id=tenant.programme.id,
            plan_id=plan.id,
            category=ActionCategory.process_improvement,
            title=f"Extra action {number}",
            starts_on=plan.starts_on,
            due_on=plan.starts_on + timedelta(days=30 + number),
            estimated_cost=Decimal("100.00"),
        )
        session.add(action)
        session.flush()
        session.add(FundingShare(action_id=action.id, payer=Payer.firm, percent=Decimal(50)))
        session.add(
            FundingShare(action_id=action.id, payer=Payer.buyer, percent=Decimal(50), position=1)
        )
        session.add(
            Review(
                plan_id=plan.id,
                held_on=plan.starts_on + timedelta(days=7 * number + 1),
                broker_id=tenant.users[Role.broker].id,
                notes=f"Review {number}",
                progress={str(action.id): 10},
            )
        )
    session.commit()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/engagements/{engagement}/plans",
        "/api/v1/plans/{plan}",
        "/api/v1/engagements/{engagement}/timeline",
        "/api/v1/engagements/{engagement}/costs",
        "/api/v1/tracking/overdue-actions",
        "/api/v1/tracking/missed-reviews",
    ],
)
def test_reads_do_not_grow_with_the_rows(
    client: TestClient, session: Session, engine: sa.Engine, path: str
) -> None:
    tenant = make_tenant(session, "Alpha")
    plan, _today, _actions = plan_under_way(session, tenant)
    assert tenant.engagement is not None
    url = path.format(engagement=tenant.engagement.id, plan=plan.id)
    headers = tenant.headers(Role.broker)
    client.get(url, headers=headers)  # warm caches (templates, catalogue) before counting
    with counting(engine) as few:
        assert client.get(url, headers=headers).status_code == 200
    grow(session, tenant, plan, 6)
    with counting(engine) as many:
        assert client.get(url, headers=headers).status_code == 200
    assert len(many) == len(few), "\n".join(many)
