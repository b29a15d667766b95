"""Who sees which plan: the statement `visible_plans` and the plan triggers a client fires."""

from sqlmodel import Session

from service.accounts.models import Role
from service.plans.access import visible_plans
from service.plans.models import Plan, PlanTrigger
from tests.factories import make_plan, make_plan_ready, make_tenant
from workflows.plan import TRANSITIONS


def test_plan_triggers_are_the_plan_machine_s_but_those_use_cases_fire() -> None:
    assert [trigger.value for trigger in PlanTrigger] == [
        "submit",
        "return_to_draft",
        "start",
        "finish",
        "close",
    ]
    fired_by_use_cases = {"approve", "cancel"}  # the last approval; a dropped supplier
    assert {t.value for t in PlanTrigger} | fired_by_use_cases == {
        row["trigger"] for row in TRANSITIONS
    }


def test_visible_plans_are_the_programme_s_for_the_unit_and_buyer_and_its_own_for_a_supplier(
    session: Session,
) -> None:
    alpha = make_tenant(session, "Alpha")
    make_plan_ready(session, alpha)
    supplier_plan, _action = make_plan(session, alpha)
    assert alpha.engagement is not None
    buyer_plan = Plan(
        programme_id=alpha.programme.id,
        engagement_id=alpha.engagement.id,
        organization_id=alpha.engagement.buyer_id,
        starts_on=supplier_plan.starts_on,
        created_by=alpha.users[Role.broker].id,
    )
    session.add(buyer_plan)
    session.commit()
    beta = make_tenant(session, "Beta")
    make_plan_ready(session, beta)
    make_plan(session, beta)
    both = {supplier_plan.id, buyer_plan.id}
    expected = {
        Role.admin: both,
        Role.broker: both,
        Role.buyer: both,
        Role.supplier: {supplier_plan.id},
        Role.provider: set(),
        Role.observer: set(),
    }
    for role, ids in expected.items():
        seen = {plan.id for plan in session.exec(visible_plans(alpha.users[role])).all()}
        assert seen == ids, role
