"""Routes for reports: issue one (rendered off the event loop, a few at a time), list what
the caller may see, and fetch the stored bytes again, identical."""

import threading
import uuid
from datetime import date
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Query, Response, status
from sqlalchemy import false
from sqlmodel import Session, col, select

from service.accounts.models import Role, User
from service.analyses.access import may_see as may_see_analysis
from service.analyses.models import Analysis
from service.audits.access import may_see as may_see_audit
from service.audits.models import Audit
from service.deps import CallerDep
from service.engagements import access
from service.engagements.models import Engagement
from service.errors import Forbidden, Gone, NotFound, problems
from service.pagination import CursorQuery, LimitQuery, Page, page_of, paginate
from service.plans.access import may_see as may_see_plan
from service.plans.models import Plan
from service.programmes import calendar as plans
from service.programmes.models import Programme
from service.reports import charts, store
from service.reports.evaluation_views import (
    analysis_view,
    audit_view,
    comparison_view,
    round_table_view,
)
from service.reports.models import IssuedReport, ReportKind, ReportPublic
from service.reports.progress_views import final_view, monthly_view
from service.reports.rendering import decimal_mark, plain, render_pdf
from service.reports.views import ReportView, plan_view, programme_view
from service.roundtables.access import may_see as may_see_round_table
from service.roundtables.models import RoundTable
from service.settings import get_settings
from service.storage import FileMissing
from service.types import InputModel, Language

router = APIRouter(tags=["reports"])
# Kinds a supplier may receive about itself; the buyer receives every kind of its engagements.
FIRM_KINDS = (ReportKind.audit, ReportKind.analysis, ReportKind.plan)
PROGRAMME_READERS = frozenset({Role.admin, Role.broker, Role.observer})


class ReportRequest(InputModel):
    """Which report, about what: the id of the audit, engagement (`comparison`), round table,
    analysis or plan, or the programme's id for `programme`."""

    kind: ReportKind
    subject_id: uuid.UUID


@lru_cache
def render_slots() -> threading.BoundedSemaphore:
    """At most SUPPLIERDEV_MAX_CONCURRENT_RENDERS renders at once per worker; others wait."""
    return threading.BoundedSemaphore(get_settings().max_concurrent_renders)


def language_of(session: Session, user: User, lang: Language | None) -> str:
    """The asked language, else the user's, else the programme's."""
    if lang is not None:
        return lang.value
    if user.language is not None:
        return user.language.value
    programme = session.get(Programme, user.programme_id) if user.programme_id else None
    return programme.language.value if programme else "en"


def _plan(session: Session, user: User, subject_id: uuid.UUID, language: str) -> ReportView:
    plan, engagement = _in_engagement(session, user, Plan, subject_id, "plan", may_see_plan)
    return plan_view(
        session, plan, engagement, language, plans.today_in(session, plan.programme_id)
    )


def _programme(session: Session, user: User, subject_id: uuid.UUID, language: str) -> ReportView:
    programme = session.get(Programme, subject_id)
    if programme is None or programme.id != user.programme_id:
        raise NotFound("no such programme", field="subject_id")
    if user.role not in PROGRAMME_READERS:
        raise Forbidden("the programme report is for the unit and its observers")
    return programme_view(session, programme, language, plans.today_in(session, programme.id))


def _audit(session: Session, user: User, subject_id: uuid.UUID, language: str) -> ReportView:
    audit, engagement = _in_engagement(session, user, Audit, subject_id, "audit", may_see_audit)
    return audit_view(session, audit, engagement, language)


def _comparison(session: Session, user: User, subject_id: uuid.UUID, language: str) -> ReportView:
    return comparison_view(session, _engagement(session, user, subject_id), language)


def _round_table(session: Session, user: User, subject_id: uuid.UUID, language: str) -> ReportView:
    round_table, engagement = _in_engagement(
        session,
        user,
        RoundTable,
        subject_id,
        "round table",
        may_see_round_table,
    )
    return round_table_view(session, round_table, engagement, language)


def _analysis(session: Session, user: User, subject_id: uuid.UUID, language: str) -> ReportView:
    analysis, engagement = _in_engagement(
        session, user, Analysis, subject_id, "analysis", may_see_analysis
    )
    return analysis_view(session, analysis, engagement, language)


def _in_engagement(
    session: Session, user: User, model: Any, subject_id: uuid.UUID, noun: str, may_see: Any
) -> tuple[Any, Engagement]:
    """The subject and its engagement if the user may see them; else 404 naming subject_id."""
    try:
        return access.get_in_visible_engagement(
            session,
            user,
            model,
            subject_id,
            noun,
            False,
            lambda engagement, row: may_see(user, engagement, row),
        )
    except NotFound as error:
        raise NotFound(f"no such {noun}", field="subject_id") from error


def _engagement(session: Session, user: User, subject_id: uuid.UUID) -> Engagement:
    """An engagement the unit or its buyer may see; suppliers get 404 (it names every firm)."""
    try:
        engagement = access.get_visible_engagement(session, user, subject_id, False)
    except NotFound as error:
        raise NotFound("no such engagement", field="subject_id") from error
    access.require_unit_view(user)
    return engagement


def _monthly(session: Session, user: User, subject_id: uuid.UUID, language: str) -> ReportView:
    engagement = _engagement(session, user, subject_id)
    return monthly_view(
        session, engagement, language, plans.today_in(session, engagement.programme_id)
    )


def _final(session: Session, user: User, subject_id: uuid.UUID, language: str) -> ReportView:
    return final_view(session, _engagement(session, user, subject_id), language)


VIEWS = {
    ReportKind.audit: _audit,
    ReportKind.comparison: _comparison,
    ReportKind.round_table: _round_table,
    ReportKind.analysis: _analysis,
    ReportKind.plan: _plan,
    ReportKind.monthly: _monthly,
    ReportKind.final: _final,
    ReportKind.programme: _programme,
}


@router.post(
    "/reports",
    response_model=ReportPublic,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 404, 422),
)
def issue_report(
    data: ReportRequest,
    caller: CallerDep,
    response: Response,
    lang: Language | None = Query(default=None, description="en, es or fr; else yours"),
) -> IssuedReport:
    """Render a report as PDF, keep its bytes with their sha256, and describe it; fetch the
    bytes at `/api/v1/reports/{id}/pdf`."""
    session, user = caller.session, caller.user
    if user.programme_id is None:
        raise NotFound("no such report subject", field="subject_id")
    language = language_of(session, user, lang)
    with charts.decimal_mark(decimal_mark(language)):
        view = VIEWS[data.kind](session, user, data.subject_id, language)
    programme = session.get(Programme, user.programme_id)
    assert programme is not None
    context = plain(
        {
            "title": view.title,
            "subtitle": view.subtitle,
            "firm": view.firm,
            "programme": programme.name,
            "paper": programme.paper_size.value,
            "currency": programme.currency,
            "issued_on": plans.today_in(session, programme.id),
            **view.context,
        }
    )
    programme_id, user_id = programme.id, user.id
    session.rollback()  # no transaction (nor SQLite write lock) is held while rendering
    with render_slots():
        pdf = render_pdf(view.template, language, context)
    sha256, key = store.store(pdf)
    report = IssuedReport(
        programme_id=programme_id,
        engagement_id=view.engagement_id,
        organization_id=view.organization_id,
        kind=data.kind,
        subject_id=data.subject_id,
        language=Language(language),
        title=view.title,
        sha256=sha256,
        size=len(pdf),
        storage_key=key,
        issued_by=user_id,
    )
    session.add(report)
    session.commit()
    session.refresh(report)
    response.headers["Location"] = f"/api/v1/reports/{report.id}/pdf"
    return report


def visible_reports(user: User) -> Any:
    """Reports the user may see: the unit all of its programme's; the buyer those of its
    engagements; a supplier those about itself; observers the programme reports."""
    statement = select(IssuedReport).where(IssuedReport.programme_id == user.programme_id)
    if user.role in access.READS_ALL:
        return statement
    if user.role == Role.buyer:
        own = select(Engagement.id).where(Engagement.buyer_id == user.organization_id)
        return statement.where(col(IssuedReport.engagement_id).in_(own))
    if user.role == Role.supplier:
        return statement.where(
            IssuedReport.organization_id == user.organization_id,
            col(IssuedReport.kind).in_(FIRM_KINDS),
        )
    if user.role == Role.observer:
        return statement.where(IssuedReport.kind == ReportKind.programme)
    return statement.where(false())


@router.get("/reports", response_model=Page[ReportPublic], responses=problems(401, 422))
def list_reports(
    caller: CallerDep,
    kind: ReportKind | None = None,
    engagement_id: uuid.UUID | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[ReportPublic]:
    """Issued reports the caller may see, oldest first; filter by kind or engagement."""
    statement = visible_reports(caller.user)
    if kind is not None:
        statement = statement.where(IssuedReport.kind == kind)
    if engagement_id is not None:
        statement = statement.where(IssuedReport.engagement_id == engagement_id)
    rows = caller.session.exec(paginate(statement, IssuedReport, cursor, limit)).all()
    return page_of(list(rows), limit, ReportPublic)


def _visible(caller: Any, report_id: uuid.UUID) -> IssuedReport:
    report = caller.session.exec(
        visible_reports(caller.user).where(IssuedReport.id == report_id)
    ).first()
    if report is None:
        raise NotFound("no such report")
    return report


@router.get("/reports/{report_id}", response_model=ReportPublic, responses=problems(401, 404, 422))
def read_report(report_id: uuid.UUID, caller: CallerDep) -> IssuedReport:
    """What an issued report is, for whom, when and its sha256."""
    return _visible(caller, report_id)


@router.get(
    "/reports/{report_id}/pdf",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "The report, as issued"},
        **problems(401, 404, 410, 422),
    },
)
def download_report(report_id: uuid.UUID, caller: CallerDep) -> Response:
    """The issued report's bytes, identical to the day it was issued."""
    report = _visible(caller, report_id)
    try:
        pdf = store.read(report.storage_key)
    except FileMissing as error:
        raise Gone(
            f"the file of report {report.id} is missing from storage; restore it from a backup "
            "(`supplierdev check` lists every missing file)"
        ) from error
    day = report.created_at.date().isoformat() if report.created_at else date.today().isoformat()
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{report.kind.value}-{day}.pdf"',
            "ETag": f'"{report.sha256}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
