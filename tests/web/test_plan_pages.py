"""Plan pages without a browser: opening a plan, the action editor's funding rule in the
user's language with the input kept, a stale action save, refused transitions with their
reasons, approvals by party, the monthly review, final KPIs and closing."""

import re
from datetime import date, timedelta
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service.accounts.models import Role
from service.analyses.models import KpiSource, KpiValue
from service.audits.models import Audit, AuditPurpose
from service.plans.models import Action, ActionStatus, FundingShare, Plan, PlanApproval, Review
from service.programmes.calendar import today_in
from tests.factories import Tenant, make_plan_ready, make_tenant
from tests.web.conftest import fresh
from workflows import AuditState, PlanState


def csrf_of(client: TestClient, url: str) -> str:
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get(url).text)
    assert match is not None
    return match.group(1)


def ready(session: Session) -> Tenant:
    tenant = make_tenant(session, "Alpha")
    make_plan_ready(session, tenant)
    return tenant


def open_supplier_plan(client: TestClient, session: Session, tenant: Tenant, start: date) -> Plan:
    assert tenant.engagement is not None
    assert tenant.participation is not None
    url = f"/engagements/{tenant.engagement.id}/plans"
    answer = client.post(
        url,
        data={"csrf": csrf_of(client, url), "firm": str(tenant.participation.id),
              "starts_on": start.isoformat(), "months": "6"},
        follow_redirects=False,
    )  # fmt: skip
    fresh(session)
    plan = session.exec(select(Plan)).one()
    assert (answer.status_code, answer.headers["location"]) == (303, f"/plans/{plan.id}")
    return plan


def action_form(plan: Plan, csrf: str, **changes: str) -> dict[str, str]:
    form = {
        "csrf": csrf, "version": str(plan.version), "category": "training",
        "title": "Production planning course", "description": "", "owner": "Marta Díaz",
        "provider_id": "", "starts_on": (plan.starts_on + timedelta(days=3)).isoformat(),
        "due_on": (plan.starts_on + timedelta(days=60)).isoformat(),
        "estimated_cost": "1500.00", "share-firm": "40", "share-programme": "60",
    }  # fmt: skip
    return {**form, **changes}


def test_funding_shares_not_adding_to_100_are_refused_in_spanish_with_the_input_kept(
    client: TestClient, session: Session
) -> None:
    tenant = ready(session)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    plan = open_supplier_plan(client, session, tenant, date(2027, 1, 1))
    url = f"/plans/{plan.id}/actions/new"
    form = action_form(plan, csrf_of(client, url), **{"share-programme": "50"})
    refused = client.post(f"/plans/{plan.id}/actions", data=form, headers={"Accept-Language": "es"})
    assert refused.status_code == 422
    assert (
        "las partes de financiamiento de la acción &#39;Production planning course&#39; "
        "suman 90 %, no 100 %" in refused.text
    )
    assert 'id="funding-error"' in refused.text
    assert 'value="Production planning course"' in refused.text
    assert 'value="50"' in refused.text
    fresh(session)
    assert session.exec(select(Action)).all() == []
    added = client.post(f"/plans/{plan.id}/actions", data=action_form(plan, form["csrf"]))
    assert added.status_code == 200  # followed to the plan page
    fresh(session)
    action = session.exec(select(Action)).one()
    shares = session.exec(select(FundingShare).order_by(FundingShare.position)).all()  # type: ignore[arg-type]
    assert (action.title, action.provider_id, action.estimated_cost) == (
        "Production planning course", None, Decimal("1500.00"),
    )  # fmt: skip
    assert [(s.payer.value, s.percent) for s in shares] == [
        ("firm", Decimal("40.00")), ("programme", Decimal("60.00")),
    ]  # fmt: skip
    assert "to be tendered" in added.text


def test_an_action_dated_outside_the_plan_is_refused_beside_its_field(
    client: TestClient, session: Session
) -> None:
    tenant = ready(session)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    plan = open_supplier_plan(client, session, tenant, date(2027, 1, 1))
    form = action_form(plan, csrf_of(client, f"/plans/{plan.id}"), due_on="2027-09-30")
    refused = client.post(f"/plans/{plan.id}/actions", data=form)
    assert refused.status_code == 422
    assert "is due after the plan ends (2027-07-01)" in refused.text
    assert 'id="due_on-error"' in refused.text
    fresh(session)
    assert session.exec(select(Action)).all() == []


def test_a_stale_action_save_keeps_the_input_and_shows_the_saved_values(
    client: TestClient, session: Session
) -> None:
    tenant = ready(session)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    plan = open_supplier_plan(client, session, tenant, date(2027, 1, 1))
    client.post(f"/plans/{plan.id}/actions", data=action_form(plan, csrf_of(client, "/")))
    fresh(session)
    action = session.exec(select(Action)).one()
    url = f"/actions/{action.id}"
    csrf = csrf_of(client, url)
    first = {"csrf": csrf, "version": "1", "status": "in_progress", "progress": "30",
             "actual_cost": "", "cancel_reason": ""}  # fmt: skip
    assert client.post(url, data=first, follow_redirects=False).status_code == 303
    stale = client.post(url, data={**first, "progress": "55"})
    assert stale.status_code == 412
    assert 'id="changed"' in stale.text
    assert "30 %" in stale.text  # the value saved meanwhile
    assert 'value="55"' in stale.text  # the user's input
    assert 'name="version" value="2"' in stale.text
    fresh(session)
    saved = session.get(Action, action.id)
    assert saved is not None
    assert (saved.progress, saved.status, saved.version) == (30, ActionStatus.in_progress, 2)


def test_submitting_a_plan_without_training_shows_the_reasons_and_changes_nothing(
    client: TestClient, session: Session
) -> None:
    tenant = ready(session)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    plan = open_supplier_plan(client, session, tenant, date(2027, 1, 1))
    page = client.get(f"/plans/{plan.id}")
    assert "has no training or technical assistance action" in page.text
    refused = client.post(
        f"/plans/{plan.id}/transitions/submit",
        data={"csrf": csrf_of(client, f"/plans/{plan.id}"), "version": str(plan.version)},
    )
    assert refused.status_code == 409
    assert 'role="alert"' in refused.text
    assert "1 major finding has no action addressing it: Orders are planned on paper" in (
        refused.text
    )
    fresh(session)
    assert session.get(Plan, plan.id).state == PlanState.draft  # type: ignore[union-attr]


def test_a_plan_is_approved_by_each_party_started_reviewed_and_closed(
    client: TestClient, session: Session
) -> None:
    tenant = ready(session)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    today = today_in(session, tenant.programme.id)
    plan = open_supplier_plan(client, session, tenant, today)
    csrf = csrf_of(client, f"/plans/{plan.id}")
    new = client.get(f"/plans/{plan.id}/actions/new").text
    finding_field = re.search(r'name="(finding-[0-9a-f-]+)"', new)
    assert finding_field is not None
    form = action_form(plan, csrf, starts_on=today.isoformat(),
                       due_on=(today + timedelta(days=20)).isoformat(),
                       **{finding_field.group(1): "1"})  # fmt: skip
    assert client.post(f"/plans/{plan.id}/actions", data=form).status_code == 200
    version = 2
    submitted = client.post(
        f"/plans/{plan.id}/transitions/submit", data={"csrf": csrf, "version": str(version)}
    )
    assert submitted.status_code == 200
    assert "Still awaited:" in submitted.text
    for role in (Role.broker, Role.buyer, Role.supplier):
        version += 1
        client.cookies.set("sd_session", tenant.tokens[role])
        approved = client.post(
            f"/plans/{plan.id}/approvals",
            data={"csrf": csrf_of(client, f"/plans/{plan.id}"), "version": str(version)},
        )
        assert approved.status_code == 200, approved.text
    version += 1
    fresh(session)
    assert session.get(Plan, plan.id).state == PlanState.approved  # type: ignore[union-attr]
    assert {a.party.value for a in session.exec(select(PlanApproval)).all()} == {
        "broker", "buyer", "supplier",
    }  # fmt: skip
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    csrf = csrf_of(client, f"/plans/{plan.id}")
    started = client.post(
        f"/plans/{plan.id}/transitions/start", data={"csrf": csrf, "version": str(version)}
    )
    assert started.status_code == 200
    action = session.exec(select(Action)).one()
    review = client.post(
        f"/plans/{plan.id}/reviews",
        data={"csrf": csrf, "version": str(version + 1), "held_on": today.isoformat(),
              "notes": "Course under way.", "next_steps": "", f"progress-{action.id}": "40",
              "kpi-lead_time": "12"},
    )  # fmt: skip
    assert review.status_code == 200
    assert "Course under way." in review.text
    fresh(session)
    assert session.exec(select(Review)).one().progress == {str(action.id): 40}
    assert session.get(Action, action.id).progress == 40  # type: ignore[union-attr]
    readings = session.exec(select(KpiValue).where(KpiValue.source == KpiSource.review)).all()
    assert [(r.kpi, r.value) for r in readings] == [("lead_time", "12")]
    # The last month is over and the final audit reviewed: the plan goes to its final review.
    row = session.get(Plan, plan.id)
    assert row is not None
    row.state = PlanState.final_review
    assert tenant.participation is not None
    session.add(row)
    session.add(
        Audit(programme_id=tenant.programme.id, engagement_id=plan.engagement_id,
              participation_id=tenant.participation.id, organization_id=plan.organization_id,
              template_id="supplier-evaluation", template_version=1,
              purpose=AuditPurpose.final, state=AuditState.reviewed,
              created_by=tenant.users[Role.broker].id)
    )  # fmt: skip
    session.commit()
    early = client.post(
        f"/plans/{plan.id}/transitions/close", data={"csrf": csrf, "version": str(version + 2)}
    )
    assert early.status_code == 409
    assert "1 KPI has a baseline but no final value: lead_time" in early.text
    finals = client.post(
        f"/plans/{plan.id}/final-kpis",
        data={"csrf": csrf, "version": str(version + 2), "final-lead_time": "9",
              "measured_on": today.isoformat()},
    )  # fmt: skip
    assert finals.status_code == 200
    closed = client.post(
        f"/plans/{plan.id}/transitions/close", data={"csrf": csrf, "version": str(version + 3)}
    )
    assert closed.status_code == 200
    fresh(session)
    assert session.get(Plan, plan.id).state == PlanState.closed  # type: ignore[union-attr]
    assert [(v.kpi, v.value) for v in session.exec(
        select(KpiValue).where(KpiValue.source == KpiSource.final)
    ).all()] == [("lead_time", "9")]  # fmt: skip


def test_an_action_added_to_a_plan_changed_meanwhile_keeps_the_input_and_lists_the_plan_now(
    client: TestClient, session: Session
) -> None:
    tenant = ready(session)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    plan = open_supplier_plan(client, session, tenant, date(2027, 1, 1))
    csrf = csrf_of(client, f"/plans/{plan.id}")
    client.post(f"/plans/{plan.id}/actions", data=action_form(plan, csrf, title="First course"))
    stale = client.post(
        f"/plans/{plan.id}/actions", data=action_form(plan, csrf, title="Quality coaching")
    )
    assert stale.status_code == 412
    assert 'id="changed"' in stale.text
    assert "<li>First course (2027-01-04 – 2027-03-02)</li>" in stale.text
    assert 'value="Quality coaching"' in stale.text
    assert 'name="version" value="2"' in stale.text
    fresh(session)
    assert [a.title for a in session.exec(select(Action)).all()] == ["First course"]


def test_a_review_dated_in_the_future_is_refused_with_the_notes_kept(
    client: TestClient, session: Session
) -> None:
    tenant = ready(session)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    today = today_in(session, tenant.programme.id)
    plan = open_supplier_plan(client, session, tenant, today - timedelta(days=40))
    row = session.get(Plan, plan.id)
    assert row is not None
    row.state = PlanState.in_progress
    session.add(row)
    session.commit()
    page = client.get(f"/plans/{plan.id}")
    assert "Missed reviews:</strong> 1 month(s) without a monthly review" in page.text
    assert "no monthly review for 1 month" in page.text
    refused = client.post(
        f"/plans/{plan.id}/reviews",
        data={"csrf": csrf_of(client, f"/plans/{plan.id}/review"), "version": str(plan.version),
              "held_on": (today + timedelta(days=2)).isoformat(), "notes": "Visit planned"},
        headers={"Accept-Language": "es"},
    )  # fmt: skip
    assert refused.status_code == 422
    assert f"una revisión se registra una vez realizada; hoy es {today}" in refused.text
    assert "Visit planned</textarea>" in refused.text
    fresh(session)
    assert session.exec(select(Review)).all() == []


def test_plan_forms_of_another_programme_or_a_firm_without_the_right_answer_404_or_403(
    client: TestClient, session: Session
) -> None:
    tenant = ready(session)
    other = make_tenant(session, "Beta")
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    plan = open_supplier_plan(client, session, tenant, date(2027, 1, 1))
    client.cookies.set("sd_session", other.tokens[Role.broker])
    foreign = client.post(f"/plans/{plan.id}/actions", data=action_form(plan, csrf_of(client, "/")))
    assert foreign.status_code == 404
    client.cookies.set("sd_session", tenant.tokens[Role.supplier])
    csrf = csrf_of(client, f"/plans/{plan.id}")
    assert client.post(
        f"/plans/{plan.id}/actions", data=action_form(plan, csrf)
    ).status_code == 404  # fmt: skip
    submitted = client.post(
        f"/plans/{plan.id}/transitions/submit", data={"csrf": csrf, "version": "1"}
    )
    assert submitted.status_code == 403
    assert "You may not do this." in submitted.text
    fresh(session)
    assert session.exec(select(Action)).all() == []
    assert session.get(Plan, plan.id).state == PlanState.draft  # type: ignore[union-attr]


def test_tracking_links_an_overdue_action_and_a_missed_review_to_their_plan(
    client: TestClient, session: Session
) -> None:
    tenant = ready(session)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    today = today_in(session, tenant.programme.id)
    plan = open_supplier_plan(client, session, tenant, today - timedelta(days=100))
    client.post(
        f"/plans/{plan.id}/actions",
        data=action_form(
            plan, csrf_of(client, "/"), due_on=(today - timedelta(days=5)).isoformat()
        ),
    )
    fresh(session)
    row = session.get(Plan, plan.id)
    assert row is not None
    row.state = PlanState.in_progress
    session.add(row)
    session.commit()
    tracking = client.get("/tracking").text
    assert f'<a href="/plans/{plan.id}#actions">Production planning course</a>' in tracking
    assert f'<a href="/plans/{plan.id}">Alpha supplier</a>' in tracking


def test_a_draft_plan_moves_but_not_so_that_an_action_falls_outside_it(
    client: TestClient, session: Session
) -> None:
    tenant = ready(session)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    plan = open_supplier_plan(client, session, tenant, date(2027, 1, 1))
    csrf = csrf_of(client, f"/plans/{plan.id}")
    client.post(f"/plans/{plan.id}/actions", data=action_form(plan, csrf))
    refused = client.post(
        f"/plans/{plan.id}/window",
        data={"csrf": csrf, "version": "2", "starts_on": "2027-02-01", "months": "6"},
    )
    assert refused.status_code == 409
    assert "would fall outside the plan (2027-02-01 to 2027-08-01)" in refused.text
    assert 'value="2027-02-01"' in refused.text
    moved = client.post(
        f"/plans/{plan.id}/window",
        data={"csrf": csrf, "version": "2", "starts_on": "2026-12-01", "months": "8"},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    fresh(session)
    row = session.get(Plan, plan.id)
    assert row is not None
    assert (row.starts_on, row.months, row.version) == (date(2026, 12, 1), 8, 3)
