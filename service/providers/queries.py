"""Registry reads: the providers a user may see."""

from sqlmodel import Session, col, select

from service.accounts.models import Role, User
from service.programmes.models import Organization, OrganizationKind
from service.providers.access import UNIT


def visible_providers(session: Session, user: User) -> list[Organization]:
    statement = select(Organization).where(
        Organization.programme_id == user.programme_id,
        Organization.kind == OrganizationKind.provider,
    )
    if user.role not in UNIT:
        if user.role != Role.provider:
            return []
        statement = statement.where(Organization.id == user.organization_id)
    return list(
        session.exec(statement.order_by(col(Organization.name), col(Organization.id))).all()
    )
