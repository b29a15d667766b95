"""Who sees the provider registry: the unit sees every provider with its ratings; a provider
sees and edits its own entry. Ratings are given by the broker of the engagement and the
firm whose plan holds the action."""

import uuid

from sqlmodel import Session

from service.accounts.models import Role, User
from service.errors import Forbidden, NotFound
from service.programmes.models import Organization, OrganizationKind

UNIT = frozenset({Role.admin, Role.broker})


def may_see(user: User, provider: Organization) -> bool:
    if provider.programme_id != user.programme_id or provider.kind != OrganizationKind.provider:
        return False
    return user.role in UNIT or (user.role == Role.provider and user.organization_id == provider.id)


def may_write(user: User, provider: Organization) -> bool:
    return user.role == Role.admin or (
        user.role == Role.provider and user.organization_id == provider.id
    )


def require_write(user: User, provider: Organization) -> None:
    if not may_write(user, provider):
        raise Forbidden("only an administrator or the provider itself changes its entry")


def get_visible_provider(session: Session, user: User, organization_id: uuid.UUID) -> Organization:
    """The provider organization if the user may see its entry, else 404."""
    provider = session.get(Organization, organization_id)
    if provider is None or not may_see(user, provider):
        raise NotFound("no such provider")
    return provider
