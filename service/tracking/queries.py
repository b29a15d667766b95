"""Reads behind tracking: overdue actions a page at a time, plans in progress with their
last review, and what an engagement's timeline shows (names, KPI values, KPI targets)."""

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exists, func
from sqlmodel import Session, col, select

from service.accounts.models import User
from service.analyses.models import KpiValue
from service.engagements.models import Engagement
from service.pagination import BY_TEXT, DAY, Order, Sorting, containing
from service.plans.models import Action, Plan, Review
from service.programmes.models import Organization
from service.targets.models import Target, TargetKind
from service.tracking import access
from service.tracking.models import OPEN_ACTION, UNDER_WAY, Filters, OverdueSort
from workflows import PlanState

# Columns, not ORM objects: a page holds 50 rows from four tables.
OVERDUE_COLUMNS: tuple[Any, ...] = (
    col(Action.id),
    col(Action.title),
    col(Action.title_key),
    col(Action.status),
    col(Action.progress),
    col(Action.due_on),
    col(Action.provider_id),
    col(Plan.id).label("plan_id"),
    col(Plan.organization_id),
    col(Engagement.id).label("engagement_id"),
    col(Engagement.buyer_id),
    col(Engagement.broker_id),
    col(Organization.name),
)


def _filtered(statement: Any, filters: Filters, by_provider: bool = True) -> Any:
    """The statement narrowed to the broker, buyer and provider asked for."""
    if filters.broker_id is not None:
        statement = statement.where(Engagement.broker_id == filters.broker_id)
    if filters.buyer_id is not None:
        statement = statement.where(Engagement.buyer_id == filters.buyer_id)
    if by_provider and filters.provider_id is not None:
        statement = statement.where(Action.provider_id == filters.provider_id)
    return statement


OVERDUE = Sorting(
    {
        "due_on": Order(col(Action.due_on), "due_on", DAY),
        "title": Order(col(Action.title_key), "title_key", BY_TEXT),
    }
)


def overdue_rows(
    session: Session,
    user: User,
    filters: Filters,
    today: date,
    page: tuple[str | None, OverdueSort, str | None, int],
) -> list[Any]:
    """Open actions of plans under way due before today whose title holds `q`, in the order
    asked for: one page (q, sort, cursor, limit) and a row."""
    q, sort, cursor, limit = page
    statement: Any = (
        sa.select(*OVERDUE_COLUMNS)
        .join(Plan, col(Plan.id) == Action.plan_id)
        .join(Engagement, col(Engagement.id) == Plan.engagement_id)
        .join(Organization, col(Organization.id) == Plan.organization_id)
        .where(
            col(Action.programme_id) == user.programme_id,
            col(Plan.state).in_(UNDER_WAY),
            col(Action.status).in_(OPEN_ACTION),
            col(Action.due_on) < today,
            containing(q, col(Action.title_key)),
        )
    )
    statement = _filtered(access.followed_actions(statement, user), filters)
    statement = OVERDUE.page(statement, sort, col(Action.id), cursor, limit)
    return list(session.execute(statement).all())


def in_progress_with_last_review(
    session: Session, user: User, filters: Filters, today: date
) -> list[Any]:
    """Plans in progress the user follows: (plan, engagement, firm name, last review held)."""
    last_review = (
        select(Review.plan_id, func.max(Review.held_on).label("held_on"))
        .where(Review.held_on <= today)
        .group_by(col(Review.plan_id))
        .subquery()
    )
    statement = (
        select(Plan, Engagement, Organization.name, last_review.c.held_on)
        .join(Engagement, col(Engagement.id) == Plan.engagement_id)
        .join(Organization, col(Organization.id) == Plan.organization_id)
        .outerjoin(last_review, last_review.c.plan_id == Plan.id)
        .where(Plan.state == PlanState.in_progress)
    )
    statement = _filtered(access.followed_plans(statement, user), filters, by_provider=False)
    if filters.provider_id is not None:
        delivers = exists().where(
            col(Action.plan_id) == Plan.id, col(Action.provider_id) == filters.provider_id
        )
        statement = statement.where(delivers)
    return list(session.exec(statement).all())


def names_of(session: Session, organization_ids: Any) -> dict[uuid.UUID, str]:
    """The organizations' names by id."""
    statement = select(Organization.id, Organization.name).where(
        col(Organization.id).in_(organization_ids)
    )
    return dict(session.exec(statement).all())


def kpi_values_of(session: Session, engagement: Engagement, firms: Any) -> list[KpiValue]:
    """The firms' KPI values in the engagement."""
    statement = select(KpiValue).where(
        KpiValue.engagement_id == engagement.id, col(KpiValue.organization_id).in_(firms)
    )
    return list(session.exec(statement).all())


def kpi_targets_of(session: Session, engagement: Engagement) -> list[Target]:
    """The engagement's agreed KPI targets."""
    statement = select(Target).where(
        Target.engagement_id == engagement.id, Target.kind == TargetKind.kpi
    )
    return list(session.exec(statement).all())
