"""The OpenAPI document, finished so that generated clients work: readable operation ids,
declared headers and public routes, optional bodies without `null`, binary downloads,
JSON Schema's own keywords for the bounds the service enforces, and links from an answer to
the operations on what it names (`service/openapi_links.py`)."""

import inspect
import re
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from service.errors import problem_openapi
from service.idempotency.middleware import IDEMPOTENCY_KEY_PATTERN
from service.openapi_links import add_links
from service.types import IF_MATCH_PATTERN

TAGS = [
    {"name": "auth", "description": "Log in for a bearer token, log out to revoke it."},
    {"name": "accounts", "description": "Users, your own profile, password and API tokens."},
    {"name": "programmes", "description": "Programmes (the tenants) and their history."},
    {"name": "organizations", "description": "The unit, buyers, suppliers and providers."},
    {"name": "engagements", "description": "A buyer and its candidate suppliers, by phase."},
    {"name": "workflows", "description": "The engagement and participation state machines."},
    {"name": "audits", "description": "Enterprise audits from templates, answers, evidence."},
    {"name": "round tables", "description": "Meetings of the buyer and selected suppliers."},
    {"name": "targets", "description": "Targets agreed at round tables, and their changes."},
    {"name": "analyses", "description": "Improvement analyses: findings and baseline KPIs."},
    {"name": "plans", "description": "Improvement plans, actions, reviews and decisions."},
    {"name": "tracking", "description": "Overdue actions, missed reviews, timelines, costs."},
    {"name": "reports", "description": "Issued PDF reports, kept byte for byte."},
    {
        "name": "notifications",
        "description": "E-mail preferences, webhooks, calendar feeds and the outbox.",
    },
    {"name": "providers", "description": "The registry of consulting groups and their record."},
    {"name": "tenders", "description": "Calls for proposals, sealed bids, evaluation, award."},
    {"name": "health", "description": "Liveness and readiness probes."},
]
LICENSE = {"name": "Proprietary", "identifier": "LicenseRef-Proprietary"}
SERVERS = [{"url": "/", "description": "This server"}]

HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {
        "description": 'The version to send back in If-Match, e.g. "3"',
        "schema": {"type": "string", "example": '"3"'},
    },
    "Location": {
        "description": "Where the created object (or its file) can be fetched",
        "schema": {"type": "string", "format": "uri-reference"},
    },
    "Idempotent-Replayed": {
        "description": "`true` when this is the stored response of an earlier request",
        "schema": {"type": "string", "enum": ["true"]},
    },
    "Retry-After": {
        "description": "Seconds to wait before trying again",
        "schema": {"type": "integer", "minimum": 1},
    },
    "Content-Language": {
        "description": "The language of the problem's title, detail and messages",
        "schema": {"type": "string", "enum": ["en", "es", "fr"]},
    },
    "WWW-Authenticate": {
        "description": "The authentication scheme to use",
        "schema": {"type": "string", "example": "Bearer"},
    },
    "Content-Disposition": {
        "description": "The file's name",
        "schema": {"type": "string"},
    },
}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "1 to 255 visible ASCII characters; a repeat of the same request with the "
    "same key gets the first response back (Idempotent-Replayed: true)",
    "schema": {"type": "string", "pattern": IDEMPOTENCY_KEY_PATTERN},
}
# pydantic publishes these from `json_schema_extra` and some `Field` forms as they are.
KEYWORDS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}
JSON = "application/json"
# How an endpoint's code sets a header on its successful response.
WRITTEN_BY = {"ETag": "etag(", "Location": '"Location"'}
# The headers each operation's endpoint sets, noted as the routes are given their ids.
WRITERS: dict[str, set[str]] = {}


def operation_id(route: APIRoute) -> str:
    """`<tag>_<endpoint>` without the tag's own noun: `engagements_transition`,
    `audits_list`, `round_tables_schedule`. Notes the headers the endpoint sets."""
    tag = str(route.tags[0]) if route.tags else "api"
    slug = re.sub(r"\W+", "_", tag.lower())
    name = route.name
    for noun in {slug, _singular(slug)}:
        name = re.sub(rf"(^|_){noun}(?=_|$)", "", name).strip("_")
    identifier = f"{slug}_{name or route.name}"
    source = _source(route.endpoint)
    WRITERS[identifier] = {name for name, mark in WRITTEN_BY.items() if mark in source}
    return identifier


def _singular(slug: str) -> str:
    if slug.endswith("ses"):
        return slug[:-2] + "is"  # analyses → analysis
    return slug.removesuffix("s")


def install_openapi(app: FastAPI) -> None:
    """Serve the finished document at /openapi.json (built once)."""
    default = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = finish(default())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def finish(schema: dict[str, Any]) -> dict[str, Any]:
    """Every change the generated document needs, in one pass over its operations."""
    schema = problem_openapi(schema)
    schema["info"]["license"] = LICENSE
    schema["servers"] = SERVERS
    schema["tags"] = TAGS
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            public = "security" not in operation
            if public:
                operation["security"] = []
            _require_if_match(operation)
            _optional_body(operation)
            _binary_downloads(operation)
            written = WRITERS.get(operation.get("operationId", ""), set())
            _declare_headers(operation, method, written, public)
    _rename_keywords(schema.get("components", {}).get("schemas", {}))
    add_links(schema)
    return schema


def _source(endpoint: Callable[..., Any]) -> str:
    try:
        return inspect.getsource(endpoint)
    except (OSError, TypeError):
        return ""


def _require_if_match(operation: dict[str, Any]) -> None:
    """Document If-Match as required: the code reads it as optional only to answer 428."""
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "header" and parameter["name"] == "If-Match":
            parameter["required"] = True
            parameter["schema"].pop("anyOf", None)
            parameter["schema"].update({"type": "string", "pattern": IF_MATCH_PATTERN})


def _optional_body(operation: dict[str, Any]) -> None:
    """An optional body is the object or nothing at all, not `anyOf [object, null]`."""
    body = operation.get("requestBody")
    if not body:
        return
    for media in body.get("content", {}).values():
        options = media.get("schema", {}).get("anyOf", [])
        kept = [option for option in options if option.get("type") != "null"]
        if len(options) == 2 and len(kept) == 1:
            media["schema"] = kept[0]
            body["required"] = False


def _binary_downloads(operation: dict[str, Any]) -> None:
    """A file response is a binary string, and only in its own media type."""
    for status, response in operation.get("responses", {}).items():
        content = response.get("content", {})
        files = [media for media in content if media != JSON and not media.endswith("+json")]
        if not status.startswith("2") or not files:
            continue
        content.pop(JSON, None)
        for media in files:
            content[media] = {"schema": {"type": "string", "format": "binary"}}
        response.setdefault("headers", {})["Content-Disposition"] = HEADERS["Content-Disposition"]


def _declare_headers(
    operation: dict[str, Any], method: str, written: set[str], public: bool
) -> None:
    idempotent = method == "post" and not public
    if idempotent:
        operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY)
    for status, response in operation.get("responses", {}).items():
        headers = response.setdefault("headers", {})
        if status.startswith("2"):
            for name in sorted(written):
                headers[name] = HEADERS[name]
            if idempotent:
                headers["Idempotent-Replayed"] = HEADERS["Idempotent-Replayed"]
        elif status.isdigit() and int(status) >= 400:
            headers["Content-Language"] = HEADERS["Content-Language"]
            if status == "401":
                headers["WWW-Authenticate"] = HEADERS["WWW-Authenticate"]
            if status in {"429", "503"}:
                headers["Retry-After"] = HEADERS["Retry-After"]
        if not headers:
            del response["headers"]


def _rename_keywords(node: Any) -> None:
    """`ge`/`le` (as pydantic passes some bounds through) become JSON Schema's keywords."""
    if isinstance(node, dict):
        if node.get("type") in ("integer", "number"):
            for old, new in KEYWORDS.items():
                if old in node:
                    node[new] = node.pop(old)
        for value in node.values():
            _rename_keywords(value)
    elif isinstance(node, list):
        for value in node:
            _rename_keywords(value)
