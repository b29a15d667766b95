"""The home list says what blocks each engagement's next step, in the viewer's language, each
reason linking to the page where it is fixed."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from service.accounts.models import Role
from service.engagements.models import Engagement
from service.web.reasons import fixed_on
from tests.factories import make_engagement, make_plan, make_plan_ready, make_tenant
from workflows import Phase


def blockers_of(html: str, engagement: Engagement) -> list[tuple[str, str]]:
    """The (link, text) pairs in the row of one engagement."""
    row = re.search(rf'<tr>\s*<td><a href="/engagements/{engagement.id}">.*?</tr>', html, re.S)
    assert row is not None
    return re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', row.group(0))


def test_each_reason_links_to_where_it_is_fixed_in_spanish(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    unassigned = make_engagement(session, tenant, candidates=("Beta",), with_broker=False)
    evaluating = make_engagement(session, tenant, candidates=("Gamma",))
    evaluating.phase = Phase.supplier_evaluation
    session.add(evaluating)
    session.commit()
    client.cookies.set("sd_session", tenant.tokens[Role.admin])
    html = client.get("/", headers={"Accept-Language": "es"}).text
    assert blockers_of(html, unassigned) == [
        (f"/engagements/{unassigned.id}/edit", "no hay ningún articulador asignado"),
    ]
    assert blockers_of(html, evaluating) == [
        (
            f"/engagements/{evaluating.id}#audits",
            "candidatos sin auditoría de evaluación revisada: Alpha supplier, Gamma",
        ),
        (
            f"/engagements/{evaluating.id}#candidates",
            "candidatos sin decisión de selección: Alpha supplier, Gamma",
        ),
        (f"/engagements/{evaluating.id}#candidates", "no hay ningún proveedor seleccionado"),
    ]


def test_an_engagement_in_plans_links_to_its_plans_and_to_the_decisions_it_lacks(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    make_plan_ready(session, tenant)
    engagement = tenant.engagement
    assert engagement is not None
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    html = client.get("/").text
    page = f"/engagements/{engagement.id}"
    assert blockers_of(html, engagement) == [
        (f"{page}/plans", "selected suppliers without a closed plan: Alpha supplier"),
        (f"{page}/plans", "the buyer Alpha buyer has no closed plan"),
        (f"{page}#candidates", "selected suppliers without a partnership decision: Alpha supplier"),
    ]


def test_an_engagement_ready_to_move_on_says_so(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    html = client.get("/").text
    assert blockers_of(html, engagement) == []
    assert "Nothing: ready to move on" in html


@pytest.mark.parametrize(
    ("reason", "where"),
    [
        ("no broker is assigned", "/edit"),
        ("no active candidate is listed", "#candidates"),
        ("2 candidates have no reviewed evaluation audit: A, B", "#audits"),
        ("1 candidate has no selection decision: A", "#candidates"),
        ("no supplier is selected", "#candidates"),
        ("no round table has been held with minutes", "/round-tables"),
        ("1 selected supplier has not attended a round table: A", "/round-tables"),
        ("the buyer B has not attended a round table", "/round-tables"),
        ("1 selected supplier has no agreed targets: A", "/targets"),
        ("1 selected supplier has no approved analysis: A", "/analyses"),
        ("the buyer B has no approved analysis", "/analyses"),
        ("1 selected supplier has no closed plan: A", "/plans"),
        ("1 selected supplier has no partnership decision: A", "#candidates"),
        ("no held phase is recorded to resume to", "#next-heading"),
    ],
)
def test_every_guard_reason_leads_to_its_page(reason: str, where: str) -> None:
    assert fixed_on(reason, "e1") == f"/engagements/e1{where}"


@pytest.mark.parametrize("role", [Role.buyer, Role.supplier])
def test_the_buyer_and_the_supplier_reach_their_plan_from_home(
    client: TestClient, session: Session, role: Role
) -> None:
    tenant = make_tenant(session, "Alpha")
    make_plan_ready(session, tenant)
    plan, _action = make_plan(session, tenant)
    other = make_tenant(session, "Other")
    make_plan_ready(session, other)
    make_plan(session, other)
    client.cookies.set("sd_session", tenant.tokens[role])
    html = client.get("/", headers={"Accept-Language": "fr"}).text
    rows = re.findall(r'<td><a href="(/plans/[^"]+)">([^<]+)</a></td>\s*<td>([^<]+)</td>', html)
    assert rows == [(f"/plans/{plan.id}", "Alpha supplier", "Alpha linkage")]
    assert "Brouillon" in html
    assert client.get(f"/plans/{plan.id}").status_code == 200


def test_the_broker_home_lists_no_firm_plans(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    make_plan_ready(session, tenant)
    make_plan(session, tenant)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    assert 'href="/plans/' not in client.get("/").text


def test_a_supplier_does_not_read_the_reasons_that_name_other_candidates(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    evaluating = make_engagement(session, tenant, candidates=("Gamma",))
    evaluating.phase = Phase.supplier_evaluation
    session.add(evaluating)
    session.commit()
    client.cookies.set("sd_session", tenant.tokens[Role.supplier])
    html = client.get("/").text
    assert "Gamma" not in html
    assert "What blocks it" not in html
