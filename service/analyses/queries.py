"""Reads of analyses: the engagement's visible analyses, their findings, links and baselines,
and the facts other domains' guards need."""

from typing import Any

from sqlmodel import Session, col, select

from service.accounts.models import User
from service.analyses.access import visible_analyses
from service.analyses.models import Analysis, Finding, FindingLink, KpiSource, KpiValue
from service.engagements.models import Engagement
from workflows import AnalysisState


def approved_firms(session: Session, engagement_id: Any) -> set[Any]:
    """Organizations of the engagement whose analysis is approved."""
    return approved_firms_in(session, [engagement_id]).get(engagement_id, set())


def approved_firms_in(session: Session, engagement_ids: list[Any]) -> dict[Any, set[Any]]:
    """Per engagement, the organizations whose analysis is approved."""
    statement = select(Analysis.engagement_id, Analysis.organization_id).where(
        col(Analysis.engagement_id).in_(engagement_ids), Analysis.state == AnalysisState.approved
    )
    found: dict[Any, set[Any]] = {}
    for engagement_id, organization_id in session.exec(statement).all():
        found.setdefault(engagement_id, set()).add(organization_id)
    return found


def analyses_of(session: Session, user: User, engagement: Engagement) -> list[Analysis]:
    """The engagement's analyses the user may see, oldest first."""
    statement = (
        visible_analyses(user)
        .where(Analysis.engagement_id == engagement.id)
        .order_by(col(Analysis.created_at), col(Analysis.id))
    )
    return list(session.exec(statement).all())


def findings_of(session: Session, analysis_ids: list[Any]) -> list[Finding]:
    """The findings of many analyses, oldest first."""
    statement = select(Finding).where(col(Finding.analysis_id).in_(analysis_ids))
    return list(session.exec(statement.order_by(col(Finding.created_at), col(Finding.id))).all())


def links_of(session: Session, finding_ids: list[Any]) -> list[FindingLink]:
    """The audit answers and evidence files many findings rest on."""
    statement = select(FindingLink).where(col(FindingLink.finding_id).in_(finding_ids))
    return list(session.exec(statement.order_by(col(FindingLink.id))).all())


def baselines_of(session: Session, analysis_ids: list[Any]) -> list[KpiValue]:
    """The baseline KPI values of many analyses, by KPI."""
    statement = select(KpiValue).where(
        col(KpiValue.analysis_id).in_(analysis_ids), KpiValue.source == KpiSource.baseline
    )
    return list(session.exec(statement.order_by(col(KpiValue.kpi))).all())
