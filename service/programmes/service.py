"""Programme and organization use cases, and who may see which organization."""

import uuid

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from service.accounts.models import Role, User
from service.errors import Conflict, NotFound
from service.programmes.models import (
    Organization,
    OrganizationCreate,
    OrganizationKind,
    OrganizationUpdate,
    Programme,
    ProgrammeCreate,
    ProgrammeUpdate,
)
from service.security import hash_password

# Roles that see every organization of their programme; the rest see their own only.
SEES_ALL_ORGANIZATIONS = frozenset({Role.admin, Role.broker, Role.observer})


def create_programme(*, session: Session, data: ProgrammeCreate) -> Programme:
    """A programme with its unit and first administrator, in one commit."""
    email = data.admin.email.strip().lower()
    if session.exec(select(User.id).where(User.email == email)).first() is not None:
        raise Conflict("a user with this e-mail already exists", field="admin.email")
    programme = Programme.model_validate(data.model_dump(exclude={"unit_name", "admin"}))
    unit = Organization(programme_id=programme.id, name=data.unit_name, kind=OrganizationKind.unit)
    admin = User(
        email=email,
        full_name=data.admin.full_name,
        programme_id=programme.id,
        organization_id=unit.id,
        role=Role.admin,
        password_hash=hash_password(data.admin.password),
    )
    session.add(programme)
    session.flush()
    session.add(unit)
    session.flush()
    session.add(admin)
    session.commit()
    return programme


def update_programme(*, session: Session, programme: Programme, data: ProgrammeUpdate) -> Programme:
    """Change a programme's name, time zone, language, currency or paper size."""
    for name, value in data.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(programme, name, value)
    session.add(programme)
    session.commit()
    return programme


def visible_organizations(user: User) -> SelectOfScalar[Organization]:
    """The organizations a user may see: all of the programme, or only their own."""
    statement = select(Organization).where(Organization.programme_id == user.programme_id)
    if user.role not in SEES_ALL_ORGANIZATIONS:
        statement = statement.where(Organization.id == user.organization_id)
    return statement


def get_visible_organization(
    session: Session, user: User, organization_id: uuid.UUID
) -> Organization:
    """An organization the user may see, or 404 as if it did not exist."""
    statement = visible_organizations(user).where(Organization.id == organization_id)
    organization = session.exec(statement).first()
    if organization is None:
        raise NotFound("no such organization")
    return organization


def organizations_query(user: User, kind: OrganizationKind | None) -> SelectOfScalar[Organization]:
    """The visible organizations, optionally of one kind."""
    statement = visible_organizations(user)
    if kind is not None:
        statement = statement.where(Organization.kind == kind)
    return statement


def create_organization(
    *, session: Session, programme_id: uuid.UUID, data: OrganizationCreate
) -> Organization:
    """A buyer, supplier, provider, financier or donor of the programme."""
    duplicate = select(Organization.id).where(
        Organization.programme_id == programme_id,
        col(Organization.name) == data.name,
        Organization.kind == data.kind,
    )
    if session.exec(duplicate).first() is not None:
        raise Conflict(f"a {data.kind.value} named {data.name!r} already exists", field="name")
    organization = Organization.model_validate({**data.model_dump(), "programme_id": programme_id})
    session.add(organization)
    session.commit()
    return organization


def update_organization(
    *, session: Session, organization: Organization, data: OrganizationUpdate
) -> Organization:
    """Rename an organization or change its country or sector."""
    for name, value in data.model_dump(exclude_unset=True).items():
        if name == "name" and value is None:
            continue
        setattr(organization, name, value)
    session.add(organization)
    session.commit()
    return organization
