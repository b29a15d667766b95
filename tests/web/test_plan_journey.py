"""Plan pages in a real Chromium: the plan journey step from an engagement that just entered
improvement_plans, the action editor's live funding total and its refusal in Spanish, and the
Gantt view on a phone."""

import re
from datetime import timedelta
from decimal import Decimal

from playwright.sync_api import Page, expect
from sqlmodel import Session, col, select

from service.accounts.models import Role
from service.audits.models import Audit, AuditPurpose
from service.engagements.models import Participation
from service.plans.models import Action, Plan, PlanApproval, Review
from service.programmes.calendar import today_in
from tests.factories import Tenant, make_plan_ready, make_tenant
from tests.web.conftest import accessible, fresh, sign_in
from tests.web.plan_steps import plans_through_ui
from workflows import AuditState, ParticipationState, PlanState


def test_plans_are_drafted_approved_by_every_party_started_and_reviewed_through_the_pages(
    page: Page, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    make_plan_ready(session, tenant)
    assert tenant.engagement is not None
    plans = plans_through_ui(
        page,
        tenant.engagement.id,
        broker_email="broker@alpha.test",
        buyer_email="buyer@alpha.test",
        supplier_emails={"Alpha supplier": "supplier@alpha.test"},
    )
    assert sorted(plans) == ["Alpha buyer", "Alpha supplier"]
    fresh(session)
    rows = session.exec(select(Plan).order_by(col(Plan.created_at))).all()
    assert [(row.organization_id, row.state) for row in rows] == [
        (tenant.organizations["supplier"].id, PlanState.in_progress),  # type: ignore[index]
        (tenant.organizations["buyer"].id, PlanState.in_progress),  # type: ignore[index]
    ]
    approvals = session.exec(select(PlanApproval)).all()
    assert sorted((a.plan_id == rows[0].id, a.party.value) for a in approvals) == [
        (False, "broker"), (False, "buyer"),
        (True, "broker"), (True, "buyer"), (True, "supplier"),
    ]  # fmt: skip
    review = session.exec(select(Review)).one()
    assert (review.plan_id, review.notes) == (rows[0].id, "Course started; attendance is good.")
    assert sorted(a.progress for a in session.exec(select(Action)).all()) == [0, 20]
    participation = session.exec(select(Participation)).one()
    assert participation.state == ParticipationState.implementing


def test_the_action_editor_totals_the_shares_live_and_shows_the_refusal_in_spanish(
    page: Page, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    make_plan_ready(session, tenant)
    assert tenant.engagement is not None
    sign_in(page, "broker@alpha.test", next_path=f"/engagements/{tenant.engagement.id}/plans")
    page.get_by_role("button", name="Español").click()
    page.get_by_label("Empieza el").fill("2027-01-01")
    page.get_by_role("button", name="Abrir el plan").click()
    page.get_by_role("link", name="Agregar una acción").click()
    page.get_by_label("Título").fill("Curso de planificación")
    page.get_by_label("Empieza el").fill("2027-01-10")
    page.get_by_label("Vence el").fill("2027-03-31")
    page.get_by_label("Costo estimado").fill("900")
    page.get_by_label("La empresa", exact=True).fill("40")
    page.get_by_label("El programa", exact=True).fill("50")
    expect(page.locator("#funding-total")).to_have_text("90")
    expect(page.locator("#funding-total")).to_have_class("off")
    page.get_by_role("button", name="Agregar la acción").click()
    expect(page.locator("#funding-error")).to_have_text(
        "las partes de financiamiento de la acción 'Curso de planificación' suman 90 %, no 100 %"
    )
    expect(page.get_by_label("Título")).to_have_value("Curso de planificación")
    expect(page.get_by_label("El programa", exact=True)).to_have_value("50")
    accessible(page)
    page.get_by_label("El programa", exact=True).fill("60")
    expect(page.locator("#funding-total")).to_have_text("100")
    page.get_by_role("button", name="Agregar la acción").click()
    expect(page.locator("table.actions")).to_contain_text("Curso de planificación")
    expect(page.locator("table.actions")).to_contain_text("por licitar")
    accessible(page)


def test_the_gantt_view_marks_today_and_late_actions_and_scrolls_inside_a_phone(
    page: Page, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    make_plan_ready(session, tenant)
    assert tenant.engagement is not None
    assert tenant.participation is not None
    today = today_in(session, tenant.programme.id)
    plan = Plan(
        programme_id=tenant.programme.id, engagement_id=tenant.engagement.id,
        participation_id=tenant.participation.id,
        organization_id=tenant.participation.supplier_id,
        starts_on=today - timedelta(days=70), state=PlanState.in_progress,
        created_by=tenant.users[Role.broker].id,
    )  # fmt: skip
    session.add(plan)
    session.flush()
    for title, start, due in (("Late course", -60, -10), ("Kanban coaching", -5, 50)):
        session.add(
            Action(programme_id=tenant.programme.id, plan_id=plan.id, category="training",
                   title=title, starts_on=today + timedelta(days=start),
                   due_on=today + timedelta(days=due))
        )  # fmt: skip
    session.commit()
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in(page, "broker@alpha.test", next_path=f"/plans/{plan.id}/gantt")
    expect(page.locator(".gantt-row.late")).to_have_count(1)
    expect(page.locator(".gantt-row.late .gantt-label")).to_contain_text("Late course")
    expect(page.locator(".gantt-today")).to_have_count(2)
    expect(page.locator(".gantt-month")).to_have_count(6)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.evaluate("document.querySelector('.gantt-wrap').scrollWidth") > 360
    accessible(page)


def under_way(session: Session, state: PlanState) -> tuple[Tenant, Plan, Action]:
    """A supplier plan in `state` that began 200 days ago, with one training action."""
    tenant = make_tenant(session, "Alpha")
    make_plan_ready(session, tenant)
    assert tenant.engagement is not None
    assert tenant.participation is not None
    today = today_in(session, tenant.programme.id)
    plan = Plan(
        programme_id=tenant.programme.id, engagement_id=tenant.engagement.id,
        participation_id=tenant.participation.id,
        organization_id=tenant.participation.supplier_id,
        starts_on=today - timedelta(days=200), state=state,
        created_by=tenant.users[Role.broker].id,
    )  # fmt: skip
    session.add(plan)
    session.flush()
    action = Action(
        programme_id=tenant.programme.id, plan_id=plan.id, category="training",
        title="Production planning course", starts_on=plan.starts_on,
        due_on=plan.starts_on + timedelta(days=90), estimated_cost=Decimal("800.00"),
    )  # fmt: skip
    session.add(action)
    session.commit()
    return tenant, plan, action


def test_a_stale_progress_report_keeps_the_input_and_shows_the_saved_values(
    page: Page, session: Session
) -> None:
    _tenant, _plan, action = under_way(session, PlanState.in_progress)
    sign_in(page, "broker@alpha.test", next_path=f"/actions/{action.id}")
    other = page.context.new_page()
    other.goto(f"/actions/{action.id}")
    other.get_by_label("Progress (percent)").fill("35")
    other.get_by_role("button", name="Save").click()
    expect(other.locator("table.actions")).to_contain_text("35 %")
    page.get_by_label("Progress (percent)").fill("80")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#changed")).to_contain_text("35 %")
    expect(page.get_by_label("Progress (percent)")).to_have_value("80")
    accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("table.actions")).to_contain_text("80 %")
    fresh(session)
    assert session.get(Action, action.id).progress == 80  # type: ignore[union-attr]


def test_final_kpis_are_recorded_against_baseline_and_the_plan_is_closed(
    page: Page, session: Session
) -> None:
    tenant, plan, _action = under_way(session, PlanState.final_review)
    assert tenant.participation is not None
    session.add(
        Audit(programme_id=tenant.programme.id, engagement_id=plan.engagement_id,
              participation_id=tenant.participation.id, organization_id=plan.organization_id,
              template_id="supplier-evaluation", template_version=1,
              purpose=AuditPurpose.final, state=AuditState.reviewed,
              created_by=tenant.users[Role.broker].id)
    )  # fmt: skip
    session.commit()
    sign_in(page, "broker@alpha.test", next_path=f"/plans/{plan.id}")
    expect(page.locator("section[aria-labelledby=steps-heading] .reasons")).to_contain_text(
        "1 KPI has a baseline but no final value: lead_time"
    )
    accessible(page)
    page.get_by_label("Lead time (days)").fill("9")
    page.get_by_label("Measured on").fill(today_in(session, tenant.programme.id).isoformat())
    page.get_by_role("button", name="Record the final values").click()
    expect(page.locator("section[aria-labelledby=kpis] tbody tr")).to_have_text(
        re.compile(r"Lead time \(days\)\s*14\s*—\s*—\s*9")
    )
    page.get_by_role("button", name="Close the plan").click()
    expect(page.locator("#plan-state")).to_have_text("Closed")
    accessible(page)
    fresh(session)
    assert session.get(Plan, plan.id).state == PlanState.closed  # type: ignore[union-attr]
