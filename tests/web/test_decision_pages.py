"""Partnership decision page: the buyer's decision on a supplier whose plan is closed, with its
rationale (and conditions), recorded by the broker or the buyer; refused before the plan is
closed, blank or stale forms keep the input; the page in a real Chromium with axe-core."""

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from service.accounts.models import Role
from service.engagements.models import Participation
from service.plans.models import Outcome, PartnershipDecision
from tests.factories import Tenant, make_engagement, make_tenant
from tests.web.conftest import accessible, fresh, sign_in
from tests.web.test_target_pages import csrf_of
from workflows import ParticipationState, Phase


def plan_closed(session: Session, state: ParticipationState = ParticipationState.closed) -> Tenant:
    tenant = make_tenant(session, "Alpha")
    tenant.engagement = make_engagement(session, tenant)
    tenant.engagement.phase = Phase.improvement_plans
    tenant.participation = session.exec(select(Participation)).one()
    tenant.participation.state = state
    session.add_all([tenant.engagement, tenant.participation])
    session.commit()
    return tenant


def decide(client: TestClient, tenant: Tenant, version: int, **fields: str) -> object:
    assert tenant.engagement is not None
    assert tenant.participation is not None
    url = f"/engagements/{tenant.engagement.id}/decisions"
    return client.post(
        f"/engagements/{tenant.engagement.id}/participations/{tenant.participation.id}/decision",
        data={"csrf": csrf_of(client, url), "version": str(version), **fields},
        follow_redirects=False,
    )


def test_the_broker_records_a_conditional_partnership(client: TestClient, session: Session) -> None:
    tenant = plan_closed(session)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    answer = decide(client, tenant, 1, outcome="conditional", conditions="ISO 9001 by June",
                    rationale="Quality improved; certification still missing")  # fmt: skip
    assert answer.status_code == 303  # type: ignore[attr-defined]
    fresh(session)
    decision = session.exec(select(PartnershipDecision)).one()
    assert (decision.outcome, decision.conditions, decision.rationale) == (
        Outcome.conditional, "ISO 9001 by June", "Quality improved; certification still missing",
    )  # fmt: skip
    participation = session.get(Participation, tenant.participation.id)  # type: ignore[union-attr]
    assert participation.state == ParticipationState.conditional_partner  # type: ignore[union-attr]
    page = client.get(f"/engagements/{tenant.engagement.id}/decisions").text  # type: ignore[union-attr]
    assert "Conditional partnership</span>" in page
    assert "recorded by Broker on" in page
    assert "<q>ISO 9001 by June</q>" in page


def test_the_buyer_records_its_own_decision(client: TestClient, session: Session) -> None:
    tenant = plan_closed(session)
    client.cookies.set("sd_session", tenant.tokens[Role.buyer])
    answer = decide(client, tenant, 1, outcome="partnership", rationale="Deliveries on time")
    assert answer.status_code == 303  # type: ignore[attr-defined]
    fresh(session)
    assert session.exec(select(PartnershipDecision.outcome)).one() == Outcome.partnership


def test_a_decision_before_the_plan_is_closed_is_refused(
    client: TestClient, session: Session
) -> None:
    tenant = plan_closed(session, ParticipationState.implementing)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    page = client.get(f"/engagements/{tenant.engagement.id}/decisions").text  # type: ignore[union-attr]
    assert "<p>No supplier's plan is closed yet.</p>" in page
    answer = decide(client, tenant, 1, outcome="declined", rationale="Too early")
    assert answer.status_code == 409  # type: ignore[attr-defined]
    assert 'role="alert"' in answer.text  # type: ignore[attr-defined]
    fresh(session)
    assert session.exec(select(PartnershipDecision)).all() == []


def test_a_blank_rationale_or_a_stale_form_keeps_the_input(
    client: TestClient, session: Session
) -> None:
    tenant = plan_closed(session)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    blank = decide(client, tenant, 1, outcome="declined", conditions="", rationale="  ")
    assert blank.status_code == 422  # type: ignore[attr-defined]
    assert 'id="rationale-' in blank.text  # type: ignore[attr-defined]
    assert "field-error" in blank.text  # type: ignore[attr-defined]
    stale = decide(client, tenant, 7, outcome="declined", rationale="My careful rationale")
    assert stale.status_code == 412  # type: ignore[attr-defined]
    assert 'id="changed"' in stale.text  # type: ignore[attr-defined]
    assert ">My careful rationale</textarea>" in stale.text  # type: ignore[attr-defined]
    fresh(session)
    assert session.exec(select(PartnershipDecision)).all() == []


def test_the_buyer_decides_in_chromium(page: Page, session: Session) -> None:
    tenant = plan_closed(session)
    assert tenant.engagement is not None
    sign_in(page, "buyer@alpha.test", next_path=f"/engagements/{tenant.engagement.id}")
    page.get_by_role("link", name="Partnership decisions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnership decisions")
    accessible(page)
    page.get_by_label("Partnership", exact=True).check()
    page.get_by_label("Rationale").fill("Deliveries on time for six months")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".state")).to_have_text("Partnership")
    accessible(page)
    fresh(session)
    participation = session.get(Participation, tenant.participation.id)  # type: ignore[union-attr]
    assert participation.state == ParticipationState.partner  # type: ignore[union-attr]
