"""Who sees which programme and organization, who may change them, and who reads the
programme's history."""

import uuid

from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from service.accounts.models import Role, User
from service.errors import Forbidden, NotFound
from service.programmes.models import Organization, Programme

# Roles that see every organization of their programme; the rest see their own only.
SEES_ALL_ORGANIZATIONS = frozenset({Role.admin, Role.broker, Role.observer})
# Roles that read the programme's history: unit staff, who see every engagement, so no event
# of an engagement they may not see can reach them.
READS_HISTORY = frozenset({Role.admin, Role.broker})


def visible_programmes(user: User) -> SelectOfScalar[Programme]:
    """The caller's programme, or every programme for a platform superuser."""
    statement = select(Programme)
    if not user.is_superuser:
        statement = statement.where(Programme.id == user.programme_id)
    return statement


def visible_organizations(user: User) -> SelectOfScalar[Organization]:
    """The organizations a user may see: all of the programme, or only their own."""
    statement = select(Organization).where(Organization.programme_id == user.programme_id)
    if user.role not in SEES_ALL_ORGANIZATIONS:
        statement = statement.where(Organization.id == user.organization_id)
    return statement


def may_see(user: User, engagement: object | None, row: Programme | Organization) -> bool:
    """The rules of `visible_programmes` and `visible_organizations` for a loaded row
    (programmes and organizations belong to no engagement)."""
    if isinstance(row, Programme):
        return user.is_superuser or row.id == user.programme_id
    if row.programme_id != user.programme_id:
        return False
    return user.role in SEES_ALL_ORGANIZATIONS or row.id == user.organization_id


def may_write(user: User, engagement: object | None, row: Programme | Organization) -> bool:
    """Administrators change their programme and its organizations; a superuser any
    programme's settings."""
    if isinstance(row, Programme) and user.is_superuser:
        return True
    return user.role == Role.admin and may_see(user, engagement, row)


def get_visible_organization(
    session: Session, user: User, organization_id: uuid.UUID
) -> Organization:
    """An organization the user may see, or 404 as if it did not exist."""
    statement = visible_organizations(user).where(Organization.id == organization_id)
    organization = session.exec(statement).first()
    if organization is None:
        raise NotFound("no such organization")
    return organization


def require_superuser(user: User) -> None:
    """403 unless the user is a platform superuser, who opens programmes."""
    if not user.is_superuser:
        raise Forbidden("only a platform superuser may open programmes")


def require_administrator(user: User, what: str) -> uuid.UUID:
    """The administrator's programme; 403 naming `what` for anyone else."""
    if user.role != Role.admin or user.programme_id is None:
        raise Forbidden(f"only a programme administrator may {what}")
    return user.programme_id


def require_write(user: User, row: Programme | Organization, what: str) -> None:
    """403 naming `what` unless the user may change the (visible) row."""
    if not may_write(user, None, row):
        raise Forbidden(f"only a programme administrator may {what}")


def require_history_reader(user: User, programme: Programme) -> None:
    """The programme's history is for its unit staff and superusers; 404 for anyone else,
    as if the programme did not exist."""
    if not (user.is_superuser or user.role in READS_HISTORY) or not may_see(user, None, programme):
        raise NotFound("no such programme")
