"""Reads of users beyond a lookup: filtered pages."""

import uuid

from sqlmodel import Session

from service.accounts.access import visible_users
from service.accounts.models import Role, User
from service.accounts.views import UserPublic
from service.pagination import Page, page_of, paginate


def user_page(
    session: Session,
    *,
    viewer: User,
    role: Role | None,
    organization_id: uuid.UUID | None,
    cursor: str | None,
    limit: int,
) -> Page[UserPublic]:
    """One page of the users the viewer may see, optionally of one role or organization."""
    statement = visible_users(viewer)
    if role is not None:
        statement = statement.where(User.role == role)
    if organization_id is not None:
        statement = statement.where(User.organization_id == organization_id)
    rows = list(session.exec(paginate(statement, User, cursor, limit)).all())
    return page_of(rows, limit, UserPublic)
