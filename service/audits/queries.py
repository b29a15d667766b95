"""Reads of audits that other domains' guards need."""

import uuid

from sqlmodel import Session, select

from service.audits.models import Audit, AuditPurpose
from workflows import AuditState


def reviewed_evaluations(session: Session, engagement_id: uuid.UUID) -> set[uuid.UUID]:
    """Participations of the engagement that have a reviewed evaluation audit."""
    statement = select(Audit.participation_id).where(
        Audit.engagement_id == engagement_id,
        Audit.purpose == AuditPurpose.evaluation,
        Audit.state == AuditState.reviewed,
    )
    return {row for row in session.exec(statement).all() if row is not None}
