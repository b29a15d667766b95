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
    return attended_organizations_in(session, [engagement_id]).get(engagement_id, set())


def attended_organizations_in(
    session: Session, engagement_ids: list[uuid.UUID]
) -> dict[uuid.UUID, set[uuid.UUID]]:
    """Per engagement, the organizations that attended one of its held round tables."""
    statement = (
        select(RoundTable.engagement_id, RoundTableInvitee.organization_id)
        .join(RoundTable, col(RoundTable.id) == RoundTableInvitee.round_table_id)
        .where(
            col(RoundTable.engagement_id).in_(engagement_ids),
            RoundTable.state == RoundTableState.held,
            col(RoundTableInvitee.attended).is_(True),
        )
    )
    found: dict[uuid.UUID, set[uuid.UUID]] = {}
    for engagement_id, organization_id in session.exec(statement).all():
        found.setdefault(engagement_id, set()).add(organization_id)
    return found


def held_with_minutes(session: Session, engagement_id: uuid.UUID) -> bool:
    """Whether a round table of the engagement was held and has minutes."""
    return engagement_id in held_with_minutes_in(session, [engagement_id])


def held_with_minutes_in(session: Session, engagement_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """The engagements among these with a round table held and its minutes written."""
    statement = select(RoundTable.engagement_id).where(
        col(RoundTable.engagement_id).in_(engagement_ids),
        RoundTable.state == RoundTableState.held,
        col(RoundTable.minutes).is_not(None),
    )
    return set(session.exec(statement.distinct()).all())


def round_tables_of(session: Session, user: User, engagement: Engagement) -> list[RoundTable]:
    """The engagement's round tables the user may see, by start time."""
    statement = (
        visible_round_tables(user)
        .where(RoundTable.engagement_id == engagement.id)
        .order_by(col(RoundTable.starts_at))
    )
    return list(session.exec(statement).all())
