"""Routes for login, the caller's own account and tokens, and user management."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from service.accounts import service, throttle
from service.accounts.models import (
    ApiTokenCreate,
    ApiTokenIssued,
    ApiTokenPublic,
    LoginRequest,
    LoginResult,
    Role,
    User,
    UserCreate,
    UserPublic,
    UserUpdate,
)
from service.deps import CallerDep, SessionDep
from service.errors import Forbidden, problems
from service.pagination import CursorQuery, LimitQuery, Page, page_of, paginate
from service.settings import get_settings

router = APIRouter(tags=["accounts"])
AUTH = problems(401, 422)


@router.post(
    "/auth/login", response_model=LoginResult, responses=problems(401, 422, 429), tags=["auth"]
)
def login(data: LoginRequest, session: SessionDep, request: Request) -> LoginResult:
    """Exchange an e-mail and password for a bearer token."""
    address = request.client.host if request.client else "unknown"
    throttle.admit_attempt(email=data.email, address=address, settings=get_settings())
    return service.login(
        session=session,
        email=data.email,
        password=data.password,
        settings=get_settings(),
        address=address,
    )


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT, responses=AUTH, tags=["auth"])
def logout(caller: CallerDep) -> Response:
    """Revoke the token this request was made with."""
    service.revoke_token(session=caller.session, token=caller.token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=UserPublic, responses=AUTH)
def read_me(caller: CallerDep) -> User:
    """The caller's own account."""
    return caller.user


@router.get("/me/tokens", response_model=list[ApiTokenPublic], responses=AUTH)
def list_tokens(caller: CallerDep) -> list[ApiTokenPublic]:
    """The caller's personal API tokens (secrets are never shown again)."""
    tokens = service.list_personal_tokens(session=caller.session, user=caller.user)
    return [ApiTokenPublic.model_validate(token, from_attributes=True) for token in tokens]


@router.post(
    "/me/tokens",
    response_model=ApiTokenIssued,
    status_code=status.HTTP_201_CREATED,
    responses=AUTH,
)
def create_token(data: ApiTokenCreate, caller: CallerDep) -> ApiTokenIssued:
    """A personal API token for an integration; copy it now, it is shown once."""
    return service.create_personal_token(
        session=caller.session, user=caller.user, data=data, settings=get_settings()
    )


@router.delete(
    "/me/tokens/{token_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(401, 404, 422),
)
def revoke_token(token_id: uuid.UUID, caller: CallerDep) -> Response:
    """Revoke one of the caller's personal tokens."""
    token = service.get_personal_token(session=caller.session, user=caller.user, token_id=token_id)
    service.revoke_token(session=caller.session, token=token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def visible_user(user_id: uuid.UUID, caller: CallerDep) -> User:
    """Load a user the caller may see, else 404."""
    return service.get_visible_user(caller.session, caller.user, user_id)


UserDep = Annotated[User, Depends(visible_user)]


@router.get("/users", response_model=Page[UserPublic], responses=AUTH)
def list_users(
    caller: CallerDep,
    role: Annotated[Role | None, Query()] = None,
    organization_id: Annotated[uuid.UUID | None, Query()] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[UserPublic]:
    """The users the caller may see, optionally by role or organization."""
    statement = service.visible_users(caller.user)
    if role is not None:
        statement = statement.where(User.role == role)
    if organization_id is not None:
        statement = statement.where(User.organization_id == organization_id)
    rows = list(caller.session.exec(paginate(statement, User, cursor, limit)).all())
    return page_of(rows, limit, UserPublic)


@router.post(
    "/users",
    response_model=UserPublic,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 404, 409, 422),
)
def create_user(data: UserCreate, caller: CallerDep) -> User:
    """Add a user to the caller's programme (admins only)."""
    if not caller.has_role(Role.admin) or caller.user.programme_id is None:
        raise Forbidden("only a programme administrator may add users")
    return service.create_user(
        session=caller.session, programme_id=caller.user.programme_id, data=data
    )


@router.get("/users/{user_id}", response_model=UserPublic, responses=problems(401, 404, 422))
def read_user(user: UserDep) -> User:
    """One user."""
    return user


@router.patch(
    "/users/{user_id}", response_model=UserPublic, responses=problems(401, 403, 404, 409, 422)
)
def update_user(data: UserUpdate, user: UserDep, caller: CallerDep) -> User:
    """Change a user's name, role, organization, password or whether they may log in."""
    if not caller.has_role(Role.admin):
        raise Forbidden("only a programme administrator may change users")
    return service.update_user(session=caller.session, actor=caller.user, user=user, data=data)
