"""The layout check over every report, language and demo subject: nothing beyond the page's
content area, no text cut with an ellipsis, no chart label outside its chart or on another."""

import uuid
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from service.accounts.models import User
from service.analyses.models import Analysis
from service.audits.models import Audit
from service.engagements.models import Engagement
from service.plans.models import Plan
from service.programmes.models import Organization
from service.reports import charts, formats
from service.reports import service as reports
from service.reports.models import ReportKind
from service.reports.rendering import render_html
from service.roundtables.models import RoundTable
from tests.report_layout import chart_problems, charts_in, page_problems
from tests.snapshots import demo_loaded
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
    demo_loaded(engine)
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


def test_gantt_month_labels_are_left_out_rather_than_cut_or_overlapping() -> None:
    """A plan starting on 26 April: "Apr 26" has no room before "May 26" (was "Ap…")."""
    start, end = date(2026, 4, 26), date(2026, 10, 26)
    rows = [("Training", start, date(2026, 6, 1), 100, "done")]
    names = [formats.month(date(2026, month, 1), "en") for month in range(4, 11)]
    chart = charts.gantt("", start, end, rows, None, names)
    assert chart_problems(chart) == []
    assert ">Apr 26<" not in chart
    assert ">May 26<" in chart


def test_trend_dates_close_together_keep_the_last_and_do_not_overlap() -> None:
    points = [(date(2026, 9, 1), 80.0), (date(2026, 10, 15), 85.0), (date(2026, 10, 20), 90.0)]
    chart = charts.trend(
        "", [("Taller de Calzado Hermanos Ruiz", points)], 78, 95, "%", lambda d: f"{d:%d %b %y}"
    )
    assert chart_problems(chart) == []
    assert ">20 Oct 26<" in chart
    assert ">15 Oct 26<" not in chart


def test_long_radar_and_bar_labels_wrap_inside_the_chart() -> None:
    titles = [
        "Aseguramiento de la calidad del producto y del proceso",
        "Proceso productivo y distribución de planta",
        "Medio ambiente, salud y seguridad ocupacional",
        "Cumplimiento de entregas",
        "Personal y competencias",
    ]
    radar = charts.radar("", [(t, 50.0) for t in titles], [70.0, None, None, None, None], "Meta")
    bars = charts.bars("", [(t, 40.0, 60.0) for t in titles], ("Antes", "Después"), "%")
    assert (chart_problems(radar), chart_problems(bars)) == ([], [])
