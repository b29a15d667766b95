"""The call for proposals and the evaluation and award report: PDFs in en, es and fr that
fit their pages, with the tender's words in the language asked for."""

import io

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlmodel import Session

from service.accounts.models import Role
from service.reports import formats
from service.reports.rendering import render_html
from service.tenders import documents
from tests.factories import make_awarded_tender, make_tenant, make_tender
from tests.report_layout import page_problems
from tests.tender_world import make_tender_world, published_tender

WORDS = {
    "en": ("Call for proposals", "Evaluation and award report", "Awarded to"),
    "es": ("Convocatoria de propuestas", "Informe de evaluación y adjudicación", "Adjudicado a"),
    "fr": ("Appel à propositions", "Rapport d’évaluation et d’attribution", "Attribué à"),
}


def text_of(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("language", ["en", "es", "fr"])
def test_the_notice_and_the_award_report_speak_the_language_asked_for(
    client: TestClient, session: Session, language: str
) -> None:
    tenant = make_tenant(session, "Docs")
    tender, _lot, _question = make_tender(session, tenant)
    awarded, _awarded_lot = make_awarded_tender(session, tenant)
    admin = tenant.headers(Role.admin)
    notice = client.get(
        f"/api/v1/tenders/{tender.id}/notice.pdf", params={"lang": language}, headers=admin
    )
    assert notice.status_code == 200, notice.text
    assert notice.headers["content-type"] == "application/pdf"
    report = client.get(
        f"/api/v1/tenders/{awarded.id}/award-report.pdf", params={"lang": language}, headers=admin
    )
    assert report.status_code == 200, report.text
    title, award_title, awarded_to = WORDS[language]
    assert title in text_of(notice.content).replace("'", "’")
    report_text = text_of(report.content).replace("'", "’")
    assert award_title in report_text
    assert f"{awarded_to} Docs provider" in report_text


@pytest.mark.parametrize("language", ["en", "es", "fr"])
def test_the_tender_documents_fit_their_pages(session: Session, language: str) -> None:
    tenant = make_tenant(session, "Layout")
    tender, _lot, _question = make_tender(session, tenant)
    awarded, _awarded_lot = make_awarded_tender(session, tenant)
    found = []
    for template, build, subject in (
        ("tender_notice.html", documents.notice, tender),
        ("tender_award.html", documents.award, awarded),
    ):
        context = build(session, subject, tenant.programme, language)
        found += page_problems(render_html(template, language, context))
    assert found == []


def test_the_award_report_waits_for_the_evaluation(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Early")
    tender, _lot, _question = make_tender(session, tenant)
    response = client.get(
        f"/api/v1/tenders/{tender.id}/award-report.pdf", headers=tenant.headers(Role.admin)
    )
    assert response.status_code == 409
    assert response.json()["detail"] == (
        f"bids are sealed until the tender closes after its deadline "
        f"{tender.deadline_at.isoformat()}"
    )


def test_the_notice_lists_the_lots_actions(client: TestClient, session: Session) -> None:
    world = make_tender_world(session, "Notice")
    tender, _lot_id = published_tender(client, world)
    notice = client.get(
        f"/api/v1/tenders/{tender['id']}/notice.pdf",
        params={"lang": "es"},
        headers=world.headers(Role.provider),
    )
    assert notice.status_code == 200, notice.text
    text = text_of(notice.content)
    assert "Lean basics course" in text
    assert "Quality circles course" in text
    assert formats.money("9000.00", "NIO", "es") in text
