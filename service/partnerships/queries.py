"""Reads of partnership decisions beyond a lookup."""

from typing import Any

from sqlmodel import Session, col, select

from service.partnerships.models import PartnershipDecision


def decisions_of(session: Session, engagement_id: Any) -> list[PartnershipDecision]:
    """The engagement's partnership decisions, oldest first."""
    statement = select(PartnershipDecision).where(
        PartnershipDecision.engagement_id == engagement_id
    )
    return list(
        session.exec(
            statement.order_by(col(PartnershipDecision.decided_at), col(PartnershipDecision.id))
        ).all()
    )
