"""Reads of users beyond a lookup: filtered pages."""

import uuid

from sqlmodel import Session, col

from service.accounts.access import visible_users
from service.accounts.models import Role, User, UserSort
from service.accounts.views import UserPublic
from service.pagination import BY_TEXT, CREATED, Order, Page, Sorting, containing

USERS = Sorting(
    {
        "name": Order(col(User.name_key), "name_key", BY_TEXT),
        "email": Order(col(User.email), "email", BY_TEXT),
        "created_at": Order(col(User.created_at), "created_at", CREATED),
    }
)


def user_page(
    session: Session,
    *,
    viewer: User,
    role: Role | None,
    organization_id: uuid.UUID | None,
    cursor: str | None,
    limit: int,
    q: str | None = None,
    sort: UserSort = UserSort.created_at,
) -> Page[UserPublic]:
    """One page of the users the viewer may see, optionally of one role or organization or
    whose name or e-mail holds `q`, in the order asked for."""
    statement = visible_users(viewer).where(containing(q, col(User.name_key), col(User.email)))
    if role is not None:
        statement = statement.where(User.role == role)
    if organization_id is not None:
        statement = statement.where(User.organization_id == organization_id)
    rows = list(session.exec(USERS.page(statement, sort, col(User.id), cursor, limit)).all())
    return USERS.page_of(rows, limit, sort, cursor, UserPublic)
