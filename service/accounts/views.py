"""Public shapes of users, tokens and logins."""

import uuid
from datetime import datetime

from sqlmodel import SQLModel

from service.accounts.models import Role, TokenKind, UserBase


class UserPublic(UserBase):
    id: uuid.UUID
    programme_id: uuid.UUID | None
    organization_id: uuid.UUID | None
    role: Role | None
    is_superuser: bool
    is_active: bool
    created_at: datetime


class ApiTokenPublic(SQLModel):
    id: uuid.UUID
    name: str
    kind: TokenKind
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


class ApiTokenIssued(ApiTokenPublic):
    """A new token; the secret is shown this once and never again."""

    token: str


class LoginResult(SQLModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime


class ResetRequested(SQLModel):
    """The answer to a password reset request, the same whether or not the address exists."""

    detail: str = "if this address has an account, a link to set a new password is on its way"
