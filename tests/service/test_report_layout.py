"""The layout check over every report, language and demo subject: nothing beyond the page's
content area, no text cut with an ellipsis, no chart label outside its chart or on another."""

import uuid

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from service.accounts.models import User
from service.analyses.models import Analysis
from service.audits.models import Audit
from service.demo import load_demo
from service.engagements.models import Engagement
from service.plans.models import Plan
from service.programmes.models import Organization
from service.reports import service as reports
from service.reports.models import ReportKind
from service.reports.rendering import render_html
from service.roundtables.models import RoundTable
from tests.report_layout import chart_problems, charts_in, page_problems
from workflows import Phase

ADMIN = "admin@demo.supplierdev.org"
LANGUAGES = ("en", "es", "fr")
# A firm name longer than any line of a table cell, with a word longer than a column.
OVERLONG = (
    "Taller Centroamericano de Calzado, Marroquinería y Curtiembre Industrial de Exportación "
    "Hermanos Ruiz-Zapateríaindustrialcentroamericanaexportadora S.A. de C.V."
)


@pytest.fixture
def demo(engine: Engine, session: Session) -> Session:
    load_demo()
    session.rollback()
    return session


def subjects(session: Session, kind: ReportKind) -> list[uuid.UUID]:
    """Every demo subject of a report kind."""
    model = {
        ReportKind.audit: Audit,
        ReportKind.round_table: RoundTable,
        ReportKind.analysis: Analysis,
        ReportKind.plan: Plan,
    }.get(kind)
    if model is not None:
        return list(session.exec(select(model.id)).all())  # type: ignore[attr-defined]
    if kind == ReportKind.programme:
        return [session.exec(select(User.programme_id).where(User.email == ADMIN)).one()]
    statement = select(Engagement.id)
    if kind == ReportKind.final:
        statement = statement.where(Engagement.phase == Phase.completed)
    return list(session.exec(statement).all())


def problems(session: Session, kind: ReportKind, subject: uuid.UUID, language: str) -> list[str]:
    """What the layout check finds in one report."""
    admin = session.exec(select(User).where(User.email == ADMIN)).one()
    prepared = reports.prepare(
        session=session, user=admin, kind=kind, subject_id=subject, language=language
    )
    html = render_html(prepared.view.template, language, prepared.context)
    found = page_problems(html)
    for chart in charts_in(prepared.context):
        found += chart_problems(chart)
    return [f"{kind.value} {language} {subject}: {problem}" for problem in found]


@pytest.mark.parametrize("kind", list(ReportKind))
def test_every_report_fits_its_pages_in_every_language(demo: Session, kind: ReportKind) -> None:
    found = [
        problem
        for subject in subjects(demo, kind)
        for language in LANGUAGES
        for problem in problems(demo, kind, subject, language)
    ]
    assert found == []


@pytest.mark.parametrize("kind", [ReportKind.plan, ReportKind.monthly, ReportKind.comparison])
def test_an_overlong_firm_name_wraps_instead_of_overflowing(
    demo: Session, kind: ReportKind
) -> None:
    firm = demo.exec(
        select(Organization).where(Organization.name == "Taller de Calzado Hermanos Ruiz")
    ).one()
    firm.name = OVERLONG
    demo.add(firm)
    demo.commit()
    calzado = demo.exec(select(Engagement).where(Engagement.phase == Phase.improvement_plans))
    engagement = calzado.one()
    subject = engagement.id
    if kind == ReportKind.plan:
        subject = demo.exec(select(Plan.id).where(Plan.organization_id == firm.id)).one()
    found = [p for language in LANGUAGES for p in problems(demo, kind, subject, language)]
    assert found == []
