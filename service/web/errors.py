"""Errors on pages are pages: a readable message in the user's language (never JSON or a
stack trace), the not-found page for anything the user may not see, and a redirect to sign
in when the session is missing or expired. The API keeps its problem+json answers."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.errors import ProblemError
from service.web.labels import N_
from service.web.sessions import CsrfRefused, SignInRequired, language_for, sign_in_url
from service.web.templating import render

logger = logging.getLogger("supplierdev.web")

NOT_WEB = ("/api/", "/docs", "/redoc", "/openapi.json", "/healthz", "/readyz")
MESSAGES = {
    400: N_("The request could not be read."),
    403: N_("You may not do this."),
    404: N_("This page does not exist, or you may not see it."),
    405: N_("This page does not exist, or you may not see it."),
    409: N_("This could not be done now."),
    410: N_("The stored file is missing; the unit can restore it from a backup."),
    412: N_("Someone changed this meanwhile; read it again."),
    413: N_("The file is larger than the limit."),
    415: N_("This type of file is not accepted."),
    422: N_("Some of what was sent is not valid."),
    429: N_("Too many attempts; wait a moment and try again."),
    500: N_("Something went wrong on our side. It has been logged; please try again."),
}


def is_page(request: Request) -> bool:
    """Whether a path belongs to the browser UI rather than the API or its documents."""
    return not request.url.path.startswith(NOT_WEB)


def error_page(request: Request, status: int) -> Response:
    """The error page of a status in the language of the browser."""
    language = language_for(request, None, None)
    return render(
        request,
        "error.html",
        language,
        status=status,
        status_code=status,
        message=MESSAGES.get(status, MESSAGES[500]),
    )


def install(app: FastAPI) -> None:
    """Answer pages' errors with pages, delegating API paths to the problem+json handlers."""
    api_handlers: dict[Any, Any] = dict(app.exception_handlers)

    def delegate(kind: Any, status_of: Any) -> Any:
        async def handler(request: Request, exc: Exception) -> Response:
            if not is_page(request):
                response: Response = await api_handlers[kind](request, exc)
                return response
            status = status_of(exc)
            if status >= 500:
                logger.exception("unhandled error on page %s", request.url.path, exc_info=exc)
            return error_page(request, status)

        return handler

    app.add_exception_handler(ProblemError, delegate(ProblemError, lambda exc: exc.status))
    app.add_exception_handler(
        StarletteHTTPException, delegate(StarletteHTTPException, lambda exc: exc.status_code)
    )
    app.add_exception_handler(RequestValidationError, delegate(RequestValidationError, _invalid))
    app.add_exception_handler(Exception, delegate(Exception, lambda exc: 500))
    app.add_exception_handler(SignInRequired, _sign_in)
    app.add_exception_handler(CsrfRefused, _csrf_refused)


def _invalid(exc: RequestValidationError) -> int:
    # A malformed id in a pasted URL is a page that does not exist, as for the API's 404s.
    paths = [error for error in exc.errors() if error.get("loc", ("",))[0] == "path"]
    return 404 if paths else 422


async def _sign_in(request: Request, exc: Exception) -> Response:
    target = sign_in_url(request)
    if request.headers.get("HX-Request"):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


async def _csrf_refused(request: Request, exc: Exception) -> Response:
    return error_page(request, 403)
