"""Tracking across plans: overdue actions, missed reviews, timelines and cost sharing."""

from datetime import date, timedelta
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlmodel import Session

from service.accounts.models import Role
from service.analyses.models import KpiSource, KpiValue
from service.plans.models import Action, ActionCategory, FundingShare, Payer, Plan, Review
from service.programmes.calendar import today_in
from service.programmes.models import OrganizationKind
from tests.factories import Tenant, make_plan_ready, make_tenant
from workflows import PlanState
from workflows.plan_health import ActionStatus, add_months

API = "/api/v1"


def plan_under_way(session: Session, tenant: Tenant) -> tuple[Plan, date, dict[str, Action]]:
    """A plan in progress for three months, with an overdue, a done and a future action,
    one review 40 days ago and a lead-time reading."""
    make_plan_ready(session, tenant)
    assert tenant.engagement is not None
    assert tenant.participation is not None
    today = today_in(session, tenant.programme.id)
    starts = add_months(today, -3)
    plan = Plan(
        programme_id=tenant.programme.id,
        engagement_id=tenant.engagement.id,
        participation_id=tenant.participation.id,
        organization_id=tenant.participation.supplier_id,
        starts_on=starts,
        state=PlanState.in_progress,
        created_by=tenant.users[Role.broker].id,
    )
    session.add(plan)
    session.flush()
    provider = tenant.organizations[OrganizationKind.provider].id
    actions = {
        "late": Action(
            programme_id=tenant.programme.id,
            plan_id=plan.id,
            category=ActionCategory.training,
            title="Planning course",
            provider_id=provider,
            starts_on=starts,
            due_on=today - timedelta(days=10),
            status=ActionStatus.in_progress,
            progress=60,
            estimated_cost=Decimal("1000.00"),
            actual_cost=Decimal("900.00"),
        ),
        "done": Action(
            programme_id=tenant.programme.id,
            plan_id=plan.id,
            category=ActionCategory.technical_assistance,
            title="Layout assistance",
            starts_on=starts,
            due_on=today - timedelta(days=20),
            status=ActionStatus.done,
            progress=100,
            estimated_cost=Decimal("500.00"),
        ),
        "future": Action(
            programme_id=tenant.programme.id,
            plan_id=plan.id,
            category=ActionCategory.investment,
            title="Packing table",
            starts_on=today,
            due_on=today + timedelta(days=30),
            estimated_cost=Decimal("300.00"),
        ),
    }
    session.add_all(actions.values())
    session.flush()
    session.add_all(
        [
            FundingShare(action_id=actions["late"].id, payer=Payer.firm, percent=Decimal(40)),
            FundingShare(action_id=actions["late"].id, payer=Payer.programme, percent=Decimal(60)),
            FundingShare(action_id=actions["done"].id, payer=Payer.buyer, percent=Decimal(100)),
            FundingShare(action_id=actions["future"].id, payer=Payer.loan, percent=Decimal(100)),
            Review(
                plan_id=plan.id,
                held_on=today - timedelta(days=40),
                broker_id=tenant.users[Role.broker].id,
                notes="Course half way.",
                progress={str(actions["late"].id): 50},
            ),
            KpiValue(
                engagement_id=tenant.engagement.id,
                organization_id=plan.organization_id,
                kpi="lead_time",
                value="11",
                measured_on=today - timedelta(days=40),
                source=KpiSource.review,
                recorded_by=tenant.users[Role.broker].id,
            ),
        ]
    )
    session.commit()
    return plan, today, actions


def get(client: TestClient, tenant: Tenant, path: str, role: Role = Role.broker, **params: str):  # type: ignore[no-untyped-def]
    return client.get(f"{API}{path}", params=params, headers=tenant.headers(role))


def test_overdue_actions_are_listed_and_filtered(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    plan, today, actions = plan_under_way(session, tenant)
    listed = get(client, tenant, "/tracking/overdue-actions").json()
    assert [(i["title"], i["days_late"], i["firm"]) for i in listed["items"]] == [
        ("Planning course", 10, "Alpha supplier"),
    ]
    assert listed["next_cursor"] is None
    provider = str(tenant.organizations[OrganizationKind.provider].id)
    broker = str(tenant.users[Role.broker].id)
    assert (
        len(get(client, tenant, "/tracking/overdue-actions", provider_id=provider).json()["items"])
        == 1
    )
    assert (
        get(client, tenant, "/tracking/overdue-actions", broker_id="not-a-uuid").status_code == 422
    )
    assert (
        len(get(client, tenant, "/tracking/overdue-actions", broker_id=broker).json()["items"]) == 1
    )
    other_buyer = str(plan.id)
    assert (
        get(client, tenant, "/tracking/overdue-actions", buyer_id=other_buyer).json()["items"] == []
    )
    for role, count in [
        (Role.provider, 1),
        (Role.supplier, 1),
        (Role.buyer, 1),
        (Role.observer, 0),
    ]:
        items = get(client, tenant, "/tracking/overdue-actions", role).json()["items"]
        assert len(items) == count, role
    assert actions["late"].due_on == today - timedelta(days=10)


def test_overdue_actions_page_by_due_date(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    plan, today, _actions = plan_under_way(session, tenant)
    for days in (30, 20, 15):
        session.add(
            Action(
                programme_id=tenant.programme.id,
                plan_id=plan.id,
                category=ActionCategory.quality_system,
                title=f"Late by {days}",
                starts_on=plan.starts_on,
                due_on=today - timedelta(days=days),
                estimated_cost=Decimal("10.00"),
            )
        )
    session.commit()
    first = get(client, tenant, "/tracking/overdue-actions", limit="3").json()
    assert [i["days_late"] for i in first["items"]] == [30, 20, 15]
    second = get(
        client, tenant, "/tracking/overdue-actions", limit="3", cursor=first["next_cursor"]
    ).json()
    assert ([i["days_late"] for i in second["items"]], second["next_cursor"]) == ([10], None)
    far = get(client, tenant, "/tracking/overdue-actions", cursor="due_on.9999999-" + "f" * 32)
    assert (far.status_code, far.json()["items"]) == (200, [])


def test_missed_reviews_count_whole_months(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    plan_under_way(session, tenant)
    rows = get(client, tenant, "/tracking/missed-reviews").json()["items"]
    # The last review was 40 days ago: at least one whole month, less than two.
    assert [(r["firm"], r["months_without_review"]) for r in rows] == [("Alpha supplier", 1)]
    assert get(client, tenant, "/tracking/missed-reviews", Role.provider).json()["items"] == []
    provider = str(tenant.organizations[OrganizationKind.provider].id)
    found = get(client, tenant, "/tracking/missed-reviews", provider_id=provider).json()
    assert len(found["items"]) == 1
    no_provider = str(tenant.organizations[OrganizationKind.supplier].id)
    none = get(client, tenant, "/tracking/missed-reviews", provider_id=no_provider).json()
    assert none == {"items": [], "next_cursor": None}


def test_the_timeline_shows_progress_and_kpis_month_by_month(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    _plan, today, _actions = plan_under_way(session, tenant)
    assert tenant.engagement is not None
    timeline = get(client, tenant, f"/engagements/{tenant.engagement.id}/timeline").json()["items"]
    assert [t["firm"] for t in timeline] == ["Alpha supplier"]
    months = timeline[0]["months"]
    assert [m["month"] for m in months] == [1, 2, 3, 4, 5, 6]
    assert months[-1]["expected_progress"] == 100
    reviewed = [m for m in months if m["reviewed_on"] is not None]
    assert [m["reviewed_on"] for m in reviewed] == [(today - timedelta(days=40)).isoformat()]
    # Only the course was reported (50 %); the other two count as 0: mean 16.67 → 17.
    assert reviewed[0]["reported_progress"] == 17
    assert timeline[0]["kpis"] == [
        {
            "kpi": "lead_time",
            "unit": "days",
            "better": "lower",
            "baseline": 14,
            "target": None,
            "values": [
                {"measured_on": "2026-10-01", "value": 14, "source": "baseline"},
                {
                    "measured_on": (today - timedelta(days=40)).isoformat(),
                    "value": 11,
                    "source": "review",
                },
            ],
        }
    ]


def test_costs_per_engagement_and_programme(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    plan_under_way(session, tenant)
    assert tenant.engagement is not None
    costs = get(client, tenant, f"/engagements/{tenant.engagement.id}/costs").json()
    # Planned: 1000 + 500 + 300; actual: the course's 900 (firm 360, programme 540).
    assert (costs["currency"], costs["planned"], costs["actual"]) == ("NIO", "1800.00", "900.00")
    assert [(r["key"], r["planned"], r["actual"]) for r in costs["by_payer"]] == [
        ("buyer", "500.00", "0.00"),
        ("firm", "400.00", "360.00"),
        ("loan", "300.00", "0.00"),
        ("programme", "600.00", "540.00"),
    ]
    names = {r["name"] for r in costs["by_organization"]}
    assert names == {"Alpha buyer", "Alpha supplier", None}
    programme = get(client, tenant, f"/programmes/{tenant.programme.id}/costs", Role.observer)
    assert (programme.status_code, programme.json()["planned"]) == (200, "1800.00")
    assert (
        get(client, tenant, f"/programmes/{tenant.programme.id}/costs", Role.buyer).status_code
        == 403
    )
