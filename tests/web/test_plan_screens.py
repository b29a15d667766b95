"""The plan pages at 1280 px and 360 px, in English and Spanish: nothing wider than a phone's
screen, axe-core clean, and a screenshot of each kept for people to look at."""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from sqlmodel import Session

from service.accounts.models import Role
from service.plans.models import (
    Action,
    ActionCategory,
    ActionStatus,
    FundingShare,
    Party,
    Payer,
    Plan,
    PlanApproval,
    Review,
)
from service.programmes.calendar import today_in
from service.programmes.models import OrganizationKind
from tests.factories import PASSWORD, Tenant, make_plan_ready, make_tenant
from tests.web.conftest import accessible
from workflows import PlanState

SHOTS = Path(os.environ.get("SUPPLIERDEV_PLAN_SHOTS", "/tmp/shots-webplans"))
PAGES = {
    "plans": "/engagements/{engagement}/plans",
    "plan": "/plans/{plan}",
    "plan-gantt": "/plans/{plan}/gantt",
    "plan-action-new": "/plans/{plan}/actions/new",
    "plan-action": "/actions/{action}",
    "plan-review": "/plans/{plan}/review",
    "plan-draft": "/plans/{draft}",
}


def plan_under_way(session: Session, tenant: Tenant) -> tuple[Plan, Action]:
    """A supplier's plan in its third month: a done course, a late assistance, an action to be
    tendered, approvals of every party and a review two months ago."""
    assert tenant.engagement is not None
    assert tenant.participation is not None
    today = today_in(session, tenant.programme.id)
    plan = Plan(
        programme_id=tenant.programme.id, engagement_id=tenant.engagement.id,
        participation_id=tenant.participation.id,
        organization_id=tenant.participation.supplier_id,
        starts_on=today - timedelta(days=75), state=PlanState.in_progress,
        created_by=tenant.users[Role.broker].id,
    )  # fmt: skip
    session.add(plan)
    session.flush()
    provider = tenant.organizations[OrganizationKind.provider].id
    rows = [
        ("Production planning course", ActionCategory.training, provider, -70, -40,
         ActionStatus.done, 100, Decimal("1450.00")),
        ("Technical assistance on the kanban board", ActionCategory.technical_assistance,
         provider, -40, -12, ActionStatus.in_progress, 60, None),
        ("Calibrated gauges for the quality bench", ActionCategory.investment, None, 10, 80,
         ActionStatus.planned, 0, None),
    ]  # fmt: skip
    actions = []
    for title, category, provider_id, start, due, status, progress, actual in rows:
        action = Action(
            programme_id=tenant.programme.id, plan_id=plan.id, category=category, title=title,
            provider_id=provider_id, starts_on=today + timedelta(days=start),
            due_on=today + timedelta(days=due), status=status, progress=progress,
            estimated_cost=Decimal("1500.00"), actual_cost=actual,
        )  # fmt: skip
        session.add(action)
        session.flush()
        session.add_all([
            FundingShare(action_id=action.id, payer=Payer.firm, percent=Decimal(30), position=0),
            FundingShare(action_id=action.id, payer=Payer.programme, percent=Decimal(70),
                         position=1),
        ])  # fmt: skip
        actions.append(action)
    for party in Party:
        session.add(
            PlanApproval(plan_id=plan.id, party=party, user_id=tenant.users[Role.broker].id)
        )
    session.add(
        Review(plan_id=plan.id, held_on=today - timedelta(days=45), broker_id=tenant.users[Role.broker].id,
               notes="The course ended; the kanban board is being set up.",
               progress={str(actions[1].id): 60})
    )  # fmt: skip
    session.commit()
    return plan, actions[1]


@pytest.mark.parametrize("language", ["en", "es"])
def test_plan_pages_fit_a_phone_and_a_desk_in_english_and_spanish(
    browser: Browser, base_url: str, session: Session, language: str
) -> None:
    tenant = make_tenant(session, "Alpha")
    make_plan_ready(session, tenant)
    assert tenant.engagement is not None
    plan, action = plan_under_way(session, tenant)
    draft = Plan(
        programme_id=tenant.programme.id, engagement_id=tenant.engagement.id,
        organization_id=tenant.engagement.buyer_id, starts_on=plan.starts_on + timedelta(days=90),
        created_by=tenant.users[Role.broker].id,
    )  # fmt: skip
    session.add(draft)
    session.commit()
    ids = {"engagement": tenant.engagement.id, "plan": plan.id, "action": action.id,
           "draft": draft.id}  # fmt: skip
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 360):
        context = browser.new_context(
            base_url=base_url, locale=language, viewport={"width": width, "height": 800}
        )
        page = context.new_page()
        page.goto("/signin")
        page.locator("#email").fill("broker@alpha.test")
        page.locator("#password").fill(PASSWORD)
        page.locator("form[action='/signin'] button[type=submit]").click()
        page.wait_for_url("**/")
        for name, path in PAGES.items():
            answer = page.goto(path.format(**ids))
            assert answer is not None, name
            assert answer.status == 200, name
            assert page.evaluate("document.documentElement.scrollWidth") <= width, name
            accessible(page)
            page.screenshot(path=str(SHOTS / f"{name}-{width}-{language}.png"), full_page=True)
        context.close()
