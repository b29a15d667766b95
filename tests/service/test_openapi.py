"""The OpenAPI document generates clean clients: readable operation ids and schema names,
no host-dependent enums, optional bodies without null, every header and public route
declared, and JSON Schema's own keywords for the bounds the service enforces."""

import json
from typing import Any

import pytest

from service.app import app

PUBLIC = {
    ("/api/v1/auth/login", "post"),
    ("/api/v1/auth/password-reset", "post"),
    ("/api/v1/auth/password-reset/confirm", "post"),
    ("/api/v1/notifications/unsubscribe", "post"),
    ("/api/v1/calendar/{token}.ics", "get"),
    ("/healthz", "get"),
    ("/readyz", "get"),
}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return app.openapi()


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    ]


def operation(spec: dict[str, Any], operation_id: str) -> dict[str, Any]:
    return next(op for _, _, op in operations(spec) if op["operationId"] == operation_id)


def test_operation_ids_are_the_tag_and_the_endpoint(spec: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in operations(spec)]
    assert len(ids) == len(set(ids))
    assert {
        "engagements_transition",
        "audits_list",
        "audits_read",
        "round_tables_schedule",
        "reports_download",
        "accounts_login",
        "plans_add_action",
    } <= set(ids)
    assert (
        operation(spec, "engagements_transition")
        == spec["paths"]["/api/v1/engagements/{engagement_id}/transitions/{trigger}"]["post"]
    )


def test_schema_names_are_unique_and_readable(spec: dict[str, Any]) -> None:
    names = list(spec["components"]["schemas"])
    assert [name for name in names if "__" in name or "-" in name] == []
    assert {"ApprovingParty", "CommittingParty"} <= set(names)


def test_time_zones_are_a_string_with_a_pattern_and_an_example(spec: dict[str, Any]) -> None:
    assert "TimeZoneName" not in spec["components"]["schemas"]
    zone = spec["components"]["schemas"]["ProgrammeCreate"]["properties"]["timezone"]
    assert (zone["type"], zone["examples"]) == ("string", ["America/Managua"])
    assert "enum" not in json.dumps(zone)
    assert zone["pattern"].startswith("^[A-Za-z]")


def test_an_optional_body_is_the_object_or_nothing(spec: dict[str, Any]) -> None:
    body = operation(spec, "engagements_transition")["requestBody"]
    assert body == {
        "required": False,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/TransitionRequest"}}
        },
    }
    assert '{"type": "null"}]' not in json.dumps(
        [op.get("requestBody") for _, _, op in operations(spec)]
    )


def test_response_headers_are_declared(spec: dict[str, Any]) -> None:
    read = operation(spec, "engagements_read")["responses"]["200"]["headers"]
    assert list(read) == ["ETag"]
    issued = operation(spec, "reports_issue")["responses"]["201"]["headers"]
    assert set(issued) == {"Location", "Idempotent-Replayed"}
    login = operation(spec, "accounts_login")["responses"]
    assert "Retry-After" in login["429"]["headers"]
    assert "Content-Language" in login["422"]["headers"]
    assert "WWW-Authenticate" in operation(spec, "accounts_read_me")["responses"]["401"]["headers"]


def test_idempotency_key_is_declared_on_every_authenticated_post(spec: dict[str, Any]) -> None:
    missing = [
        op["operationId"]
        for path, method, op in operations(spec)
        if method == "post"
        and (path, method) not in PUBLIC
        and "Idempotency-Key" not in [p["name"] for p in op.get("parameters", [])]
    ]
    assert missing == []
    login = operation(spec, "accounts_login")
    assert "Idempotency-Key" not in [p["name"] for p in login.get("parameters", [])]


def test_routes_without_authentication_say_so(spec: dict[str, Any]) -> None:
    public = {(path, method) for path, method, op in operations(spec) if op["security"] == []}
    assert public == PUBLIC


def test_servers_licence_and_described_tags(spec: dict[str, Any]) -> None:
    assert spec["servers"] == [{"url": "/", "description": "This server"}]
    assert spec["info"]["license"]["name"] == "Proprietary"
    described = {tag["name"] for tag in spec["tags"] if tag["description"]}
    used = {tag for _, _, op in operations(spec) for tag in op["tags"]}
    assert used <= described


def test_bounds_are_minimum_and_maximum(spec: dict[str, Any]) -> None:
    text = json.dumps(spec["components"])
    assert '"ge":' not in text
    assert '"le":' not in text
    progress = spec["components"]["schemas"]["ActionUpdate"]["properties"]["progress"]
    assert (progress["minimum"], progress["maximum"]) == (0, 100)


def test_downloads_are_binary(spec: dict[str, Any]) -> None:
    pdf = operation(spec, "reports_download")["responses"]["200"]["content"]
    assert pdf == {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}
    ics = operation(spec, "round_tables_calendar")["responses"]["200"]["content"]
    assert list(ics) == ["text/calendar"]
