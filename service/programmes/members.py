"""Use cases on the programme's people: an administrator adds a user, changes one, disables
one or sets a new password; each change writes its events in the same commit."""

import uuid

from sqlmodel import Session, select

from service.accounts.models import Role, User, UserCreate, UserUpdate
from service.accounts.service import revoke_all_tokens
from service.errors import Conflict, NotFound
from service.history import EventKind, SubjectKind, record_event
from service.programmes.models import ROLE_ORGANIZATION_KINDS, Organization
from service.security import hash_password
from service.versioning import apply_changes, changes_text


def create_user(
    *, session: Session, actor: User, programme_id: uuid.UUID, data: UserCreate
) -> User:
    """A user of the programme, in an organization that fits the role."""
    organization_for_role(session, programme_id, data.organization_id, data.role)
    email = str(data.email).lower()
    if session.exec(select(User.id).where(User.email == email)).first() is not None:
        raise Conflict("a user with this e-mail already exists", field="email")
    user = User(
        email=email,
        full_name=data.full_name,
        language=data.language,
        programme_id=programme_id,
        organization_id=data.organization_id,
        role=data.role,
        password_hash=hash_password(data.password),
    )
    session.add(user)
    session.flush()
    _record(session, actor, user, "create_user")
    session.commit()
    return user


def update_user(*, session: Session, actor: User, user: User, data: UserUpdate) -> User:
    """Change a user; disabling or a new password revokes every token of theirs."""
    changes = {  # values sent back as they were read change nothing
        name: value
        for name, value in data.model_dump(exclude_unset=True).items()
        if name == "password" or getattr(user, name) != value
    }
    if user.id == actor.id and (changes.get("is_active") is False or "role" in changes):
        raise Conflict("you cannot disable your own account or change your own role")
    role = changes.get("role", user.role)
    organization_id = changes.get("organization_id", user.organization_id)
    if ("role" in changes or "organization_id" in changes) and user.programme_id:
        assert role is not None
        assert organization_id is not None
        organization_for_role(session, user.programme_id, organization_id, role)
    password = changes.pop("password", None)
    was_active = user.is_active
    if password is not None:
        user.password_hash = hash_password(password)
    details = apply_changes(user, {k: v for k, v in changes.items() if k != "is_active"})
    user.is_active = changes.get("is_active", was_active)
    if password is not None or changes.get("is_active") is False:
        revoke_all_tokens(session, user_id=user.id)
    session.add(user)
    _record_update(session, actor, user, details, was_active, password is not None)
    session.commit()
    return user


def _record_update(
    session: Session,
    actor: User,
    user: User,
    details: list[str],
    was_active: bool,
    new_password: bool,
) -> None:
    """One event per kind of change: details, a password set by an administrator, and the
    account disabled or enabled again."""
    if details:
        _record(session, actor, user, "update_user", reason=changes_text(details))
    if new_password:
        _record(session, actor, user, "reset_password")
    if user.is_active != was_active:
        trigger = "enable_user" if user.is_active else "disable_user"
        states = ("disabled", "active") if user.is_active else ("active", "disabled")
        _record(session, actor, user, trigger, states=states)


def _record(
    session: Session,
    actor: User,
    user: User,
    trigger: str,
    reason: str | None = None,
    states: tuple[str, str] | None = None,
) -> None:
    assert user.programme_id is not None
    record_event(
        session,
        actor_id=actor.id,
        programme_id=user.programme_id,
        kind=EventKind.user,
        subject=(SubjectKind.user, user.id),
        trigger=trigger,
        from_state=states[0] if states else None,
        to_state=states[1] if states else None,
        reason=reason,
    )


def organization_for_role(
    session: Session, programme_id: uuid.UUID, organization_id: uuid.UUID, role: Role
) -> Organization:
    """The programme's organization a user of this role joins: 404 if it is not the
    programme's, 409 if the role does not fit its kind."""
    organization = session.get(Organization, organization_id)
    if organization is None or organization.programme_id != programme_id:
        raise NotFound("no such organization in this programme", field="organization_id")
    allowed = ROLE_ORGANIZATION_KINDS[role]
    if organization.kind not in allowed:
        kinds = " or ".join(sorted(kind.value for kind in allowed))
        raise Conflict(
            f"a {role.value} must belong to a {kinds} organization, "
            f"not a {organization.kind.value}",
            field="role",
        )
    return organization
