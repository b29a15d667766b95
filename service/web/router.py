"""Pages for signing in and out, the language switch, the shipped assets and the workbench
home ("My engagements" with overdue actions and missed reviews)."""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from service.accounts import service as accounts
from service.accounts import throttle
from service.accounts.models import Role
from service.deps import SessionDep
from service.errors import NotAuthenticated, NotFound, TooManyRequests
from service.i18n import supported
from service.settings import get_settings
from service.types import Language, utcnow
from service.web import pages
from service.web.sessions import (
    LANGUAGE_COOKIE,
    PRE_SESSION_COOKIE,
    SESSION_COOKIE,
    FormViewerDep,
    ViewerDep,
    csrf_token,
    language_for,
    local_path,
    new_pre_session,
)
from service.web.templating import render

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).with_name("static")
ASSETS = {
    "htmx.min.js": "text/javascript",
    "evidence.js": "text/javascript",
    "web.css": "text/css",
}
Text = Annotated[str, Form()]


@router.get("/static/{name}")
def asset(name: str) -> FileResponse:
    """The shipped script and style sheet, cached for a day."""
    if name not in ASSETS:
        raise NotFound("no such file")
    return FileResponse(
        STATIC / name, media_type=ASSETS[name], headers={"Cache-Control": "public, max-age=86400"}
    )


@router.get("/signin")
def sign_in_form(request: Request, next: str = "/") -> Response:
    """The sign-in form, bound to a fresh pre-session cookie against cross-site posts."""
    return _sign_in_page(request, local_path(next), error=None, email="", status=200)


def _sign_in_page(
    request: Request, target: str, error: str | None, email: str, status: int
) -> Response:
    pre = new_pre_session()
    response = render(
        request,
        "signin.html",
        language_for(request, None, None),
        status=status,
        csrf=csrf_token(pre),
        target=target,
        error=error,
        email=email,
    )
    _cookie(response, request, PRE_SESSION_COOKIE, pre, max_age=3600)
    return response


@router.post("/signin")
def sign_in(
    request: Request,
    session: SessionDep,
    email: Text,
    password: Text,
    csrf: Text,
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the password with the API's throttling; a success sets the session cookie."""
    target = local_path(next)
    pre = request.cookies.get(PRE_SESSION_COOKIE, "")
    if not pre or csrf != csrf_token(pre):
        return _sign_in_page(request, target, "expired", email, 403)
    address = request.client.host if request.client else "unknown"
    settings = get_settings()
    try:
        throttle.admit_attempt(email=email, address=address, settings=settings)
        result = accounts.login(
            session=session, email=email, password=password, settings=settings, address=address
        )
    except TooManyRequests:
        return _sign_in_page(request, target, "throttled", email, 429)
    except NotAuthenticated:
        return _sign_in_page(request, target, "wrong", email, 401)
    response = RedirectResponse(target, status_code=303)
    seconds = int((result.expires_at - utcnow()).total_seconds())
    _cookie(response, request, SESSION_COOKIE, result.access_token, max_age=seconds)
    response.delete_cookie(PRE_SESSION_COOKIE, path="/")
    return response


def _cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


@router.post("/signout")
def sign_out(page: FormViewerDep) -> Response:
    """Revoke the session's token and forget the cookie."""
    accounts.revoke_token(session=page.session, token=page.token)
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/language")
def choose_language(
    request: Request,
    language: Text,
    csrf: Text,
    session: SessionDep,
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Switch the language: kept on this browser, and as the user's setting when signed in."""
    chosen = supported(language) or "en"
    response = RedirectResponse(local_path(next), status_code=303)
    raw = request.cookies.get(SESSION_COOKIE) or request.cookies.get(PRE_SESSION_COOKIE, "")
    if not raw or csrf != csrf_token(raw):
        return response
    if request.cookies.get(SESSION_COOKIE):
        pages.set_own_language(session, raw, Language(chosen))
    _cookie(response, request, LANGUAGE_COOKIE, chosen, max_age=365 * 86400)
    return response


@router.get("/")
def home(page: ViewerDep) -> Response:
    """My engagements: phase and next step of each, and what is late in them."""
    mine = page.user.id if page.user.role == Role.broker else None
    return render(
        page.request,
        "home.html",
        page.language,
        page,
        **pages.workbench(page, broker_id=mine),
    )
