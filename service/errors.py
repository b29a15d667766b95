"""RFC 9457 problem details: errors carry their own status and one handler renders them."""

import logging
import re
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.i18n import accepted
from service.messages import choose_language, localize, programme_language, sentence

logger = logging.getLogger("supplierdev.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"
BODY_PARSE_ERROR = "There was an error parsing the body"


class FieldError(BaseModel):
    """One invalid field of a request."""

    field: str
    message: str
    type: str


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] | None = None
    blocked_by: list[str] | None = None


class ProblemError(Exception):
    """Base for every error the service raises on purpose."""

    status = 500
    type_slug = "internal"

    def __init__(self, detail: str, field: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        if field is not None:
            extra["errors"] = [{"field": field, "message": detail, "type": "value_error"}]
        self.extra = extra
        self.headers: dict[str, str] = {}

    def problem(self, instance: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": f"/problems/{self.type_slug}",
            "title": HTTPStatus(self.status).phrase,
            "status": self.status,
            "detail": self.detail,
            "instance": instance,
        }
        body.update(self.extra)
        return body


class NotAuthenticated(ProblemError):
    status, type_slug = 401, "not-authenticated"

    def __init__(self, detail: str = "a valid bearer token is required") -> None:
        super().__init__(detail)
        self.headers = {"WWW-Authenticate": "Bearer"}


class Forbidden(ProblemError):
    status, type_slug = 403, "forbidden"


class NotFound(ProblemError):
    status, type_slug = 404, "not-found"


class Conflict(ProblemError):
    status, type_slug = 409, "conflict"


class PreconditionFailed(ProblemError):
    status, type_slug = 412, "precondition-failed"


class Unprocessable(ProblemError):
    status, type_slug = 422, "invalid-request"


class PayloadTooLarge(ProblemError):
    status, type_slug = 413, "payload-too-large"


class Gone(ProblemError):
    status, type_slug = 410, "gone"


class UnsupportedMedia(ProblemError):
    status, type_slug = 415, "unsupported-media-type"


class PreconditionRequired(ProblemError):
    status, type_slug = 428, "precondition-required"


class TooManyRequests(ProblemError):
    status, type_slug = 429, "too-many-requests"

    def __init__(self, detail: str, retry_after_seconds: int) -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": str(max(1, retry_after_seconds))}


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    """Render a problem document with its media type."""
    return JSONResponse(
        body, status_code=body["status"], headers=headers, media_type=PROBLEM_MEDIA_TYPE
    )


# Body fields whose value chooses the shape of the rest (targets by kind, KPI values by kpi).
DISCRIMINATORS = ("kind", "kpi")


def _field_name(location: tuple[Any, ...] | list[Any], body: Any) -> str:
    """The dotted name of the field an error is about, without pydantic's union tags.

    pydantic puts the chosen member's tag into a location (`kpi.on_time_delivery.value` for
    the `value` of an on-time-delivery target); a tag is a part that is not the last and is
    either the value of a discriminating field or no key of the object at hand.
    """
    parts = list(location)
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"}:
        if parts[0] != "body":
            body = None
        parts = parts[1:] if len(parts) > 1 else parts
    kept: list[str] = []
    node = body
    for index, part in enumerate(parts):
        if isinstance(node, dict) and isinstance(part, str) and index < len(parts) - 1:
            tags = [node.get(name) for name in DISCRIMINATORS]  # any JSON value, even unhashable
            if part in tags or part not in node:
                continue
        kept.append(str(part))
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            node = None
    return ".".join(kept) or "body"


def _validation_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    errors = []
    for error in exc.errors():
        message = sentence(error)
        location = list(error.get("loc", ()))
        context = error.get("ctx", {})
        if "discriminator" in context:
            # The discriminating field itself is missing or names no known shape.
            name = str(context["discriminator"]).strip("'")
            location.append(name)
            if error.get("type") == "union_tag_invalid":
                message = f"{context['tag']!r} is not one of {context['expected_tags']}"
            elif error.get("type") == "union_tag_not_found":
                message = f"an object with {name} is required"
        field = _field_name(location, getattr(exc, "body", None))
        if error.get("type") == "json_invalid":
            reason = context.get("error", message)
            message = f"the body is not valid JSON ({reason} at character {field})"
            field = "body"
        errors.append(
            {
                "field": field,
                "message": message,
                "type": str(error.get("type", "value_error")),
            }
        )
    return errors


def install_error_handlers(app: FastAPI) -> None:
    """Render every error, ours or the framework's, as problem+json."""

    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError) -> JSONResponse:
        return await _localized(request, exc.problem(request.url.path), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        if len(errors) == 1:
            detail = f"{errors[0]['field']}: {errors[0]['message']}"
        else:
            detail = "invalid request: " + ", ".join(sorted({error["field"] for error in errors}))
        body = Unprocessable(detail, errors=errors).problem(request.url.path)
        return await _localized(request, body)

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        # A uniqueness race lost to a concurrent request: the same answer as the checked path.
        detail = "this conflicts with a record that was created at the same time; read it again"
        return await _localized(request, Conflict(detail).problem(request.url.path))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        body = ProblemError("an unexpected error occurred; it has been logged").problem(
            request.url.path
        )
        return await _localized(request, body)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.detail == BODY_PARSE_ERROR:
            # FastAPI answers 400 for a body that is not even text; it is malformed JSON too.
            problem = Unprocessable("the body is not valid JSON text", field="body")
            return await _localized(request, problem.problem(request.url.path))
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request.app, request.url.path))
        body = {
            "type": "about:blank",
            "title": HTTPStatus(exc.status_code).phrase,
            "status": exc.status_code,
            "detail": str(exc.detail),
            "instance": request.url.path,
        }
        return await _localized(request, body, headers)


async def _localized(
    request: Request, body: dict[str, Any], headers: dict[str, str] | None = None
) -> JSONResponse:
    """The problem in the caller's language, with Content-Language saying which."""
    language = await run_in_threadpool(_language_of, request)
    response = problem_response(localize(body, language), headers)
    response.headers["Content-Language"] = language
    return response


def _language_of(request: Request) -> str:
    """The user's setting, else Accept-Language, else the user's programme's language."""
    user_language = getattr(request.state, "user_language", None)
    header = request.headers.get("accept-language")
    programme = None
    programme_id = getattr(request.state, "programme_id", None)
    if user_language is None and not accepted(header) and programme_id is not None:
        programme = programme_language(programme_id)
    return choose_language(user_language, header, programme)


_DESCRIPTIONS = {
    400: "Bad request",
    401: "Missing, expired or revoked bearer token",
    403: "The object is visible but this action is not allowed for the caller's role",
    404: "Not found, or not visible to the caller",
    409: "Refused by a rule of the method; `blocked_by` lists what blocks it",
    412: "The If-Match version is stale",
    410: "The record exists but its stored file is missing; restore it from a backup",
    413: "The upload is larger than the limit",
    415: "The file type is not accepted",
    422: "Invalid request; `errors` names each invalid field",
    428: "The If-Match header is required",
    429: "Too many attempts; see Retry-After",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for the problem statuses a route can answer."""
    return {status: {"model": Problem, "description": _DESCRIPTIONS[status]} for status in statuses}


def problem_openapi(schema: dict[str, Any]) -> dict[str, Any]:
    """Declare every error response as problem+json (FastAPI would say application/json)."""
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            for status, response in operation.get("responses", {}).items():
                if status.isdigit() and int(status) >= 400:
                    response["content"] = {
                        PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
                    }
                    if status == "422":
                        response["description"] = _DESCRIPTIONS[422]
    components = schema.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    return schema


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method the API documents for a concrete path (for the Allow header of a 405)."""
    methods: set[str] = set()
    for template, operations in app.openapi()["paths"].items():
        pattern = "^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            methods.update(method.upper() for method in operations)
    return sorted(methods)
