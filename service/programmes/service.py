"""Programme and organization use cases: open a programme with its first administrator,
change its settings, enrol and change organizations; each writes its events."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from service.accounts.models import Role, User
from service.errors import Conflict
from service.history import EventKind, SubjectKind, record_event
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
from service.types import name_key
from service.versioning import apply_changes, changes_text


def open_programme(*, session: Session, actor: User, data: ProgrammeCreate) -> Programme:
    """A programme with its unit and first administrator, and an event for each, in one
    commit."""
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
    for row in (programme, unit, admin):  # one flush each: the foreign keys point backwards
        session.add(row)
        session.flush()
    for kind, subject, trigger in [
        (EventKind.programme, (SubjectKind.programme, programme.id), "open_programme"),
        (EventKind.organization, (SubjectKind.organization, unit.id), "create_organization"),
        (EventKind.user, (SubjectKind.user, admin.id), "create_user"),
    ]:
        record_event(
            session,
            actor_id=actor.id,
            programme_id=programme.id,
            kind=kind,
            subject=subject,
            trigger=trigger,
        )
    session.commit()
    return programme


def update_programme(
    *, session: Session, actor: User, programme: Programme, data: ProgrammeUpdate
) -> Programme:
    """Change a programme's name, time zone, language, currency or paper size."""
    changed = apply_changes(programme, data.model_dump(exclude_unset=True, exclude_none=True))
    session.add(programme)
    if changed:
        record_event(
            session,
            actor_id=actor.id,
            programme_id=programme.id,
            kind=EventKind.programme,
            subject=(SubjectKind.programme, programme.id),
            trigger="change_settings",
            reason=changes_text(changed),
        )
    session.commit()
    return programme


def create_organization(
    *, session: Session, actor: User, programme_id: uuid.UUID, data: OrganizationCreate
) -> Organization:
    """A buyer, supplier, provider, financier or donor of the programme."""
    refuse_duplicate_name(session, programme_id, data.name, None)
    organization = Organization.model_validate({**data.model_dump(), "programme_id": programme_id})
    with name_race(session, programme_id, data.name, None):
        session.add(organization)
    record_event(
        session,
        actor_id=actor.id,
        programme_id=programme_id,
        kind=EventKind.organization,
        subject=(SubjectKind.organization, organization.id),
        trigger="create_organization",
    )
    session.commit()
    return organization


def update_organization(
    *, session: Session, actor: User, organization: Organization, data: OrganizationUpdate
) -> Organization:
    """Rename an organization or change its country or sector."""
    changes = {
        name: value
        for name, value in data.model_dump(exclude_unset=True).items()
        if not (name == "name" and value is None)
    }
    if "name" in changes:
        refuse_duplicate_name(session, organization.programme_id, changes["name"], organization.id)
    name = changes.get("name", organization.name)
    with name_race(session, organization.programme_id, name, organization.id):
        changed = apply_changes(organization, changes)
        session.add(organization)
    if changed:
        record_event(
            session,
            actor_id=actor.id,
            programme_id=organization.programme_id,
            kind=EventKind.organization,
            subject=(SubjectKind.organization, organization.id),
            trigger="update_organization",
            reason=changes_text(changed),
        )
    session.commit()
    return organization


@contextmanager
def name_race(
    session: Session, programme_id: uuid.UUID, name: str, itself: uuid.UUID | None
) -> Iterator[None]:
    """Write an organization's name in a savepoint: when a concurrent request took the same
    folded name after our check, the unique index refuses it, and the answer is the checked
    path's 409 naming that organization, not an error of the database."""
    try:
        with session.begin_nested():
            yield
            session.flush()
    except IntegrityError:
        refuse_duplicate_name(session, programme_id, name, itself)
        raise


def refuse_duplicate_name(
    session: Session, programme_id: uuid.UUID, name: str, itself: uuid.UUID | None
) -> None:
    """409 naming the organization of the programme whose name folds like this one (case,
    accents and spacing aside)."""
    same = select(Organization.name).where(
        Organization.programme_id == programme_id,
        Organization.name_key == name_key(name),
    )
    if itself is not None:
        same = same.where(Organization.id != itself)
    existing = session.exec(same).first()
    if existing is not None:
        raise Conflict(
            f"the programme already has an organization named {existing!r}; names differing"
            " only in case, accents or spacing name the same organization",
            field="name",
        )
