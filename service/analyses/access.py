"""Who may see which improvement analysis: unit staff and the buyer every one of the
engagement, a supplier its own; and the analysis's load-or-404 dependency."""

import uuid
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import false
from sqlmodel import col, select

from service.accounts.models import Role, User
from service.analyses.models import Analysis
from service.deps import CallerDep
from service.engagements import access as engagement_access
from service.engagements.models import Engagement


def visible_analyses(user: User) -> Any:
    """Analyses the user may see: all of the programme (unit staff), those of its engagements
    (buyer), its own (supplier); none for other roles."""
    statement = select(Analysis).where(Analysis.programme_id == user.programme_id)
    if user.role in engagement_access.READS_ALL:
        return statement
    if user.role == Role.buyer:
        own = select(col(Engagement.id)).where(Engagement.buyer_id == user.organization_id)
        return statement.where(col(Analysis.engagement_id).in_(own))
    if user.role == Role.supplier:
        return statement.where(Analysis.organization_id == user.organization_id)
    return statement.where(false())


def may_see(user: User, engagement: Engagement, row: Analysis) -> bool:
    """Unit staff and the buyer see every analysis of the engagement; a supplier its own."""
    if user.role in engagement_access.READS_ALL or user.role == Role.buyer:
        return True
    return user.role == Role.supplier and row.organization_id == user.organization_id


def may_write(user: User, engagement: Engagement, row: Analysis | None = None) -> bool:
    """Administrators and the engagement's broker change analyses."""
    return engagement_access.may_act(user, engagement)


def analysis_dep(
    request: Request, analysis_id: uuid.UUID, caller: CallerDep
) -> tuple[Analysis, Engagement]:
    """The analysis and its engagement if the caller may see them, else 404."""
    return engagement_access.get_in_visible_engagement(
        caller.session,
        caller.user,
        Analysis,
        analysis_id,
        "analysis",
        request.method not in {"GET", "HEAD"},
        lambda engagement, analysis: may_see(caller.user, engagement, analysis),
    )


AnalysisDep = Annotated[tuple[Analysis, Engagement], Depends(analysis_dep)]
