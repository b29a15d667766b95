"""The pages of targets, analyses, decisions, reports and the audit page's evidence at 1280 px
and 360 px, in English and Spanish: nothing wider than the screen, axe-core clean, and a
screenshot of each kept for people to look at."""

import pytest
from playwright.sync_api import Browser
from sqlmodel import Session

from service.accounts.models import Role
from service.analyses.models import Finding, FindingLink, KpiSource, KpiValue, Severity
from service.plans.models import Outcome, PartnershipDecision
from service.targets.models import TargetRevision
from tests.factories import PASSWORD, Tenant, make_supplier
from tests.web.conftest import accessible, shoot
from tests.web.test_analysis_pages import in_analysis
from workflows import ParticipationState

PAGES = {
    "targets": "/engagements/{engagement}/targets",
    "analyses": "/engagements/{engagement}/analyses",
    "analysis": "/analyses/{analysis}",
    "decisions": "/engagements/{engagement}/decisions",
    "reports": "/engagements/{engagement}/reports",
    "audit-evidence": "/audits/{audit}?section=management",
    "engagement-links": "/engagements/{engagement}",
}


def shown_world(session: Session) -> Tenant:
    """An engagement with a target and its revision, an analysis with a linked finding and a
    baseline, a closed and a decided supplier, and a draft audit with a file."""
    from datetime import date

    from service.analyses.models import Analysis
    from service.audits.models import AuditState
    from service.engagements.models import Participation

    tenant = in_analysis(session)
    assert tenant.engagement is not None
    assert tenant.participation is not None
    assert tenant.audit is not None
    assert tenant.evidence is not None
    broker = tenant.users[Role.broker].id
    from sqlmodel import select

    from service.targets.models import Target

    target = session.exec(select(Target)).one()
    session.add(TargetRevision(target_id=target.id, version=1, value="90",
                               due_on=date(2027, 3, 31), changed_by=broker,
                               reason="The buyer raised its requirement"))  # fmt: skip
    analysis = Analysis(
        programme_id=tenant.programme.id, engagement_id=tenant.engagement.id,
        participation_id=tenant.participation.id,
        organization_id=tenant.participation.supplier_id,
        summary="Deliveries late for lack of planning.", created_by=broker,
    )  # fmt: skip
    session.add(analysis)
    session.flush()
    finding = Finding(analysis_id=analysis.id, area="management", severity=Severity.major,
                      description="No written plan for the year.",
                      root_cause="The owner plans alone.", created_by=broker)  # fmt: skip
    session.add(finding)
    session.flush()
    session.add(FindingLink(finding_id=finding.id, audit_id=tenant.audit.id,
                            question_id="mgmt-01", evidence_id=tenant.evidence.id))  # fmt: skip
    session.add(KpiValue(engagement_id=tenant.engagement.id,
                         organization_id=tenant.participation.supplier_id,
                         analysis_id=analysis.id, kpi="on_time_delivery", value="80",
                         measured_on=date(2026, 11, 1), how_measured="Last 90 days",
                         source=KpiSource.baseline, recorded_by=broker))  # fmt: skip
    tenant.analysis = analysis
    tenant.audit.state = AuditState.draft
    closed = make_supplier(session, tenant, "Metalmecánica Sur S.A.")
    decided = make_supplier(session, tenant, "Empaques del Lago")
    for supplier, state in ((closed, ParticipationState.closed),
                            (decided, ParticipationState.partner)):  # fmt: skip
        row = Participation(engagement_id=tenant.engagement.id, supplier_id=supplier.id,
                            state=state)  # fmt: skip
        session.add(row)
        session.flush()
        if state == ParticipationState.partner:
            session.add(PartnershipDecision(
                programme_id=tenant.programme.id, engagement_id=tenant.engagement.id,
                participation_id=row.id, outcome=Outcome.partnership,
                rationale="Deliveries on time for six months", decided_by=broker,
            ))  # fmt: skip
    session.add(tenant.audit)
    session.commit()
    return tenant


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_new_pages_fit_a_phone_and_a_desk_in_english_and_spanish(
    browser: Browser, base_url: str, session: Session, language: str
) -> None:
    tenant = shown_world(session)
    ids = {"engagement": tenant.engagement.id, "analysis": tenant.analysis.id,  # type: ignore[union-attr]
           "audit": tenant.audit.id}  # type: ignore[union-attr]  # fmt: skip
    for width in (1280, 360):
        context = browser.new_context(
            base_url=base_url, locale=language, viewport={"width": width, "height": 800}
        )
        page = context.new_page()
        page.goto("/signin")
        page.locator("#email").fill(tenant.users[Role.broker].email)
        page.locator("#password").fill(PASSWORD)
        page.locator("form[action='/signin'] button[type=submit]").click()
        page.wait_for_url("**/")
        for name, path in PAGES.items():
            answer = page.goto(path.format(**ids))
            assert answer is not None, name
            assert answer.status == 200, name
            for summary in page.locator("details > summary").all():
                summary.click()  # open every form so that the screenshot shows it
            assert page.evaluate("document.documentElement.scrollWidth") <= width, name
            accessible(page)
            shoot(page, f"{name}-{width}-{language}")
        context.close()
