"""Reads of programmes, organizations and the programme's history beyond a lookup."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from service.accounts.models import User
from service.history import Event, EventPublic, SubjectKind
from service.history_views import event_page, newest_first
from service.pagination import BY_TEXT, CREATED, Order, Page, Sorting, containing, page_of, paginate
from service.programmes.access import visible_organizations, visible_programmes
from service.programmes.models import Organization, OrganizationKind, OrganizationSort, Programme
from service.programmes.views import OrganizationPublic, ProgrammePublic


def programme_page(
    session: Session, *, viewer: User, cursor: str | None, limit: int
) -> Page[ProgrammePublic]:
    """One page of the programmes the viewer may see."""
    statement = paginate(visible_programmes(viewer), Programme, cursor, limit)
    return page_of(list(session.exec(statement).all()), limit, ProgrammePublic)


ORGANIZATIONS = Sorting(
    {
        "name": Order(col(Organization.name_key), "name_key", BY_TEXT),
        "created_at": Order(col(Organization.created_at), "created_at", CREATED),
    }
)


def organization_page(
    session: Session,
    *,
    viewer: User,
    kind: OrganizationKind | None,
    cursor: str | None,
    limit: int,
    q: str | None = None,
    sort: OrganizationSort = OrganizationSort.created_at,
) -> Page[OrganizationPublic]:
    """One page of the organizations the viewer may see, optionally of one kind or whose
    name holds `q`, in the order asked for."""
    statement = visible_organizations(viewer).where(containing(q, col(Organization.name_key)))
    if kind is not None:
        statement = statement.where(Organization.kind == kind)
    page = ORGANIZATIONS.page(statement, sort, col(Organization.id), cursor, limit)
    rows = list(session.exec(page).all())
    return ORGANIZATIONS.page_of(rows, limit, sort, cursor, OrganizationPublic)


@dataclass(frozen=True)
class EventFilter:
    """Which of the programme's events to list; None means any."""

    subject_kind: SubjectKind | None = None
    actor_id: uuid.UUID | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


def event_history(
    session: Session,
    *,
    programme: Programme,
    where: EventFilter,
    cursor: str | None,
    limit: int,
) -> Page[EventPublic]:
    """One page of the programme's history, newest first: its own events and every
    engagement's (the caller must see every engagement: `access.require_history_reader`)."""
    statement = select(Event).where(Event.programme_id == programme.id)
    if where.subject_kind is not None:
        statement = statement.where(Event.subject_kind == where.subject_kind)
    if where.actor_id is not None:
        statement = statement.where(Event.actor_id == where.actor_id)
    if where.since is not None:
        statement = statement.where(col(Event.created_at) >= where.since)
    if where.until is not None:
        statement = statement.where(col(Event.created_at) < where.until)
    rows = list(session.exec(newest_first(statement, cursor, limit)).all())
    return event_page(session, rows, limit)
