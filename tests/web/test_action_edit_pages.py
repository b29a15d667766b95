"""The action page changes what a draft plan's action is (title, dates, cost, funding) with
the input kept when refused or stale, and says why once the plan is submitted."""

import re
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from service.accounts.models import Role
from service.plans.models import Action, FundingShare, Plan
from service.programmes.models import OrganizationKind
from tests.factories import Tenant, make_plan, make_plan_ready, make_tenant
from tests.web.conftest import fresh
from workflows import PlanState


def csrf_of(client: TestClient, url: str) -> str:
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get(url).text)
    assert match is not None
    return match.group(1)


def draft_action(session: Session, client: TestClient) -> tuple[Tenant, Action]:
    tenant = make_tenant(session, "Alpha")
    make_plan_ready(session, tenant)
    _plan, action = make_plan(session, tenant)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    return tenant, action


def details(csrf: str, version: int = 1, **changes: str) -> dict[str, str]:
    form = {
        "csrf": csrf, "version": str(version), "category": "training",
        "title": "Production planning course", "description": "", "owner": "",
        "provider_id": "", "starts_on": "2027-01-10", "due_on": "2027-03-31",
        "estimated_cost": "1500.00", "share-programme": "100",
    }  # fmt: skip
    return {**form, **changes}


def saved(session: Session, action: Action) -> tuple[object, ...]:
    fresh(session)
    row = session.exec(select(Action).where(Action.id == action.id)).one()
    session.refresh(row)
    shares = session.exec(
        select(FundingShare.payer, FundingShare.percent)
        .where(FundingShare.action_id == action.id)
        .order_by(col(FundingShare.position))
    ).all()
    return row.title, str(row.due_on), row.provider_id, row.version, list(shares)


def test_the_action_page_of_a_draft_plan_shows_its_details_filled_in(
    client: TestClient, session: Session
) -> None:
    tenant, action = draft_action(session, client)
    page = client.get(f"/actions/{action.id}")
    assert page.status_code == 200
    assert f'action="/actions/{action.id}/details"' in page.text
    assert 'id="title" name="title" type="text" value="Production planning course"' in page.text
    assert 'id="due_on" name="due_on" type="date" value="2027-03-31"' in page.text
    assert 'name="share-programme" class="share" inputmode="decimal" value="100"' in page.text
    provider = tenant.organizations[OrganizationKind.provider]
    assert f'<option value="{provider.id}" selected>' in page.text


def test_the_broker_renames_moves_and_refunds_a_draft_action(
    client: TestClient, session: Session
) -> None:
    _tenant, action = draft_action(session, client)
    url = f"/actions/{action.id}"
    form = details(
        csrf_of(client, url), title="Lean planning course", due_on="2027-04-30",
        **{"share-programme": "70", "share-firm": "30"},
    )  # fmt: skip
    answer = client.post(f"{url}/details", data=form, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, url)
    assert saved(session, action) == (
        "Lean planning course",
        "2027-04-30",
        None,
        2,
        [("firm", Decimal("30.00")), ("programme", Decimal("70.00"))],
    )
    assert "Lean planning course" in client.get(url).text


def test_shares_not_adding_to_100_are_refused_in_french_with_the_input_kept(
    client: TestClient, session: Session
) -> None:
    _tenant, action = draft_action(session, client)
    url = f"/actions/{action.id}"
    form = details(csrf_of(client, url), title="Typed title", **{"share-programme": "90"})
    refused = client.post(f"{url}/details", data=form, headers={"Accept-Language": "fr"})
    assert refused.status_code == 422
    assert (
        "les parts de financement de l&#39;action &#39;Typed title&#39; totalisent 90 %, "
        "et non 100 %" in refused.text
    )
    assert 'id="funding-error"' in refused.text
    assert 'value="Typed title"' in refused.text
    assert saved(session, action)[0::3] == ("Production planning course", 1)


def test_a_stale_save_keeps_the_input_and_shows_the_values_saved_now(
    client: TestClient, session: Session
) -> None:
    _tenant, action = draft_action(session, client)
    url = f"/actions/{action.id}"
    csrf = csrf_of(client, url)
    first = client.post(f"{url}/details", data=details(csrf, title="Saved first"))
    assert first.status_code == 200
    stale = client.post(f"{url}/details", data=details(csrf, title="Typed second"))
    assert stale.status_code == 412
    assert 'id="details-changed"' in stale.text
    assert "<dd>Saved first</dd>" in stale.text
    assert 'value="Typed second"' in stale.text
    assert saved(session, action)[0::3] == ("Saved first", 2)


def test_a_submitted_plans_action_offers_no_edit_and_a_forged_post_is_refused(
    client: TestClient, session: Session
) -> None:
    _tenant, action = draft_action(session, client)
    plan = session.get(Plan, action.plan_id)
    assert plan is not None
    plan.state = PlanState.submitted
    session.add(plan)
    session.commit()
    url = f"/actions/{action.id}"
    page = client.get(url, headers={"Accept-Language": "es"})
    assert f'action="{url}/details"' not in page.text
    refused = client.post(f"{url}/details", data=details(csrf_of(client, url), title="Forged"))
    assert refused.status_code == 409
    assert "return the plan to draft to change them" in refused.text
    assert saved(session, action)[0::3] == ("Production planning course", 1)
