"""Who may see which agreed target: whoever sees its participation; and the target's
load-or-404 dependency."""

import uuid
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import false
from sqlalchemy.orm import object_session
from sqlmodel import col, select

from service.accounts.models import Role, User
from service.deps import CallerDep
from service.engagements import access as engagement_access
from service.engagements.models import Engagement, Participation
from service.targets.models import Target


def visible_targets(user: User) -> Any:
    """Targets the user may see: all of the programme (unit staff), those of its engagements
    (buyer), its own participations' (supplier); none for other roles."""
    statement = select(Target).where(Target.programme_id == user.programme_id)
    if user.role in engagement_access.READS_ALL:
        return statement
    if user.role == Role.buyer:
        own = select(col(Engagement.id)).where(Engagement.buyer_id == user.organization_id)
        return statement.where(col(Target.engagement_id).in_(own))
    if user.role == Role.supplier:
        own = select(col(Participation.id)).where(Participation.supplier_id == user.organization_id)
        return statement.where(col(Target.participation_id).in_(own))
    return statement.where(false())


def may_see(user: User, engagement: Engagement, row: Target) -> bool:
    """Whether the user sees the target's participation (asked in the row's own session)."""
    session = object_session(row)
    if session is None:
        return False
    visible = engagement_access.visible_participations(user, engagement)
    statement = visible.where(Participation.id == row.participation_id)
    return session.execute(statement).first() is not None


def may_write(user: User, engagement: Engagement, row: Target | None = None) -> bool:
    """Administrators and the engagement's broker record and change targets."""
    return engagement_access.may_act(user, engagement)


def target_dep(
    request: Request, target_id: uuid.UUID, caller: CallerDep
) -> tuple[Target, Engagement]:
    """The target if the caller may see its participation, else 404."""
    return engagement_access.get_in_visible_engagement(
        caller.session,
        caller.user,
        Target,
        target_id,
        "target",
        request.method not in {"GET", "HEAD"},
        lambda engagement, target: may_see(caller.user, engagement, target),
    )


TargetDep = Annotated[tuple[Target, Engagement], Depends(target_dep)]
