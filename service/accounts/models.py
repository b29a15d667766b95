"""User, ApiToken and LoginThrottle tables, roles, and the inputs of the accounts routes."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import StrictBool, StringConstraints
from sqlmodel import Field, SQLModel

from service.types import (
    NAME_KEY_LENGTH,
    Email,
    InputModel,
    Language,
    LoginText,
    Name,
    Password,
    UTCDateTime,
    WholeNumber,
    enum_type,
    name_key,
    utcnow,
)


class Role(StrEnum):
    """A user's one role inside a programme (DESIGN §3)."""

    admin = "admin"
    broker = "broker"
    buyer = "buyer"
    supplier = "supplier"
    provider = "provider"
    observer = "observer"


class TokenKind(StrEnum):
    """A login session or a personal token for an integration."""

    session = "session"
    personal = "personal"


class UserBase(SQLModel):
    email: str = Field(max_length=254)
    full_name: str = Field(max_length=200)
    language: Language | None = Field(default=None, sa_type=enum_type(Language))


class UserSort(StrEnum):
    """Orders of the user list: by folded full name, e-mail or creation; `-` descends."""

    name = "name"
    name_desc = "-name"
    email = "email"
    email_desc = "-email"
    created_at = "created_at"
    created_at_desc = "-created_at"


class User(UserBase, table=True):
    __table_args__ = (sa.Index("ix_user_programme_name_key", "programme_id", "name_key", "id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)  # kept lower-case
    programme_id: uuid.UUID | None = Field(default=None, foreign_key="programme.id", index=True)
    organization_id: uuid.UUID | None = Field(default=None, foreign_key="organization.id")
    role: Role | None = Field(default=None, sa_type=enum_type(Role))
    is_superuser: bool = False
    is_active: bool = True
    password_hash: str = Field(max_length=255)
    # The full name folded (case, accents, spacing) for `q` and `sort=name`.
    name_key: str = Field(default="", max_length=NAME_KEY_LENGTH)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


@sa.event.listens_for(User, "before_insert")
@sa.event.listens_for(User, "before_update")
def _fold_name(mapper: Any, connection: Any, user: User) -> None:
    """Keep name_key the folded full name, however the row was written."""
    user.name_key = name_key(user.full_name)


class UserCreate(InputModel):
    """A new user of the caller's programme."""

    email: Email
    full_name: Name
    language: Language | None = None
    organization_id: uuid.UUID
    role: Role
    password: Password


class UserUpdate(InputModel):
    """Changes to a user; omitted fields stay as they are, language may be cleared."""

    full_name: Name = Field(default=None)
    language: Language | None = None
    role: Role = Field(default=None)
    organization_id: uuid.UUID = Field(default=None)
    is_active: StrictBool = Field(default=None)
    password: Password = Field(default=None)


class ProfileUpdate(InputModel):
    """Changes a user makes to their own account; omitted fields stay as they are."""

    full_name: Name = Field(default=None)
    language: Language | None = None


class PasswordChange(InputModel):
    """A new password, allowed only with the current one."""

    current_password: LoginText
    new_password: Password


class ApiToken(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True)
    kind: TokenKind = Field(sa_type=enum_type(TokenKind))
    name: str = Field(max_length=100)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ApiTokenCreate(InputModel):
    """A personal token for an integration."""

    name: Annotated[Name, StringConstraints(max_length=100)]
    expires_in_days: WholeNumber = Field(default=90, ge=1, le=3650)


class LoginRequest(InputModel):
    """E-mail and password."""

    email: Annotated[LoginText, StringConstraints(max_length=254)]
    password: LoginText


class LoginThrottle(SQLModel, table=True):
    """Failed logins in the current window of one account, one client address, or one
    account from one address; every worker process reads and counts the same rows."""

    scope: str = Field(max_length=16, primary_key=True)  # "account", "address" or "pair"
    key: str = Field(max_length=400, primary_key=True)
    failures: int = 0
    window_started_at: datetime = Field(sa_type=UTCDateTime, index=True)
    # Progressive delay of an account under attack: no password is checked before this.
    blocked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PasswordLink(SQLModel, table=True):
    """A single-use, short-lived link to set a password (a new account's, or a reset);
    only the token's digest is kept."""

    __tablename__ = "password_link"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True)
    purpose: str = Field(max_length=16)  # "welcome" or "reset"
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PasswordResetRequest(InputModel):
    """The e-mail of the account whose password is forgotten."""

    email: Annotated[LoginText, StringConstraints(max_length=254)]


class PasswordSet(InputModel):
    """The token from the e-mailed link and the new password."""

    token: Annotated[LoginText, StringConstraints(max_length=200)]
    password: Password
