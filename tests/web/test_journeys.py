"""Journeys through the pages in a real Chromium, each checked with axe-core on every page it
visits: the administrator enrols a buyer, the broker moves the engagement on, a refused
transition explains itself in Spanish, a stale form keeps the user's input, and another
programme's pages are not found."""

import re

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from service.accounts.models import Role
from service.audits.models import Answer, Audit
from service.engagements.models import Engagement, Participation
from service.programmes.models import Organization, OrganizationKind
from tests.factories import make_engagement, make_supplier, make_tenant
from tests.web.conftest import accessible, fresh, sign_in
from workflows import ParticipationState, Phase


def test_an_administrator_enrols_a_buyer_and_assigns_a_broker(page: Page, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    broker = tenant.users[Role.broker]
    sign_in(page, "admin@alpha.test")
    accessible(page)
    page.get_by_role("link", name="Organizations").click()
    accessible(page)
    page.get_by_label("Name", exact=True).fill("Ron Caribe S.A.")
    page.get_by_label("Kind").select_option("buyer")
    page.get_by_label("Country (two letters, e.g. NI)").fill("NI")
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_role("link", name="Ron Caribe S.A.")).to_be_visible()
    page.get_by_role("link", name="My engagements").click()
    page.get_by_role("link", name="New engagement").click()
    accessible(page)
    page.get_by_label("Title").fill("Ron Caribe local sourcing")
    page.get_by_label("Buyer").select_option(label="Ron Caribe S.A.")
    page.get_by_label("Broker").select_option(label=broker.full_name)
    page.get_by_role("button", name="Open the engagement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ron Caribe local sourcing")
    expect(page.locator("[aria-current=step]")).to_have_text(re.compile("Enrolment"))
    expect(page.locator(".history")).to_contain_text("Opened")
    accessible(page)
    fresh(session)
    buyer = session.exec(select(Organization).where(Organization.name == "Ron Caribe S.A.")).one()
    engagement = session.exec(select(Engagement).where(Engagement.buyer_id == buyer.id)).one()
    assert (buyer.kind, buyer.country) == (OrganizationKind.buyer, "NI")
    assert (engagement.broker_id, engagement.phase) == (broker.id, Phase.enrolment)


def test_the_broker_lists_candidates_selects_and_moves_the_engagement_on(
    page: Page, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant, include_tenant_supplier=False)
    make_supplier(session, tenant, "Plásticos Norte")
    sign_in(page, "broker@alpha.test")
    expect(page.get_by_role("link", name=engagement.title)).to_be_visible()
    accessible(page)
    page.get_by_role("link", name=engagement.title).click()
    expect(page.locator(".reasons")).to_contain_text("no active candidate is listed")
    page.get_by_label("Supplier", exact=True).select_option(label="Plásticos Norte")
    page.get_by_label("Already supplies the buyer").check()
    page.get_by_role("button", name="Add candidate").click()
    expect(page.locator("#candidates + ul")).to_contain_text("Plásticos Norte")
    accessible(page)
    page.get_by_role("button", name="Start the supplier evaluation").click()
    expect(page.locator("[aria-current=step]")).to_have_text(re.compile("Supplier evaluation"))
    expect(page.locator(".reasons")).to_contain_text(
        "candidates without a reviewed evaluation audit: Plásticos Norte"
    )
    expect(page.locator(".history")).to_contain_text("Supplier evaluation started")
    accessible(page)
    fresh(session)
    row = session.get(Engagement, engagement.id)
    candidate = session.exec(
        select(Participation).where(Participation.engagement_id == engagement.id)
    ).one()
    assert row is not None
    assert row.phase == Phase.supplier_evaluation
    assert (candidate.state, candidate.is_current_supplier) == (ParticipationState.candidate, True)


def test_a_refused_transition_shows_its_reasons_in_spanish(page: Page, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant, include_tenant_supplier=False)
    sign_in(page, "broker@alpha.test")
    page.get_by_role("button", name="Español").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mis intervenciones")
    page.goto(f"/engagements/{engagement.id}")
    expect(page.locator("#next-heading")).to_have_text("Siguiente paso")
    expect(page.locator(".reasons")).to_have_text("no hay ningún candidato activo")
    accessible(page)
    # The same refusal when the trigger is fired anyway (a form kept open, a second tab).
    csrf = page.locator("input[name=csrf]").first.input_value()
    answer = page.request.post(
        f"/engagements/{engagement.id}/transitions/start_evaluation",
        form={"csrf": csrf, "version": str(engagement.version)},
        headers={"Accept-Language": "en"},
    )
    assert answer.status == 409
    page.set_content(answer.text())
    expect(page.get_by_role("alert")).to_contain_text("Esto no se pudo hacer ahora.")
    expect(page.get_by_role("alert")).to_contain_text("no hay ningún candidato activo")
    fresh(session)
    assert session.get(Engagement, engagement.id).phase == Phase.enrolment  # type: ignore[union-attr]


def test_a_stale_form_keeps_the_input_and_shows_the_newer_values(
    page: Page, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant)
    sign_in(page, "admin@alpha.test")
    other = page.context.new_page()
    for tab in (page, other):
        tab.goto(f"/engagements/{engagement.id}/edit")
    other.get_by_label("Title").fill("Renamed in the other tab")
    other.get_by_role("button", name="Save").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Renamed in the other tab")
    page.get_by_label("Title").fill("My careful title")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#changed")).to_contain_text("Renamed in the other tab")
    expect(page.get_by_label("Title")).to_have_value("My careful title")
    accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My careful title")
    fresh(session)
    assert session.get(Engagement, engagement.id).title == "My careful title"  # type: ignore[union-attr]


def test_a_user_of_another_programme_gets_the_not_found_page(page: Page, session: Session) -> None:
    own = make_tenant(session, "Alpha")
    make_tenant(session, "Beta")
    engagement = make_engagement(session, own)
    sign_in(page, "broker@beta.test")
    foreign = page.goto(f"/engagements/{engagement.id}")
    assert foreign is not None
    assert foreign.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    foreign_html = page.locator("main").inner_html()
    accessible(page)
    missing = page.goto("/engagements/00000000-0000-4000-8000-000000000000")
    assert missing is not None
    assert missing.status == 404
    assert page.locator("main").inner_html() == foreign_html


def test_the_broker_fills_an_audit_section_that_saves_itself(page: Page, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant)
    engagement.phase = Phase.supplier_evaluation
    session.add(engagement)
    session.commit()
    sign_in(page, "broker@alpha.test", next_path=f"/engagements/{engagement.id}")
    page.get_by_label("Audit template").select_option(
        label="Supplier evaluation (enterprise audit) (v1)"
    )
    page.get_by_role("button", name="Start an evaluation audit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Alpha supplier")
    expect(page.locator("#live-score")).to_contain_text("0 of")
    accessible(page)
    first = page.locator("fieldset.question").first
    first.locator("input[type=radio][value='3']").check()
    expect(page.locator("#live-score")).to_contain_text("Saved")
    expect(page.locator("#live-score")).to_contain_text("1 of")
    page.reload()
    expect(page.locator("fieldset.question").first.locator("input[value='3']")).to_be_checked()
    expect(page.locator(".reasons")).not_to_be_empty()
    accessible(page)
    fresh(session)
    answers = session.exec(
        select(Answer).join(Audit).where(Audit.engagement_id == engagement.id)
    ).all()
    assert [(answer.question_id, answer.value) for answer in answers] == [("mgmt-01", 3)]
