"""Cookie sessions on the API's token machinery, CSRF tokens bound to them, the signed-in
caller of a page and the language it is shown in."""

import hashlib
import hmac
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request
from sqlmodel import Session

from service.accounts.models import ApiToken, User
from service.deps import resolve_token
from service.errors import NotAuthenticated
from service.i18n import accepted, choose
from service.idempotency.unit import request_session
from service.programmes.models import Programme
from service.settings import get_settings

SESSION_COOKIE = "sd_session"
PRE_SESSION_COOKIE = "sd_pre"  # binds the sign-in form's CSRF token before there is a session
LANGUAGE_COOKIE = "sd_lang"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"


class SignInRequired(Exception):
    """No live session: the page answers with a redirect to the sign-in page."""


class CsrfRefused(Exception):
    """A form came without the token of the session that showed it."""


def csrf_token(secret_value: str) -> str:
    """The CSRF token of a session (or pre-session) value: a keyed hash, never the value."""
    key = get_settings().resolved_secret_key().encode()
    return hmac.new(key, b"csrf:" + secret_value.encode(), hashlib.sha256).hexdigest()


def new_pre_session() -> str:
    """A random value for the sign-in form's cookie."""
    return secrets.token_urlsafe(24)


def local_path(target: str | None) -> str:
    """`next` only when it is a path on this site (no scheme, host or `//`), else home."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target or any(ord(c) < 32 for c in target):
        return "/"
    return target


def sign_in_url(request: Request) -> str:
    """The sign-in page that brings the user back to this page afterwards."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        here = local_path(urlsplit(request.headers.get("referer", "")).path or "/")
    return "/signin?next=" + quote(here, safe="/")


def language_for(request: Request, user: User | None, programme: Programme | None) -> str:
    """The user's setting, then the language picked on this browser, then Accept-Language,
    then the programme's."""
    return choose(
        user.language if user else None,
        request.cookies.get(LANGUAGE_COOKIE),
        accepted(request.headers.get("accept-language")),
        programme.language if programme else None,
    )


@dataclass
class Viewer:
    """The signed-in user of a page, with the request's session and what the page needs."""

    request: Request
    session: Session
    user: User
    token: ApiToken
    programme: Programme | None
    language: str
    csrf: str
    form: dict[str, str] = field(default_factory=dict)  # a form post's text fields


async def form_fields(request: Request) -> dict[str, str]:
    """A form post's text fields, read before any session opens: no transaction (nor
    SQLite's write lock) is held while the client sends its body."""
    if request.method in {"GET", "HEAD"}:
        return {}
    form = await request.form()
    return {name: value for name, value in form.items() if isinstance(value, str)}


def viewer(
    request: Request, fields: Annotated[dict[str, str], Depends(form_fields)]
) -> Iterator[Viewer]:
    """Open the request's session and resolve the session cookie in it; no live session
    sends the browser to sign in."""
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        raise SignInRequired()
    with request_session(request.method) as session:
        try:
            user, token = resolve_token(session, raw)
        except NotAuthenticated as error:
            raise SignInRequired() from error
        request.state.user_id = user.id
        programme = session.get(Programme, user.programme_id) if user.programme_id else None
        yield Viewer(
            request=request,
            session=session,
            user=user,
            token=token,
            programme=programme,
            language=language_for(request, user, programme),
            csrf=csrf_token(raw),
            form=fields,
        )


ViewerDep = Annotated[Viewer, Depends(viewer)]


def checked_viewer(request: Request, page: ViewerDep) -> Viewer:
    """The viewer of a form post whose CSRF token matches its session, else refused."""
    sent = page.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    if not hmac.compare_digest(sent, page.csrf):
        raise CsrfRefused()
    return page


FormViewerDep = Annotated[Viewer, Depends(checked_viewer)]
