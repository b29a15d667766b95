"""Who may see and act on which engagement and participation (DESIGN §3), and the load-or-404
of any row that hangs from an engagement."""

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import exists, false
from sqlmodel import Session, col, select

from service.accounts.models import Role, User
from service.engagements.models import Engagement, Participation
from service.errors import Forbidden, NotFound

# Roles that read every engagement of their programme.
READS_ALL = frozenset({Role.admin, Role.broker})


def visible_engagements(user: User) -> Any:
    """Engagements the user may see: all (unit staff), its own (buyer), where it takes part
    (supplier); none for providers and observers until they have work or aggregates."""
    statement = select(Engagement).where(Engagement.programme_id == user.programme_id)
    if user.role in READS_ALL:
        return statement
    if user.role == Role.buyer:
        return statement.where(Engagement.buyer_id == user.organization_id)
    if user.role == Role.supplier:
        takes_part = exists().where(
            col(Participation.engagement_id) == Engagement.id,
            col(Participation.supplier_id) == user.organization_id,
        )
        return statement.where(takes_part)
    return statement.where(false())


def get_visible_engagement(
    session: Session, user: User, engagement_id: uuid.UUID, for_update: bool
) -> Engagement:
    """The engagement, or 404; locked for the transaction when the request will change it."""
    statement = visible_engagements(user).where(Engagement.id == engagement_id)
    if for_update:
        statement = statement.with_for_update()
    engagement = session.exec(statement).first()
    if engagement is None:
        raise NotFound("no such engagement")
    return engagement


def visible_participations(user: User, engagement: Engagement) -> Any:
    """The engagement's participations the user may see: a supplier sees only its own."""
    statement = select(Participation).where(Participation.engagement_id == engagement.id)
    if user.role == Role.supplier:
        statement = statement.where(Participation.supplier_id == user.organization_id)
    return statement


def get_visible_participation(
    session: Session, user: User, engagement: Engagement, participation_id: uuid.UUID
) -> Participation:
    """One participation of the engagement that the user may see, or 404."""
    statement = visible_participations(user, engagement).where(Participation.id == participation_id)
    participation = session.exec(statement).first()
    if participation is None:
        raise NotFound("no such participation")
    return participation


def may_act(user: User, engagement: Engagement) -> bool:
    """Admins act on every engagement, brokers on those assigned to them."""
    if user.role == Role.admin:
        return True
    return user.role == Role.broker and engagement.broker_id == user.id


def may_see(user: User, engagement: Engagement, row: Engagement | Participation) -> bool:
    """Whether the user, who sees the engagement, sees the row: a supplier only its own
    participation."""
    if isinstance(row, Participation) and user.role == Role.supplier:
        return row.supplier_id == user.organization_id
    return True


def may_write(user: User, engagement: Engagement, row: Any = None) -> bool:
    """Whether the user may change the row (or add one) in the engagement."""
    return may_act(user, engagement)


def require_action(user: User, engagement: Engagement) -> None:
    """403 unless the user may act on the engagement."""
    if not may_act(user, engagement):
        raise Forbidden("only an administrator or the engagement's broker may do this")


def require_unit_view(user: User) -> None:
    """The guard reasons name every firm: suppliers may not read them (404, as if absent)."""
    if user.role == Role.supplier:
        raise NotFound("no such resource")


def may_decide_selection(user: User, engagement: Engagement) -> bool:
    """The buyer decides selection with the broker, so the buyer may record it too."""
    return may_act(user, engagement) or (
        user.role == Role.buyer and engagement.buyer_id == user.organization_id
    )


def get_in_visible_engagement(
    session: Session,
    user: User,
    model: type[Any],
    row_id: uuid.UUID,
    noun: str,
    for_update: bool,
    may_see: Callable[[Engagement, Any], bool] = lambda _engagement, _row: True,
) -> tuple[Any, Engagement]:
    """A row of an engagement (audit, round table, target, analysis) and its engagement, if the
    user may see both; else 404 as if absent. Locked and read again when it will change."""
    row = session.get(model, row_id)
    if row is None or row.programme_id != user.programme_id:
        raise NotFound(f"no such {noun}")
    try:
        engagement = get_visible_engagement(session, user, row.engagement_id, for_update)
    except NotFound as error:
        raise NotFound(f"no such {noun}") from error
    if not may_see(engagement, row):
        raise NotFound(f"no such {noun}")
    if for_update:
        session.refresh(row)  # read again under the engagement's lock
    return row, engagement
