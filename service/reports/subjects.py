"""What a report is about: each kind loads its subject if the caller may see it (else 404,
naming subject_id) and gathers its view data."""

import uuid
from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from service.accounts.models import Role, User
from service.analyses.access import may_see as may_see_analysis
from service.analyses.models import Analysis
from service.audits.access import may_see as may_see_audit
from service.audits.models import Audit
from service.engagements import access
from service.engagements.models import Engagement
from service.errors import Forbidden, NotFound
from service.plans.access import may_see as may_see_plan
from service.plans.models import Plan
from service.programmes.calendar import today_in
from service.programmes.models import Programme
from service.reports.evaluation_views import (
    analysis_view,
    audit_view,
    comparison_view,
    round_table_view,
)
from service.reports.final_view import final_view
from service.reports.models import ReportKind
from service.reports.programme_view import programme_view
from service.reports.progress_views import monthly_view
from service.reports.views import ReportView, plan_view
from service.roundtables.access import may_see as may_see_round_table
from service.roundtables.models import RoundTable

PROGRAMME_READERS = frozenset({Role.admin, Role.broker, Role.observer})
ViewOf = Callable[[Session, User, uuid.UUID, str, dict[str, Any]], ReportView]


def _plan(
    session: Session, user: User, subject_id: uuid.UUID, language: str, _p: dict[str, Any]
) -> ReportView:
    plan, engagement = _in_engagement(session, user, Plan, subject_id, "plan", may_see_plan)
    return plan_view(session, plan, engagement, language, today_in(session, plan.programme_id))


def _programme(
    session: Session, user: User, subject_id: uuid.UUID, language: str, period: dict[str, Any]
) -> ReportView:
    programme = session.get(Programme, subject_id)
    if programme is None or programme.id != user.programme_id:
        raise NotFound("no such programme", field="subject_id")
    if user.role not in PROGRAMME_READERS:
        raise Forbidden("the programme report is for the unit and its observers")
    today = today_in(session, programme.id)
    return programme_view(session, programme, language, today, **period)


def _audit(
    session: Session, user: User, subject_id: uuid.UUID, language: str, _p: dict[str, Any]
) -> ReportView:
    audit, engagement = _in_engagement(session, user, Audit, subject_id, "audit", may_see_audit)
    return audit_view(session, audit, engagement, language)


def _comparison(
    session: Session, user: User, subject_id: uuid.UUID, language: str, _p: dict[str, Any]
) -> ReportView:
    return comparison_view(session, _engagement(session, user, subject_id), language)


def _round_table(
    session: Session, user: User, subject_id: uuid.UUID, language: str, _p: dict[str, Any]
) -> ReportView:
    round_table, engagement = _in_engagement(
        session,
        user,
        RoundTable,
        subject_id,
        "round table",
        may_see_round_table,
    )
    return round_table_view(session, round_table, engagement, language)


def _analysis(
    session: Session, user: User, subject_id: uuid.UUID, language: str, _p: dict[str, Any]
) -> ReportView:
    analysis, engagement = _in_engagement(
        session, user, Analysis, subject_id, "analysis", may_see_analysis
    )
    return analysis_view(session, analysis, engagement, language)


def _monthly(
    session: Session, user: User, subject_id: uuid.UUID, language: str, _p: dict[str, Any]
) -> ReportView:
    engagement = _engagement(session, user, subject_id)
    return monthly_view(session, engagement, language, today_in(session, engagement.programme_id))


def _final(
    session: Session, user: User, subject_id: uuid.UUID, language: str, _p: dict[str, Any]
) -> ReportView:
    return final_view(session, _engagement(session, user, subject_id), language)


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


VIEWS: dict[ReportKind, ViewOf] = {
    ReportKind.audit: _audit,
    ReportKind.comparison: _comparison,
    ReportKind.round_table: _round_table,
    ReportKind.analysis: _analysis,
    ReportKind.plan: _plan,
    ReportKind.monthly: _monthly,
    ReportKind.final: _final,
    ReportKind.programme: _programme,
}
