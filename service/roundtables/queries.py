"""Reads of round tables: the engagement's visible round tables, and the facts other domains'
guards need."""

import uuid

from sqlmodel import Session, col, select

from service.accounts.models import User
from service.engagements.models import Engagement
from service.roundtables.access import visible_round_tables
from service.roundtables.models import RoundTable, RoundTableInvitee, RoundTableState


def attended_organizations(session: Session, engagement_id: uuid.UUID) -> set[uuid.UUID]:
    """Organizations that attended a held round table of the engagement."""
    statement = (
        select(RoundTableInvitee.organization_id)
        .join(RoundTable, col(RoundTable.id) == RoundTableInvitee.round_table_id)
        .where(
            RoundTable.engagement_id == engagement_id,
            RoundTable.state == RoundTableState.held,
            col(RoundTableInvitee.attended).is_(True),
        )
    )
    return set(session.exec(statement).all())


def held_with_minutes(session: Session, engagement_id: uuid.UUID) -> bool:
    """Whether a round table of the engagement was held and has minutes."""
    statement = select(RoundTable.id).where(
        RoundTable.engagement_id == engagement_id,
        RoundTable.state == RoundTableState.held,
        col(RoundTable.minutes).is_not(None),
    )
    return session.exec(statement).first() is not None


def round_tables_of(session: Session, user: User, engagement: Engagement) -> list[RoundTable]:
    """The engagement's round tables the user may see, by start time."""
    statement = (
        visible_round_tables(user)
        .where(RoundTable.engagement_id == engagement.id)
        .order_by(col(RoundTable.starts_at))
    )
    return list(session.exec(statement).all())
