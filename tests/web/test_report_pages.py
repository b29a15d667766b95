"""Report pages: issue a report the engagement offers in a chosen language, list the issued
reports newest first, download the PDF exactly as issued; a final report of an unfinished
engagement is refused with what is missing; other programmes' reports are not found."""

import re

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlmodel import Session, col, select

from service.accounts.models import Role
from service.engagements.models import Participation
from service.reports import store
from service.reports.models import IssuedReport, ReportKind
from service.settings import get_settings
from tests.factories import Tenant, make_engagement, make_reviewed_audit, make_tenant
from tests.web.conftest import accessible, fresh, sign_in
from tests.web.test_target_pages import csrf_of


def with_audit(session: Session, name: str = "Alpha") -> Tenant:
    tenant = make_tenant(session, name)
    tenant.engagement = make_engagement(session, tenant)
    tenant.participation = session.exec(
        select(Participation).where(Participation.engagement_id == tenant.engagement.id)
    ).one()
    tenant.audit, tenant.evidence = make_reviewed_audit(session, tenant, get_settings().upload_dir)
    return tenant


def issue(client: TestClient, tenant: Tenant, subject: str, language: str) -> object:
    url = f"/engagements/{tenant.engagement.id}/reports"  # type: ignore[union-attr]
    form = {"csrf": csrf_of(client, url), "subject": subject, "language": language}
    return client.post(url, data=form, follow_redirects=False)


def test_an_audit_report_is_issued_in_spanish_and_downloaded_as_issued(
    client: TestClient, session: Session
) -> None:
    tenant = with_audit(session)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    answer = issue(client, tenant, f"audit:{tenant.audit.id}", "es")  # type: ignore[union-attr]
    fresh(session)
    report = session.exec(select(IssuedReport)).one()
    assert answer.status_code == 303  # type: ignore[attr-defined]
    assert answer.headers["location"].endswith(f"#report-{report.id}")  # type: ignore[attr-defined]
    assert (report.kind, report.subject_id, report.language) == (
        ReportKind.audit, tenant.audit.id, "es",  # type: ignore[union-attr]
    )  # fmt: skip
    listing = client.get(f"/engagements/{tenant.engagement.id}/reports").text  # type: ignore[union-attr]
    assert f'<a href="/reports/{report.id}/pdf">{report.title}</a>' in listing
    pdf = client.get(f"/reports/{report.id}/pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith(
        'attachment; filename="audit-alpha-supplier-es-'
    )
    assert pdf.content == store.read(report.storage_key)


def test_issued_reports_are_listed_newest_first(client: TestClient, session: Session) -> None:
    tenant = with_audit(session)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    for language in ("en", "fr"):
        issue(client, tenant, f"audit:{tenant.audit.id}", language)  # type: ignore[union-attr]
    fresh(session)
    newest_first = session.exec(
        select(IssuedReport.id).order_by(col(IssuedReport.created_at).desc())
    ).all()
    listing = client.get(f"/engagements/{tenant.engagement.id}/reports").text  # type: ignore[union-attr]
    shown = re.findall(r'<li id="report-([0-9a-f-]+)">', listing)
    assert shown == [str(row) for row in newest_first]
    assert re.findall(r'<span class="tag" lang="(\w\w)">', listing) == ["fr", "en"]


def test_a_final_report_of_an_unfinished_engagement_is_refused_with_what_is_missing(
    client: TestClient, session: Session
) -> None:
    tenant = with_audit(session)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    refused = issue(client, tenant, f"final:{tenant.engagement.id}", "en")  # type: ignore[union-attr]
    assert refused.status_code == 409  # type: ignore[attr-defined]
    alert = refused.text.split('id="error"')[1].split("</div>")[0]  # type: ignore[attr-defined]
    assert "This could not be done now." in alert
    assert "<li>" in alert
    fresh(session)
    assert session.exec(select(IssuedReport)).all() == []


def test_a_report_of_another_programme_is_not_found(client: TestClient, session: Session) -> None:
    own = with_audit(session)
    other = with_audit(session, "Beta")
    client.cookies.set("sd_session", own.tokens[Role.broker])
    issue(client, own, f"audit:{own.audit.id}", "en")  # type: ignore[union-attr]
    fresh(session)
    report = session.exec(select(IssuedReport)).one()
    for token in (other.tokens[Role.broker], own.tokens[Role.supplier], own.tokens[Role.buyer]):
        client.cookies.set("sd_session", token)
        assert client.get(f"/reports/{report.id}/pdf").status_code == 404
    client.cookies.set("sd_session", other.tokens[Role.broker])
    foreign = issue(client, other, f"audit:{own.audit.id}", "en")  # type: ignore[union-attr]
    assert foreign.status_code == 404  # type: ignore[attr-defined]


def test_the_broker_issues_and_downloads_a_report_in_chromium(page: Page, session: Session) -> None:
    tenant = with_audit(session)
    assert tenant.engagement is not None
    sign_in(page, "broker@alpha.test", next_path=f"/engagements/{tenant.engagement.id}")
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    accessible(page)
    page.get_by_label("Report", exact=True).select_option(label="Audit report: Alpha supplier")
    page.get_by_label("Language of the report").select_option("es")
    page.get_by_role("button", name="Issue the report").click()
    expect(page.locator("#issued li")).to_have_count(1)
    accessible(page)
    with page.expect_download() as download:
        page.locator("#issued a").click()
    assert download.value.suggested_filename.startswith("audit-Alpha supplier-es-")
