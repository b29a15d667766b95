"""Who may see which round table: unit staff and the buyer every one of the engagement, a
supplier those it was invited to; and the round table's load-or-404 dependency."""

import uuid
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import false
from sqlalchemy.orm import object_session
from sqlmodel import col, select

from service.accounts.models import Role, User
from service.deps import CallerDep
from service.engagements import access as engagement_access
from service.engagements.models import Engagement
from service.roundtables.models import RoundTable, RoundTableInvitee


def visible_round_tables(user: User) -> Any:
    """Round tables the user may see: all of the programme (unit staff), those of its
    engagements (buyer), those it was invited to (supplier); none for other roles."""
    statement = select(RoundTable).where(RoundTable.programme_id == user.programme_id)
    if user.role in engagement_access.READS_ALL:
        return statement
    if user.role == Role.buyer:
        own = select(col(Engagement.id)).where(Engagement.buyer_id == user.organization_id)
        return statement.where(col(RoundTable.engagement_id).in_(own))
    if user.role != Role.supplier:
        return statement.where(false())
    invited = select(RoundTableInvitee.round_table_id).where(
        RoundTableInvitee.organization_id == user.organization_id
    )
    return statement.where(col(RoundTable.id).in_(invited))


def may_see(user: User, engagement: Engagement, row: RoundTable) -> bool:
    """Unit staff and the buyer see every round table of the engagement without asking the
    database; a supplier those it was invited to (asked in the row's own session)."""
    if user.role in engagement_access.READS_ALL or user.role == Role.buyer:
        return True
    session = object_session(row)
    if user.role != Role.supplier or session is None:
        return False
    invited = select(RoundTableInvitee.round_table_id).where(
        RoundTableInvitee.round_table_id == row.id,
        RoundTableInvitee.organization_id == user.organization_id,
    )
    return session.execute(invited).first() is not None


def may_write(user: User, engagement: Engagement, row: RoundTable | None = None) -> bool:
    """Administrators and the engagement's broker schedule and change round tables."""
    return engagement_access.may_act(user, engagement)


def round_table_dep(
    request: Request, round_table_id: uuid.UUID, caller: CallerDep
) -> tuple[RoundTable, Engagement]:
    """The round table and its engagement if the caller may see them, else 404."""
    return engagement_access.get_in_visible_engagement(
        caller.session,
        caller.user,
        RoundTable,
        round_table_id,
        "round table",
        request.method not in {"GET", "HEAD"},
        lambda engagement, row: may_see(caller.user, engagement, row),
    )


RoundTableDep = Annotated[tuple[RoundTable, Engagement], Depends(round_table_dep)]
