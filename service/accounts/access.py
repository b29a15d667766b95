"""Who sees which user, and who may change one: one programme's people, by role."""

import uuid

from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from service.accounts.models import ApiToken, Role, User
from service.errors import NotFound

# Roles that see every user of their programme; the rest see their own organization's.
SEES_ALL_USERS = frozenset({Role.admin, Role.broker})


def visible_users(user: User) -> SelectOfScalar[User]:
    """The users a user may see: the programme's (unit staff), their organization's, or only
    themselves when they belong to no programme (a platform superuser)."""
    statement = select(User).where(User.programme_id == user.programme_id)
    if user.programme_id is None:
        return statement.where(User.id == user.id)
    if user.role not in SEES_ALL_USERS:
        statement = statement.where(User.organization_id == user.organization_id)
    return statement


def may_see(user: User, engagement: object | None, row: User) -> bool:
    """The same rule as `visible_users`, for a loaded row (users belong to no engagement)."""
    if user.programme_id is None:
        return row.id == user.id
    if row.programme_id != user.programme_id:
        return False
    return user.role in SEES_ALL_USERS or row.organization_id == user.organization_id


def may_write(user: User, engagement: object | None, row: User) -> bool:
    """A programme's administrators change its users."""
    return user.role == Role.admin and may_see(user, engagement, row)


def get_visible_user(session: Session, user: User, user_id: uuid.UUID) -> User:
    """A user the caller may see, or 404 as if there were none."""
    found = session.exec(visible_users(user).where(User.id == user_id)).first()
    if found is None:
        raise NotFound("no such user")
    return found


def get_own_token(session: Session, user: User, token_id: uuid.UUID) -> ApiToken:
    """One of the user's own tokens, a login session or a personal token, or 404."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("no such token")
    return token
