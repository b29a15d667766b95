"""Reads of engagements: a page of the engagements a user may see with their buyers' names,
the participations a user may see, and a page of the history a user may see."""

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy import or_
from sqlmodel import Session, col, select

from service import history_views
from service.accounts.models import Role, User
from service.audits.access import visible_audits
from service.audits.models import Audit
from service.engagements import access
from service.engagements.models import (
    Engagement,
    EngagementPublic,
    EngagementSort,
    Participation,
)
from service.history import Event, EventPublic
from service.pagination import (
    BY_TEXT,
    CREATED,
    Order,
    Page,
    Sorting,
    containing,
    paginate_newest,
)
from service.programmes.models import Organization
from workflows import Phase


def with_buyer_name(statement: Any) -> Any:
    """A select of engagements as columns, with the buyer's name: a page of rows, not of ORM
    objects, and no second query for the names."""
    columns = sa.inspect(Engagement).columns
    buyer: tuple[Any, ...] = (
        col(Organization.name).label("buyer_name"),
        col(Organization.name_key),
    )
    return statement.with_only_columns(*columns, *buyer).join(
        Organization, col(Organization.id) == Engagement.buyer_id
    )


ENGAGEMENTS = Sorting(
    {
        "title": Order(col(Engagement.title_key), "title_key", BY_TEXT),
        "buyer_name": Order(col(Organization.name_key), "name_key", BY_TEXT),
        "created_at": Order(col(Engagement.created_at), "created_at", CREATED),
    }
)


def engagement_page(
    session: Session,
    user: User,
    *,
    phase: Phase | None,
    buyer_id: uuid.UUID | None,
    broker_id: uuid.UUID | None,
    cursor: str | None,
    limit: int,
    q: str | None = None,
    sort: EngagementSort = EngagementSort.created_at,
) -> Page[EngagementPublic]:
    """The engagements the user may see, by phase, buyer or broker, or whose title or
    buyer's name holds `q`, in the order asked for (oldest first by default)."""
    statement = access.visible_engagements(user)
    if phase is not None:
        statement = statement.where(Engagement.phase == phase)
    if buyer_id is not None:
        statement = statement.where(Engagement.buyer_id == buyer_id)
    if broker_id is not None:
        statement = statement.where(Engagement.broker_id == broker_id)
    named = with_buyer_name(statement).where(
        containing(q, col(Engagement.title_key), col(Organization.name_key))
    )
    page = ENGAGEMENTS.page(named, sort, col(Engagement.id), cursor, limit)
    rows = list(session.execute(page).all())
    return ENGAGEMENTS.page_of(rows, limit, sort, cursor, EngagementPublic)


def participations_of(session: Session, user: User, engagement: Engagement) -> list[Participation]:
    """The engagement's participations the user may see, oldest first."""
    statement = access.visible_participations(user, engagement).order_by("created_at", "id")
    return list(session.exec(statement).all())


def visible_events(user: User, engagement: Engagement) -> Any:
    """The engagement's events the user may see: unit staff all; a firm none about audits it
    may not see, and a supplier none about another supplier's participation."""
    statement = select(Event).where(Event.engagement_id == engagement.id)
    if user.role not in access.READS_ALL:
        audits = (
            visible_audits(user)
            .with_only_columns(col(Audit.id))
            .where(Audit.engagement_id == engagement.id)
        )
        statement = statement.where(col(Event.audit_id).is_(None) | col(Event.audit_id).in_(audits))
    if user.role == Role.supplier:
        own = select(col(Participation.id)).where(
            Participation.engagement_id == engagement.id,
            Participation.supplier_id == user.organization_id,
        )
        statement = statement.where(
            or_(col(Event.participation_id).is_(None), col(Event.participation_id).in_(own))
        )
    return statement


def event_page(
    session: Session, user: User, engagement: Engagement, *, cursor: str | None, limit: int
) -> Page[EventPublic]:
    """A page of the engagement's history the user may see, newest first."""
    statement = paginate_newest(visible_events(user, engagement), Event, cursor, limit)
    return history_views.event_page(session, list(session.exec(statement).all()), limit)
