"""Routes for login, logout, and the caller's own account and personal tokens."""

import uuid

from fastapi import APIRouter, Request, Response, status

from service.accounts import access, profile, service, throttle
from service.accounts.models import (
    ApiTokenCreate,
    LoginRequest,
    PasswordChange,
    PasswordResetRequest,
    PasswordSet,
    ProfileUpdate,
    User,
)
from service.accounts.views import (
    ApiTokenIssued,
    ApiTokenPublic,
    LoginResult,
    ResetRequested,
    UserPublic,
)
from service.deps import CallerDep, SessionDep
from service.errors import problems
from service.pagination import CursorQuery, LimitQuery, Page, page_of
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


@router.post(
    "/auth/password-reset",
    response_model=ResetRequested,
    status_code=status.HTTP_202_ACCEPTED,
    responses=problems(422),
    tags=["auth"],
)
def request_password_reset(data: PasswordResetRequest, session: SessionDep) -> ResetRequested:
    """E-mail a password link to this address if it has an account; the answer is the same
    whether or not it has one."""
    service.request_password_reset(session=session, email=data.email)
    return ResetRequested()


@router.post(
    "/auth/password-reset/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(422),
    tags=["auth"],
)
def reset_password(data: PasswordSet, session: SessionDep) -> Response:
    """Set a new password with the token of an e-mailed link (it works once, for a while);
    every token of the account is revoked."""
    service.reset_password(session=session, token=data.token, password=data.password)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=UserPublic, responses=AUTH)
def read_me(caller: CallerDep) -> User:
    """The caller's own account."""
    return caller.user


@router.patch("/me", response_model=UserPublic, responses=AUTH)
def update_me(data: ProfileUpdate, caller: CallerDep) -> User:
    """Change your own name or language (the language of messages and reports)."""
    return profile.update_profile(session=caller.session, user=caller.user, data=data)


@router.post(
    "/me/password", status_code=status.HTTP_204_NO_CONTENT, responses=problems(401, 403, 422)
)
def change_password(data: PasswordChange, caller: CallerDep) -> Response:
    """Change your own password with the current one (403 when it is wrong); every other
    session and token of yours is revoked, the one you used stays valid."""
    profile.change_password(session=caller.session, user=caller.user, token=caller.token, data=data)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me/tokens", response_model=Page[ApiTokenPublic], responses=AUTH)
def list_tokens(
    caller: CallerDep, cursor: CursorQuery = None, limit: LimitQuery = 50
) -> Page[ApiTokenPublic]:
    """Your tokens, login sessions and personal tokens, revoked ones included, oldest first
    (secrets are never shown again)."""
    rows = profile.token_page(caller.session, caller.user, cursor, limit)
    return page_of(rows, limit, ApiTokenPublic)


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
    """Revoke one of your tokens, a personal token or a login session."""
    token = access.get_own_token(caller.session, caller.user, token_id)
    service.revoke_token(session=caller.session, token=token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
