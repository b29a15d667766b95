"""Request dependencies shared by every domain: the session and the caller, load-or-404 of
the objects other domains hang from (programme, engagement, participation), If-Match, ETag
and the problem statuses routes declare."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import bindparam
from sqlmodel import Session, select

from service.accounts.models import ApiToken, Role, User
from service.engagements import access as engagement_access
from service.engagements.models import Engagement, Participation
from service.errors import NotAuthenticated, NotFound, PreconditionRequired, problems
from service.idempotency.unit import request_session
from service.programmes.models import Programme
from service.security import token_digest
from service.types import IF_MATCH_PATTERN, utcnow
from service.versioning import ANY_VERSION

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
        # What a problem is worded in: the user's language, else their programme's.
        request.state.user_language = user.language
        request.state.programme_id = user.programme_id
        yield Caller(session=session, user=user, token=token)


CallerDep = Annotated[Caller, Depends(get_caller)]

# The problem statuses a read and a versioned change can answer.
READ = problems(401, 404, 422)
WRITE = problems(401, 403, 404, 409, 412, 422, 428)


def if_match(
    value: Annotated[
        str | None,
        Header(
            alias="If-Match",
            pattern=IF_MATCH_PATTERN,
            description='The ETag you read, e.g. "3", or * for whatever version is current '
            "(RFC 9110); required for every change",
        ),
    ] = None,
) -> int:
    """The version the client read (`ANY_VERSION` for `*`); 428 when it sent none."""
    if value is None:
        raise PreconditionRequired('send If-Match with the ETag you read, e.g. If-Match: "3"')
    if value == "*":
        return ANY_VERSION
    return int(value.removeprefix("W/").strip('"'))


VersionDep = Annotated[int, Depends(if_match)]


def etag(response: Response, version: int) -> None:
    """The version a client sends back in If-Match."""
    response.headers["ETag"] = f'"{version}"'


def parent_etag(response: Response, version: int) -> None:
    """The new version of the parent a child was created under (engagement, plan, analysis):
    the client's next If-Match on that parent, with no need to read it again."""
    response.headers["Parent-ETag"] = f'"{version}"'


_HEADER = {"schema": {"type": "string"}}


def created_under_parent(*, child_etag: bool) -> dict[int | str, dict[str, Any]]:
    """The 201 of a route that creates a child under a versioned parent: it declares the
    parent's new version (Parent-ETag) and, for a versioned child, the child's own (ETag)."""
    headers = {"Parent-ETag": {"description": "The parent's new version", **_HEADER}}
    if child_etag:
        headers["ETag"] = {"description": "The new child's version", **_HEADER}
    return {201: {"description": "Created", "headers": headers}}


def visible_programme(programme_id: uuid.UUID, caller: CallerDep) -> Programme:
    """A programme the caller belongs to (any programme for a superuser), else 404."""
    programme = caller.session.get(Programme, programme_id)
    if programme is None or not (
        caller.user.is_superuser or caller.user.programme_id == programme.id
    ):
        raise NotFound("no such programme")
    return programme


ProgrammeDep = Annotated[Programme, Depends(visible_programme)]


def engagement_dep(request: Request, engagement_id: uuid.UUID, caller: CallerDep) -> Engagement:
    """The engagement if the caller may see it (404 otherwise), locked when it will change."""
    locking = request.method not in {"GET", "HEAD"}
    return engagement_access.get_visible_engagement(
        caller.session, caller.user, engagement_id, locking
    )


EngagementDep = Annotated[Engagement, Depends(engagement_dep)]


def participation_dep(
    participation_id: uuid.UUID, engagement: EngagementDep, caller: CallerDep
) -> Participation:
    """One of the engagement's participations the caller may see, else 404."""
    return engagement_access.get_visible_participation(
        caller.session, caller.user, engagement, participation_id
    )


ParticipationDep = Annotated[Participation, Depends(participation_dep)]
