"""Who follows which plans: the overdue actions of the plans one sees (a provider, of the
actions it delivers), the missed reviews of plans in progress for those who follow plans,
costs of the plans one sees, and the programme's totals for the unit and observers."""

from typing import Any

from service.accounts.models import Role, User
from service.engagements import access as engagement_access
from service.engagements.models import Engagement
from service.errors import Forbidden
from service.plans import access as plan_access
from service.plans.models import Plan


def followed_actions(statement: Any, user: User) -> Any:
    """The statement (on Action joined to Plan and Engagement) kept to actions the user sees:
    all for unit staff, its engagements' for a buyer, its own plan's for a supplier, those it
    delivers for a provider; none otherwise."""
    return statement.where(*plan_access.action_conditions(user))


def followed_plans(statement: Any, user: User) -> Any:
    """The statement (on Plan joined to Engagement) kept to the plans the user sees."""
    return statement.where(*plan_access.plan_conditions(user))


def follows_reviews(user: User) -> bool:
    """Providers and observers follow no plan's reviews."""
    return user.role not in {Role.provider, Role.observer}


def may_see(user: User, engagement: Engagement, plan: Plan) -> bool:
    """A plan's timeline and costs show to whoever sees the plan."""
    return plan_access.may_see(user, engagement, plan)


def may_write(user: User, engagement: Engagement, plan: Plan) -> bool:
    """Tracking only reads: nobody writes through it."""
    return False


def cost_conditions(user: User, engagement: Engagement) -> list[Any]:
    """The engagement's plans whose costs the user sees: a supplier only its own."""
    conditions: list[Any] = [Plan.engagement_id == engagement.id]
    if user.role == Role.supplier:
        conditions.append(Plan.organization_id == user.organization_id)
    return conditions


def require_programme_costs(user: User) -> None:
    """Programme totals are for the unit and its donors' observers."""
    if not (user.is_superuser or user.role in {*engagement_access.READS_ALL, Role.observer}):
        raise Forbidden("programme totals are for the unit and observers")
