"""Account use cases: login with throttling, logout, personal tokens and user management."""

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from service.accounts import throttle
from service.accounts.models import (
    ROLE_ORGANIZATION_KINDS,
    ApiToken,
    ApiTokenCreate,
    ApiTokenIssued,
    LoginResult,
    Role,
    TokenKind,
    User,
    UserCreate,
    UserUpdate,
)
from service.errors import Conflict, NotAuthenticated, NotFound
from service.programmes.models import Organization
from service.security import hash_password, new_token, token_digest, verify_password
from service.settings import Settings
from service.types import utcnow

WRONG_CREDENTIALS = "the e-mail or the password is wrong"


def login(
    *, session: Session, email: str, password: str, settings: Settings, address: str = "unknown"
) -> LoginResult:
    """Check credentials of an attempt `throttle.admit_attempt` has counted. The password is
    checked outside any transaction; only a success writes (its token), in one commit."""
    email = email.strip().lower()
    now = utcnow()
    user = session.exec(select(User).where(User.email == email)).first()
    if user is not None:
        session.expunge(user)  # keep its loaded values through the rollback
    session.rollback()  # end the read: no transaction (nor SQLite's write lock) while hashing
    valid = verify_password(user.password_hash if user else None, password)
    if user is None or not valid or not user.is_active:
        raise NotAuthenticated(WRONG_CREDENTIALS)
    throttle.succeeded(session=session, email=email, address=address)
    raw, token = _issue(
        user, TokenKind.session, "login", now + timedelta(hours=settings.session_token_hours)
    )
    session.add(token)
    session.commit()
    return LoginResult(access_token=raw, expires_at=token.expires_at)


def _issue(user: User, kind: TokenKind, name: str, expires_at: datetime) -> tuple[str, ApiToken]:
    raw = new_token()
    token = ApiToken(
        user_id=user.id,
        kind=kind,
        name=name,
        token_hash=token_digest(raw),
        expires_at=expires_at,
    )
    return raw, token


def revoke_token(*, session: Session, token: ApiToken) -> None:
    """Revoke one token (logout or deleting a personal token)."""
    token.revoked_at = utcnow()
    session.add(token)
    session.commit()


def revoke_all_tokens(session: Session, user_id: uuid.UUID) -> None:
    """Revoke every live token of a user; the caller commits."""
    session.exec(
        update(ApiToken)
        .where(col(ApiToken.user_id) == user_id, col(ApiToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


def create_personal_token(
    *, session: Session, user: User, data: ApiTokenCreate, settings: Settings
) -> ApiTokenIssued:
    """A personal API token for integrations; its secret is returned only now."""
    days = min(data.expires_in_days, settings.api_token_max_days)
    raw, token = _issue(user, TokenKind.personal, data.name, utcnow() + timedelta(days=days))
    session.add(token)
    session.commit()
    return ApiTokenIssued.model_validate({**token.model_dump(), "token": raw})


def list_personal_tokens(*, session: Session, user: User) -> list[ApiToken]:
    """The caller's personal tokens, newest first, revoked ones included."""
    statement = (
        select(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.kind == TokenKind.personal)
        .order_by(col(ApiToken.created_at).desc())
    )
    return list(session.exec(statement).all())


def get_personal_token(*, session: Session, user: User, token_id: uuid.UUID) -> ApiToken:
    """One of the caller's own personal tokens, or 404."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.kind != TokenKind.personal:
        raise NotFound("no such token")
    return token


def _organization_for_role(
    session: Session, programme_id: uuid.UUID, organization_id: uuid.UUID, role: Role
) -> Organization:
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


def create_user(*, session: Session, programme_id: uuid.UUID, data: UserCreate) -> User:
    """A user of the programme, in an organization that fits the role."""
    _organization_for_role(session, programme_id, data.organization_id, data.role)
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
    session.commit()
    return user


def update_user(*, session: Session, actor: User, user: User, data: UserUpdate) -> User:
    """Change a user; disabling or a new password revokes every token of theirs."""
    changes = data.model_dump(exclude_unset=True)
    if user.id == actor.id and (changes.get("is_active") is False or "role" in changes):
        raise Conflict("you cannot disable your own account or change your own role")
    role = changes.get("role", user.role)
    organization_id = changes.get("organization_id", user.organization_id)
    if ("role" in changes or "organization_id" in changes) and user.programme_id:
        assert role is not None
        assert organization_id is not None
        _organization_for_role(session, user.programme_id, organization_id, role)
    password = changes.pop("password", None)
    if password is not None:
        user.password_hash = hash_password(password)
    for name, value in changes.items():
        setattr(user, name, value)
    if password is not None or changes.get("is_active") is False:
        revoke_all_tokens(session, user.id)
    session.add(user)
    session.commit()
    return user


# Roles that see every user of their programme; the rest see their own organization's.
SEES_ALL_USERS = frozenset({Role.admin, Role.broker})


def visible_users(viewer: User) -> Any:
    """The users a viewer may see."""
    statement = select(User).where(User.programme_id == viewer.programme_id)
    if viewer.programme_id is None:
        return statement.where(User.id == viewer.id)
    if viewer.role not in SEES_ALL_USERS:
        statement = statement.where(User.organization_id == viewer.organization_id)
    return statement


def get_visible_user(session: Session, viewer: User, user_id: uuid.UUID) -> User:
    """A user the viewer may see, or 404 as if there were none."""
    user = session.exec(visible_users(viewer).where(User.id == user_id)).first()
    if user is None:
        raise NotFound("no such user")
    return user
