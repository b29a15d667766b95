"""What a reader sees in the reports, from the text of the PDF: each test is a defect seen on
the pages of the demo reports, fixed (issue 19)."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, delete, select

from service.audits.models import Answer, Audit, AuditPurpose
from service.engagements.models import Engagement
from service.plans.models import Plan
from service.programmes.models import Organization
from service.reports.formats import kpi_label, money
from service.reports.timecharts import nice_ticks
from tests.service.test_reports import BROKER, headers, issue, subject_of, text_of
from tests.snapshots import demo_loaded
from workflows import AuditState, Phase

API = "/api/v1"


@pytest.fixture
def demo(engine: Engine, session: Session) -> Session:
    demo_loaded(engine)
    session.rollback()
    return session


def read(client: TestClient, kind: str, subject: object, lang: str) -> str:
    response = issue(client, BROKER, kind, subject, lang)
    assert response.status_code == 201, response.text
    pdf = client.get(f"{API}/reports/{response.json()['id']}/pdf", headers=headers(BROKER))
    return text_of(pdf.content)[0].replace("\u2010 ", "")  # words hyphenated at line ends


def engagement_in(session: Session, phase: Phase) -> Engagement:
    return session.exec(select(Engagement).where(Engagement.phase == phase)).one()


def firm_plan(session: Session, name: str) -> Plan:
    firm = session.exec(select(Organization).where(Organization.name == name)).one()
    return session.exec(select(Plan).where(Plan.organization_id == firm.id)).one()


def test_money_is_whole_units_with_the_currency_code_after_in_every_language() -> None:
    assert [money("48000.00", "NIO", lang) for lang in ("en", "es", "fr")] == [
        "48,000\u00a0NIO",
        "48,000\u00a0NIO",
        "48\u202f000\u00a0NIO",
    ]


def test_kpi_units_are_in_the_reports_language_and_the_programmes_currency() -> None:
    assert kpi_label("lead_time", "fr", "NIO") == "Délai de livraison (jours)"
    assert kpi_label("local_purchases", "es", "NIO") == "Compras a proveedores locales (NIO al año)"


def test_a_trend_of_a_percentage_spans_at_least_twenty_points() -> None:
    assert nice_ticks(78, 80, 20, 0) == [60, 70, 80, 90]


def test_the_french_plan_prints_whole_costs_and_kpis_without_decimals(
    client: TestClient, demo: Session
) -> None:
    text = read(client, "plan", firm_plan(demo, "Taller de Calzado Hermanos Ruiz").id, "fr")
    assert "46 500 NIO" in text
    assert "Livraisons à temps (%) 78 95" in text
    assert not re.search(r"\d,00\b", text)


def test_a_closed_plan_shows_its_outcome_not_a_health_badge_nor_to_be_tendered(
    client: TestClient, demo: Session
) -> None:
    text = read(client, "plan", firm_plan(demo, "Envases Plásticos Granada").id, "en")
    assert "Outcome Closed · Partnership" in text
    assert "On track" not in text
    assert "To be tendered" not in text


def test_the_monthly_report_names_the_buyer_once_and_sums_the_costs(
    client: TestClient, demo: Session
) -> None:
    text = read(client, "monthly", engagement_in(demo, Phase.improvement_plans).id, "fr")
    assert "Calzado Centroamericano S.A. — Calzado Centroamericano S.A." not in text
    assert "Coûts Entreprise Budget Dépensé" in text
    assert "Total 1 576 000 NIO 332 100 NIO" in text


def test_a_monthly_report_on_closed_plans_shows_outcomes_not_health(
    client: TestClient, demo: Session
) -> None:
    text = read(client, "monthly", engagement_in(demo, Phase.completed).id, "es")
    assert "En buen camino" not in text
    assert "Envases Plásticos Granada Cerrado · Alianza 100 %" in text


def test_the_final_report_has_a_summary_costs_the_buyers_audit_and_medium_dates(
    client: TestClient, demo: Session
) -> None:
    text = read(client, "final", engagement_in(demo, Phase.completed).id, "en")
    assert "Summary 2 suppliers closed their improvement plans" in text
    assert "Costs by payer Payer Budget Spent" in text
    assert "The buyer's own audit and plan Buyer readiness for supplier development" in text
    assert "Nov 9, 2026" in text
    assert not re.search(r"\d+/\d+/\d\d", text)
    assert re.findall(r"\d+\.\d+%", text)
    assert not re.search(r"\d+\.\d\d%|(?<![\d.])\d+%", text)


def test_a_final_report_of_an_unfinished_engagement_is_refused_with_what_is_missing(
    client: TestClient, demo: Session
) -> None:
    response = issue(client, BROKER, "final", engagement_in(demo, Phase.improvement_plans).id, "en")
    assert response.status_code == 409
    # The demo broker reads Spanish: the reasons come in the user's language.
    assert response.json()["blocked_by"][:2] == [
        "el proceso está en la fase improvement_plans, no en completed",
        "el plan de Taller de Calzado Hermanos Ruiz está en el estado in_progress, no en closed",
    ]
    assert "no hay decisión de alianza para Zapatería La Esperanza" in response.json()["blocked_by"]


def test_the_programme_report_is_a_donor_report_over_a_period(
    client: TestClient, demo: Session
) -> None:
    programme, _names = subject_of(demo, "programme")
    response = client.post(
        f"{API}/reports",
        params={"lang": "en"},
        json={
            "kind": "programme",
            "subject_id": str(programme),
            "period_from": "2026-01-01",
            "period_to": "2026-12-01",
        },
        headers=headers(BROKER),
    )
    assert response.status_code == 201, response.text
    pdf = client.get(f"{API}/reports/{response.json()['id']}/pdf", headers=headers(BROKER))
    text = text_of(pdf.content)[0]
    assert "Reporting period: January 1, 2026 to December 1, 2026" in text
    assert "Buyer firms 4 Suppliers served 8 Partnerships concluded 2" in text
    assert "Café y Cereales de Matagalpa Completed 2 / 2 1 × Partnership" in text
    assert "On-time delivery (%) 2 74 89 2 / 2" in text
    assert "Cost per supplier served:" in text


def test_a_reporting_period_is_refused_for_other_reports(client: TestClient, demo: Session) -> None:
    response = client.post(
        f"{API}/reports",
        json={
            "kind": "monthly",
            "subject_id": str(engagement_in(demo, Phase.completed).id),
            "period_to": "2026-12-01",
        },
        headers=headers(BROKER),
    )
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "period_to")


def test_a_draft_audit_is_marked_and_says_what_is_missing(
    client: TestClient, demo: Session
) -> None:
    audit_id, _names = subject_of(demo, "audit")
    audit = demo.get(Audit, audit_id)
    assert audit is not None
    audit.state = AuditState.draft
    demo.add(audit)
    kept = demo.exec(select(Answer.id).where(Answer.audit_id == audit_id).limit(2)).all()
    demo.exec(delete(Answer).where(Answer.audit_id == audit_id, Answer.id.notin_(kept)))  # type: ignore[union-attr,call-overload]
    demo.commit()
    text = read(client, "audit", audit_id, "es")
    assert "BORRADOR: esta auditoría está en borrador, no revisada." in text
    assert re.search(r"Faltan: 60 de 62 respuestas \(\d+ de ellas críticas\)", text)
    assert "No falta ningún requisito crítico" not in text


def test_critical_gaps_are_listed_by_their_question_not_their_code(
    client: TestClient, demo: Session
) -> None:
    firm = demo.exec(
        select(Organization).where(Organization.name == "Calzados Artesanales de Masaya")
    ).one()
    audit = demo.exec(
        select(Audit).where(
            Audit.organization_id == firm.id, Audit.purpose == AuditPurpose.evaluation
        )
    ).one()
    text = read(client, "audit", audit.id, "es")
    gaps = text.split("Brechas críticas")[1]
    assert gaps.startswith(" Sección Requisito ")
    assert not re.search(r"\b[a-z]{3}-\d\d\b", text)


def test_the_comparison_shows_scores_alike_in_chart_and_table_and_who_was_selected(
    client: TestClient, demo: Session
) -> None:
    text = read(client, "comparison", engagement_in(demo, Phase.improvement_plans).id, "en")
    ranked = re.findall(
        r"\d ([A-Z][\w ]+?) (\d+\.\d) [A-Z][a-z ]+ \d+ (Selected|Not selected)", text
    )
    charted = re.findall(r"(\d+\.\d)%", text)
    assert [score for _name, score, _selection in ranked] == charted
    assert {name: selection for name, _score, selection in ranked} == {
        "Taller de Calzado Hermanos Ruiz": "Selected",
        "Zapatería La Esperanza": "Selected",
        "Calzados Artesanales de Masaya": "Not selected",
    }


def test_round_table_minutes_give_the_zones_city_and_whole_targets(
    client: TestClient, demo: Session
) -> None:
    subject, _names = subject_of(demo, "round_table")
    text = read(client, "round_table", subject, "fr")
    assert re.search(r"\d\d:\d\d \(Managua\)", text)
    assert "America/Managua" not in text
    assert "Livraisons à temps (%) 95" in text


def test_the_downloaded_file_is_named_by_kind_subject_language_and_date(
    client: TestClient, demo: Session
) -> None:
    subject, _names = subject_of(demo, "round_table")
    issued = issue(client, BROKER, "round_table", subject, "fr").json()
    response = client.get(f"{API}/reports/{issued['id']}/pdf", headers=headers(BROKER))
    day = issued["created_at"][:10]
    assert response.headers["content-disposition"] == (
        f'attachment; filename="round-table-lacteos-helados-del-valle-fr-{day}.pdf"; '
        f"filename*=UTF-8''round-table-L%C3%A1cteos%20Helados%20del%20Valle-fr-{day}.pdf"
    )
