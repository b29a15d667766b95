"""Reads of plans that other domains' guards need."""

from typing import Any

from sqlmodel import Session, select

from service.plans.models import Plan
from workflows import PlanState


def closed_firms(session: Session, engagement_id: Any) -> set[Any]:
    """Organizations of the engagement whose plan is closed."""
    statement = select(Plan.organization_id).where(
        Plan.engagement_id == engagement_id, Plan.state == PlanState.closed
    )
    return set(session.exec(statement).all())


def plan_states(session: Session, engagement_id: Any) -> dict[Any, PlanState]:
    """Each firm's plan state in the engagement."""
    statement = select(Plan.organization_id, Plan.state).where(Plan.engagement_id == engagement_id)
    return {organization_id: PlanState(state) for organization_id, state in session.exec(statement)}
