"""Who may see, change, approve and report on which plan and action: unit staff every plan,
the buyer its engagement's plans, a supplier its own, a provider the actions it delivers."""

import uuid
from typing import Any

from sqlalchemy import false
from sqlmodel import Session, col, select

from service.accounts.models import Role, User
from service.engagements import access as engagement_access
from service.engagements.models import Engagement
from service.errors import Forbidden, NotFound
from service.plans.models import Action, Party, Plan


def plan_conditions(user: User) -> list[Any]:
    """Where-clauses on rows joined to Plan and Engagement that keep the plans the user sees."""
    conditions: list[Any] = [Plan.programme_id == user.programme_id]
    if user.role in engagement_access.READS_ALL:
        return conditions
    if user.role == Role.buyer:
        return [*conditions, Engagement.buyer_id == user.organization_id]
    if user.role == Role.supplier:
        return [*conditions, Plan.organization_id == user.organization_id]
    return [*conditions, false()]


def action_conditions(user: User) -> list[Any]:
    """Where-clauses on rows joined to Action, Plan and Engagement that keep the actions the
    user sees: those of the plans it sees, or, for a provider, those it delivers."""
    if user.role == Role.provider:
        return [Plan.programme_id == user.programme_id, Action.provider_id == user.organization_id]
    return plan_conditions(user)


def visible_plans(user: User) -> Any:
    """The plans the user may see, across the programme."""
    statement = select(Plan).join(Engagement, col(Engagement.id) == Plan.engagement_id)
    return statement.where(*plan_conditions(user))


def may_see(user: User, engagement: Engagement, plan: Plan) -> bool:
    """Unit staff and the buyer see every plan of the engagement; a supplier its own."""
    if user.role in engagement_access.READS_ALL or user.role == Role.buyer:
        return True
    return user.role == Role.supplier and plan.organization_id == user.organization_id


def may_write(user: User, engagement: Engagement, plan: Plan) -> bool:
    """The broker and administrators write every plan; the buyer writes its own."""
    return engagement_access.may_act(user, engagement) or (
        user.role == Role.buyer and plan.organization_id == user.organization_id
    )


def require_write(user: User, engagement: Engagement, plan: Plan) -> None:
    """403 unless the user may write the plan."""
    if not may_write(user, engagement, plan):
        raise Forbidden("only the broker, an administrator or the buyer for its own plan")


def require_report(user: User, engagement: Engagement, plan: Plan, action: Action) -> None:
    """The broker, the firm of the plan and the provider delivering the action report on it."""
    reports = (
        may_write(user, engagement, plan)
        or (user.role == Role.supplier and plan.organization_id == user.organization_id)
        or (user.role == Role.provider and action.provider_id == user.organization_id)
    )
    if not reports:
        raise Forbidden("only the broker, the firm of the plan or its provider report progress")


def approvals_needed(plan: Plan) -> list[Party]:
    """The broker and the buyer approve every plan; a supplier also accepts its own."""
    parties = [Party.broker, Party.buyer]
    if plan.participation_id is not None:
        parties.append(Party.supplier)
    return parties


def party_of(user: User, engagement: Engagement, plan: Plan) -> Party:
    """In whose name the user approves this plan, or 403."""
    if engagement_access.may_act(user, engagement):
        return Party.broker
    if user.role == Role.buyer and user.organization_id == engagement.buyer_id:
        return Party.buyer
    if (
        user.role == Role.supplier
        and plan.participation_id is not None
        and user.organization_id == plan.organization_id
    ):
        return Party.supplier
    raise Forbidden("only the broker, the buyer or the supplier of the plan approve it")


def get_visible_plan(
    session: Session, user: User, plan_id: uuid.UUID, for_update: bool
) -> tuple[Plan, Engagement]:
    """The plan and its engagement if the user may see them, else 404."""
    return engagement_access.get_in_visible_engagement(
        session,
        user,
        Plan,
        plan_id,
        "plan",
        for_update,
        lambda engagement, plan: may_see(user, engagement, plan),
    )


def get_visible_action(
    session: Session, user: User, action_id: uuid.UUID, for_update: bool
) -> tuple[Action, Plan, Engagement]:
    """The action, its plan and engagement, if the user may see the action: through the
    plan, or as the provider that delivers it. Else 404."""
    action = session.get(Action, action_id)
    if action is None or action.programme_id != user.programme_id:
        raise NotFound("no such action")
    plan = session.get(Plan, action.plan_id)
    if plan is None:
        raise NotFound("no such action")
    if user.role == Role.provider:
        if action.provider_id != user.organization_id:
            raise NotFound("no such action")
        engagement = session.get(Engagement, plan.engagement_id)
        if engagement is None:
            raise NotFound("no such action")
        if for_update:
            session.refresh(engagement, with_for_update=True)
    else:
        try:
            plan, engagement = get_visible_plan(session, user, plan.id, for_update)
        except NotFound as error:
            raise NotFound("no such action") from error
    if for_update:
        session.refresh(action)  # read again under the engagement's lock
    return action, plan, engagement
