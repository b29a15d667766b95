"""Request dependencies: one session per request that also resolves the caller."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import bindparam
from sqlmodel import Session, select

from service.accounts.models import ApiToken, Role, User
from service.errors import NotAuthenticated
from service.idempotency.unit import request_session
from service.security import token_digest
from service.types import utcnow

bearer = HTTPBearer(auto_error=False, description="A login or personal API token")


def get_session(request: Request) -> Iterator[Session]:
    """A session for this request; services commit, this only closes."""
    with request_session(request.method) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


@dataclass
class Caller:
    """The authenticated user of a request, with the request's session."""

    session: Session
    user: User
    token: ApiToken

    @property
    def role(self) -> Role | None:
        return self.user.role

    def has_role(self, *roles: Role) -> bool:
        return self.user.role in roles


# Built once: every request runs it, and building a statement costs more than running it.
TOKEN_AND_USER = (
    select(ApiToken, User)
    .join(User, User.id == ApiToken.user_id)  # type: ignore[arg-type]
    .where(ApiToken.token_hash == bindparam("digest"))
)


def resolve_token(session: Session, raw_token: str) -> tuple[User, ApiToken]:
    """The active user and unexpired, unrevoked token for a bearer token, or 401."""
    row = session.exec(TOKEN_AND_USER, params={"digest": token_digest(raw_token)}).first()
    if row is None:
        raise NotAuthenticated()
    token, user = row
    if token.revoked_at is not None or token.expires_at <= utcnow() or not user.is_active:
        raise NotAuthenticated()
    return user, token


def get_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Iterator[Caller]:
    """Open the request's session and resolve the bearer token in it."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated()
    with request_session(request.method) as session:
        user, token = resolve_token(session, credentials.credentials)
        request.state.user_id = user.id
        yield Caller(session=session, user=user, token=token)


CallerDep = Annotated[Caller, Depends(get_caller)]
