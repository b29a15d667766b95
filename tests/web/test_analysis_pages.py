"""Analysis pages: the buyer's and each selected supplier's analysis opened from the list, a
refused approval that lists what is missing in Spanish, findings linked to audit answers and
evidence files, baselines within the KPI's bounds, approval that moves the supplier on, a stale
form that keeps the input, and the flow in a real Chromium with axe-core."""

import re
from datetime import date

import sqlalchemy as sa
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from service.accounts.models import Role
from service.analyses.models import Analysis, Finding, FindingLink, KpiValue
from service.audits.models import Answer
from service.engagements.models import Participation
from service.settings import get_settings
from service.targets.models import Target, TargetKind
from tests.factories import Tenant, make_reviewed_audit
from tests.service.test_statement_counts import counting
from tests.web.conftest import accessible, fresh, sign_in
from tests.web.test_target_pages import at_round_tables, csrf_of
from workflows import AnalysisState, ParticipationState, Phase


def in_analysis(session: Session) -> Tenant:
    """The engagement in improvement_analysis: its supplier selected with an on-time delivery
    target, a reviewed audit answering mgmt-01 with one evidence file."""
    tenant = at_round_tables(session)
    assert tenant.engagement is not None
    assert tenant.participation is not None
    assert tenant.round_table is not None
    tenant.engagement.phase = Phase.improvement_analysis
    session.add(tenant.engagement)
    session.add(
        Target(
            programme_id=tenant.programme.id, engagement_id=tenant.engagement.id,
            participation_id=tenant.participation.id, round_table_id=tenant.round_table.id,
            kind=TargetKind.kpi, kpi="on_time_delivery", value="95", due_on=date(2027, 6, 30),
            created_by=tenant.users[Role.broker].id,
        )
    )  # fmt: skip
    session.commit()
    tenant.audit, tenant.evidence = make_reviewed_audit(session, tenant, get_settings().upload_dir)
    session.add(
        Answer(audit_id=tenant.audit.id, question_id="mgmt-01", value=2,
               answered_by=tenant.users[Role.broker].id)
    )  # fmt: skip
    session.commit()
    return tenant


def opened(client: TestClient, session: Session, tenant: Tenant, supplier: bool = True) -> Analysis:
    """Open the supplier's (or the buyer's) analysis from the list page."""
    assert tenant.engagement is not None
    assert tenant.participation is not None
    listing = f"/engagements/{tenant.engagement.id}/analyses"
    form = {
        "csrf": csrf_of(client, listing),
        "participation_id": str(tenant.participation.id) if supplier else "",
    }
    answer = client.post(listing, data=form, follow_redirects=False)
    fresh(session)
    firm = tenant.participation.supplier_id if supplier else tenant.engagement.buyer_id
    analysis = session.exec(select(Analysis).where(Analysis.organization_id == firm)).one()
    assert (answer.status_code, answer.headers["location"]) == (303, f"/analyses/{analysis.id}")
    return analysis


def post(client: TestClient, analysis: Analysis, part: str, **fields: str) -> object:
    url = f"/analyses/{analysis.id}"
    data = {"csrf": csrf_of(client, url), "version": str(analysis.version), **fields}
    return client.post(f"{url}/{part}", data=data, follow_redirects=False)


def test_the_buyer_and_the_supplier_each_get_one_analysis(
    client: TestClient, session: Session
) -> None:
    tenant = in_analysis(session)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    supplier = opened(client, session, tenant)
    buyer = opened(client, session, tenant, supplier=False)
    assert (supplier.participation_id, buyer.participation_id) == (tenant.participation.id, None)  # type: ignore[union-attr]
    listing = client.get(f"/engagements/{tenant.engagement.id}/analyses").text  # type: ignore[union-attr]
    assert f'<a href="/analyses/{supplier.id}">Alpha supplier</a>' in listing
    assert f'<a href="/analyses/{buyer.id}">Alpha buyer</a>' in listing
    assert "Open the analysis" not in listing


def test_a_refused_approval_lists_what_is_missing_in_spanish(
    client: TestClient, session: Session
) -> None:
    tenant = in_analysis(session)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    analysis = opened(client, session, tenant)
    url = f"/analyses/{analysis.id}"
    shown = client.get(url, headers={"Accept-Language": "es"}).text
    assert "<li>el análisis de Alpha supplier no tiene ningún hallazgo</li>" in shown
    assert "<li>indicadores con meta sin línea base: Entregas a tiempo</li>" in shown
    refused = client.post(
        f"{url}/transitions/approve",
        data={"csrf": csrf_of(client, url), "version": str(analysis.version)},
        headers={"Accept-Language": "es"},
    )
    assert refused.status_code == 409
    alert = refused.text.split('id="error"')[1].split("</div>")[0]
    assert "Esto no se pudo hacer ahora." in alert
    assert "el análisis de Alpha supplier no tiene ningún hallazgo" in alert
    fresh(session)
    assert session.get(Analysis, analysis.id).state == AnalysisState.draft  # type: ignore[union-attr]


def test_a_finding_rests_on_an_audit_answer_and_an_evidence_file(
    client: TestClient, session: Session
) -> None:
    tenant = in_analysis(session)
    assert tenant.audit is not None
    assert tenant.evidence is not None
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    analysis = opened(client, session, tenant)
    answer = post(
        client, analysis, "findings", area="management", severity="major",
        description="No written plan for the year.", root_cause="The owner plans alone.",
        **{"link-a1": f"answer:{tenant.audit.id}:mgmt-01",
           "link-e1": f"evidence:{tenant.evidence.id}"},
    )  # fmt: skip
    assert answer.status_code == 303  # type: ignore[attr-defined]
    fresh(session)
    finding = session.exec(select(Finding)).one()
    links = session.exec(select(FindingLink)).all()
    assert (finding.area, finding.severity, finding.root_cause) == (
        "management", "major", "The owner plans alone.",
    )  # fmt: skip
    assert {(link.question_id, link.evidence_id) for link in links} == {
        ("mgmt-01", None),
        ("mgmt-01", tenant.evidence.id),
    }
    assert session.get(Analysis, analysis.id).version == 2  # type: ignore[union-attr]
    page = client.get(f"/analyses/{analysis.id}").text
    assert "Does the firm have written objectives and a plan for the current year?</li>" in page
    assert f'/audits/{tenant.audit.id}/evidence/{tenant.evidence.id}">records.pdf</a>' in page


def test_a_baseline_out_of_the_kpis_bounds_is_refused_and_a_good_one_recorded(
    client: TestClient, session: Session
) -> None:
    tenant = in_analysis(session)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    analysis = opened(client, session, tenant)
    wrong = post(client, analysis, "baselines", kpi="on_time_delivery", value="120",
                 measured_on="2026-11-01")  # fmt: skip
    assert wrong.status_code == 422  # type: ignore[attr-defined]
    assert "Enter a value from 0 to 100 %." in wrong.text  # type: ignore[attr-defined]
    assert 'value="120"' in wrong.text  # type: ignore[attr-defined]
    fresh(session)
    assert session.exec(select(KpiValue)).all() == []
    right = post(client, analysis, "baselines", kpi="on_time_delivery", value="81.5",
                 measured_on="2026-11-01", how_measured="Last 90 days of deliveries")  # fmt: skip
    assert right.status_code == 303  # type: ignore[attr-defined]
    fresh(session)
    value = session.exec(select(KpiValue)).one()
    assert (value.kpi, value.value, value.measured_on, value.how_measured) == (
        "on_time_delivery", "81.5", date(2026, 11, 1), "Last 90 days of deliveries",
    )  # fmt: skip


def test_an_approved_analysis_moves_the_supplier_on(client: TestClient, session: Session) -> None:
    tenant = in_analysis(session)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    analysis = opened(client, session, tenant)
    post(client, analysis, "findings", area="delivery", severity="minor",
         description="Deliveries late in the rainy season.")  # fmt: skip
    fresh(session)
    analysis = session.get(Analysis, analysis.id)  # type: ignore[assignment]
    post(client, analysis, "baselines", kpi="on_time_delivery", value="80",
         measured_on="2026-11-01")  # fmt: skip
    fresh(session)
    analysis = session.get(Analysis, analysis.id)  # type: ignore[assignment]
    approved = post(client, analysis, "transitions/approve")
    assert approved.status_code == 303  # type: ignore[attr-defined]
    fresh(session)
    row = session.get(Analysis, analysis.id)
    assert row is not None
    assert row.state == AnalysisState.approved
    participation = session.get(Participation, tenant.participation.id)  # type: ignore[union-attr]
    assert participation.state == ParticipationState.analysed  # type: ignore[union-attr]
    assert "Add a finding" not in client.get(f"/analyses/{analysis.id}").text


def test_a_stale_finding_keeps_the_input_and_adds_nothing(
    client: TestClient, session: Session
) -> None:
    tenant = in_analysis(session)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    analysis = opened(client, session, tenant)
    post(client, analysis, "summary", summary="Written in another tab")
    stale = post(client, analysis, "findings", area="delivery", severity="minor",
                 description="My careful description")  # fmt: skip
    assert stale.status_code == 412  # type: ignore[attr-defined]
    assert 'id="changed"' in stale.text  # type: ignore[attr-defined]
    assert ">My careful description</textarea>" in stale.text  # type: ignore[attr-defined]
    assert ">Written in another tab</textarea>" in stale.text  # type: ignore[attr-defined]
    fresh(session)
    assert session.exec(select(Finding)).all() == []


def test_the_broker_analyses_a_supplier_in_chromium(page: Page, session: Session) -> None:
    tenant = in_analysis(session)
    assert tenant.engagement is not None
    sign_in(page, "broker@alpha.test", next_path=f"/engagements/{tenant.engagement.id}")
    page.get_by_role("link", name="Improvement analyses").first.click()
    accessible(page)
    page.get_by_role("button", name="Open the analysis of Alpha supplier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Analysis of Alpha supplier")
    expect(page.locator("#approval + p + .reasons")).to_contain_text("has no finding")
    accessible(page)
    page.get_by_label("Area").select_option(label="Management and strategy")
    page.get_by_label("Severity").select_option("major")
    page.get_by_label("What was found").fill("No written plan for the year.")
    page.get_by_label(re.compile("Does the firm have written objectives")).check()
    page.get_by_label("File: records.pdf").check()
    page.get_by_role("button", name="Add the finding").click()
    expect(page.locator("#findings + .cards")).to_contain_text("No written plan for the year.")
    page.get_by_label("KPI", exact=True).select_option("on_time_delivery")
    page.get_by_label("Value", exact=True).fill("80")
    page.get_by_label("Measured on").fill("2026-11-01")
    page.get_by_role("button", name="Record the baseline").click()
    expect(page.locator("table")).to_contain_text("80 %")
    page.get_by_role("button", name="Approve the analysis").click()
    expect(page.locator(".state")).to_have_text("Approved")
    accessible(page)
    fresh(session)
    assert session.exec(select(Analysis.state)).one() == AnalysisState.approved


def test_the_analysis_page_issues_as_many_statements_however_many_audits_and_findings(
    client: TestClient, session: Session, engine: sa.Engine
) -> None:
    tenant = in_analysis(session)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    analysis = opened(client, session, tenant)
    url = f"/analyses/{analysis.id}"
    counts = []
    for _round in range(2):
        client.get(url)
        with counting(engine) as statements:
            assert client.get(url).status_code == 200
        counts.append(len(statements))
        for _copy in range(3):  # more audits of the firm, each answered, with a file and a finding
            audit, evidence = make_reviewed_audit(session, tenant, get_settings().upload_dir)
            session.add(Answer(audit_id=audit.id, question_id="mgmt-02", value=1,
                               answered_by=tenant.users[Role.broker].id))  # fmt: skip
            finding = Finding(analysis_id=analysis.id, area="other", severity="minor",
                              description="Seen again", created_by=tenant.users[Role.broker].id)  # fmt: skip
            session.add(finding)
            session.flush()
            session.add(FindingLink(finding_id=finding.id, audit_id=audit.id,
                                    question_id="mgmt-01", evidence_id=evidence.id))  # fmt: skip
            session.commit()
    assert counts[0] == counts[1]
