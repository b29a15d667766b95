"""Reads of analyses that other domains' guards and views need."""

from typing import Any

from sqlmodel import Session, select

from service.analyses.models import Analysis
from workflows import AnalysisState


def approved_firms(session: Session, engagement_id: Any) -> set[Any]:
    """Organizations of the engagement whose analysis is approved."""
    statement = select(Analysis.organization_id).where(
        Analysis.engagement_id == engagement_id, Analysis.state == AnalysisState.approved
    )
    return set(session.exec(statement).all())
