"""Public shapes of plans, actions and reviews, and the functions that build them: a list of
plans with actions, funding, reviews, approvals and health in five queries."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pydantic
from sqlmodel import Session, SQLModel

from service.plans import queries
from service.plans.models import Action, ActionCategory, ActionStatus, Party, Payer, Plan
from service.programmes.calendar import ends_on, today_in
from service.programmes.models import Programme
from workflows import PlanState
from workflows.plan_health import Health


class SharePublic(SQLModel):
    payer: Payer
    organization_id: uuid.UUID | None
    percent: Decimal


class ActionPublic(SQLModel):
    id: uuid.UUID
    plan_id: uuid.UUID
    category: ActionCategory
    title: str
    description: str | None
    finding_ids: list[str]
    owner: str | None
    provider_id: uuid.UUID | None
    starts_on: date
    due_on: date
    status: ActionStatus
    cancel_reason: str | None
    progress: int
    estimated_cost: Decimal
    actual_cost: Decimal | None
    version: int
    funding: list[SharePublic]


class ReviewProgressPublic(SQLModel):
    action_id: uuid.UUID
    progress: int


class ReviewPublic(SQLModel):
    """A monthly review; its progress is a list of {action_id, progress}, as it is sent."""

    id: uuid.UUID
    held_on: date
    broker_id: uuid.UUID
    notes: str
    next_steps: str | None
    progress: list[ReviewProgressPublic]

    @pydantic.field_validator("progress", mode="before")
    @classmethod
    def _as_list(cls, value: Any) -> Any:
        """The stored {action id: percentage} as the list a review is written with."""
        if isinstance(value, dict):
            return [{"action_id": key, "progress": pct} for key, pct in value.items()]
        return value


class HealthPublic(SQLModel):
    health: Health
    reasons: list[str]
    late_actions: list[str]
    expected_progress: int
    actual_progress: int
    months_without_review: int


class PlanPublic(SQLModel):
    id: uuid.UUID
    engagement_id: uuid.UUID
    participation_id: uuid.UUID | None
    organization_id: uuid.UUID
    starts_on: date
    ends_on: date
    months: int
    state: PlanState
    version: int
    currency: str
    approvals: list[Party]
    warnings: list[str]
    health: HealthPublic
    actions: list[ActionPublic]
    reviews: list[ReviewPublic]


def warnings_of(plan: Plan, actions: list[Action]) -> list[str]:
    """What the method advises against without forbidding it: early investment."""
    return [
        f"investment action {action.title!r} starts in the plan's first two months; "
        "capital investment usually comes after training and assistance"
        for action in queries.early_investments(plan, actions)
    ]


def action_public(action: Action, shares: list[Any]) -> ActionPublic:
    """The action with its own funding shares picked out of `shares`."""
    return ActionPublic.model_validate(
        {
            **action.model_dump(),
            "funding": [
                SharePublic.model_validate(share, from_attributes=True)
                for share in shares
                if share.action_id == action.id
            ],
        }
    )


def action_view(session: Session, action: Action) -> ActionPublic:
    """One action with its funding shares."""
    return action_public(action, queries.shares_of(session, [action.id]))


def publics(session: Session, plans: list[Plan]) -> list[PlanPublic]:
    """Plans with actions, funding, reviews, approvals and health, in five queries."""
    if not plans:
        return []
    ids = [plan.id for plan in plans]
    actions = queries.actions_of(session, ids)
    shares = queries.shares_of(session, [action.id for action in actions])
    reviews = queries.reviews_of(session, ids)
    approvals = queries.approvals_of(session, ids)
    programme = session.get(Programme, plans[0].programme_id)
    today = today_in(session, plans[0].programme_id)
    result = []
    for plan in plans:
        own_actions = [a for a in actions if a.plan_id == plan.id]
        own_reviews = [r for r in reviews if r.plan_id == plan.id]
        health = queries.health_of(plan, own_actions, own_reviews, today)
        result.append(
            PlanPublic.model_validate(
                {
                    **plan.model_dump(),
                    "ends_on": ends_on(plan),
                    "currency": programme.currency if programme else "USD",
                    "approvals": [a.party for a in approvals if a.plan_id == plan.id],
                    "warnings": warnings_of(plan, own_actions),
                    "health": HealthPublic.model_validate(health, from_attributes=True),
                    "actions": [action_public(a, shares) for a in own_actions],
                    "reviews": [
                        ReviewPublic.model_validate(r, from_attributes=True) for r in own_reviews
                    ],
                }
            )
        )
    return result


def public(session: Session, plan: Plan) -> PlanPublic:
    """One plan with everything `publics` shows."""
    return publics(session, [plan])[0]
