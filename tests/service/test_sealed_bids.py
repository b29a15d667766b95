"""Sealed bids: before the deadline no route, as any other role, returns a canary price or
text or changes in any way because bids exist; the database holds no canary (SQLite file
bytes, pg_dump); no log line or event names a bidder. After closing, evaluators see all."""

import json
import logging
import re
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from service.accounts.models import Role
from service.app import app
from service.history import Event
from tests.factories import make_superuser
from tests.tender_world import (
    API,
    TenderWorld,
    bid_body,
    make_tender_world,
    pass_deadline,
    published_tender,
)

# Calling these would end the caller's session or needs no caller.
SKIPPED = {("POST", "/api/v1/auth/logout"), ("POST", "/api/v1/auth/login")}
# Responses that differ between two identical calls for reasons of their own.
VOLATILE = re.compile(r'"(last_used_at|created_at|expires_at|checked_at)":"[^"]*"')


def canaries() -> list[tuple[str, str]]:
    """Three prices and texts no other test writes."""
    tag = uuid.uuid4().hex[:8].upper()
    return [
        ("7311.37", f"CANARYALPHA{tag}"),
        ("8422.48", f"CANARYBRAVO{tag}"),
        ("6533.59", f"CANARYCHARLIE{tag}"),
    ]


def path_values(world: TenderWorld, tender_id: str, lot_id: str) -> dict[str, str]:
    tenant = world.tenant
    return {
        "programme_id": str(tenant.programme.id),
        "tender_id": tender_id,
        "lot_id": lot_id,
        "engagement_id": str(tenant.engagement.id),  # type: ignore[union-attr]
        "plan_id": str(world.plan.id),
        "action_id": str(world.actions[0].id),
        "organization_id": str(world.providers[0].id),
        "user_id": str(world.provider_users[0]),
        "trigger": "close",
        "clarification_id": str(uuid.uuid4()),
    }


def routes() -> list[tuple[str, str]]:
    return sorted(
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
        if path.startswith(API) and (method.upper(), path) not in SKIPPED
    )


# The browser UI's pages, read with each caller's token as the session cookie.
PAGES = [
    "/",
    "/tracking",
    "/engagements/{engagement_id}",
    "/admin/history",
    "/admin/organizations",
    "/admin/users",
    "/admin/programme",
]


def call_everything(
    client: TestClient, callers: dict[str, dict[str, str]], values: dict[str, str], writes: bool
) -> dict[tuple[str, str, str], str]:
    """Every route as every caller; GET responses (or all, with writes) by route and caller."""
    seen = {}
    for method, path in routes():
        if (method == "GET") == writes:
            continue
        filled = re.sub(
            r"{(\w+)}", lambda m: values.setdefault(m.group(1), str(uuid.uuid4())), path
        )
        for name, headers in callers.items():
            body: Any = None if method == "GET" else {}
            response = client.request(method, filled, json=body, headers=headers)
            assert response.status_code < 500, (method, path, name, response.text)
            text = response.text if "json" in response.headers.get("content-type", "") else ""
            seen[(method, path, name)] = VOLATILE.sub("", text)
    if not writes:
        for page in PAGES:
            filled = page.format(**values)
            for name, headers in callers.items():
                token = headers["Authorization"].removeprefix("Bearer ")
                cookie = {"Cookie": f"sd_session={token}"}
                response = client.get(filled, headers=cookie, follow_redirects=False)
                expected = (200,) if name == "admin" else (200, 404)
                assert response.status_code in expected, (page, name, response.status_code)
                seen[("PAGE", page, name)] = response.text
    return seen


def leaks(seen: dict[tuple[str, str, str], str], secrets: list[str]) -> list[str]:
    return [
        f"{key}: {secret}" for key, text in seen.items() for secret in secrets if secret in text
    ]


def test_before_the_deadline_no_route_tells_any_other_role_about_the_bids(
    client: TestClient, session: Session, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    world = make_tender_world(session)
    _root, root_token = make_superuser(session)
    tender, lot_id = published_tender(client, world)
    values = path_values(world, tender["id"], lot_id)
    callers = {str(role): world.headers(role) for role in Role}  # the provider does not bid
    callers["superuser"] = {"Authorization": f"Bearer {root_token}"}
    before = call_everything(client, callers, values, writes=False)
    session.rollback()
    events_before = session.exec(select(func.count()).select_from(Event)).one()

    bids = canaries()
    caplog.clear()
    with caplog.at_level(logging.INFO):
        for n, (price, text) in enumerate(bids):
            submitted = client.put(
                f"{API}/lots/{lot_id}/bid", json=bid_body(price, text), headers=world.bidder(n)
            )
            assert submitted.status_code == 200, submitted.text
    logged = "\n".join(record.getMessage() for record in caplog.records)
    secrets = [piece for bid in bids for piece in bid]
    session.rollback()
    assert session.exec(select(func.count()).select_from(Event)).one() == events_before

    # Every read answers exactly as before the bids; no write's answer holds a canary.
    after = call_everything(client, callers, values, writes=False)
    changed = [(key, before[key], after[key]) for key in before if before[key] != after[key]]
    assert changed == []
    assert leaks(after, secrets) == []
    assert leaks(call_everything(client, callers, values, writes=True), secrets) == []
    # A bidder sees its own bid, never another's.
    for n in range(3):
        own = call_everything(client, {"bidder": world.bidder(n)}, values, writes=False)
        others = [piece for m, bid in enumerate(bids) if m != n for piece in bid]
        assert leaks(own, others) == []
    # No log line tells who bid.
    assert [str(u) for u in world.provider_users if str(u) in logged] == []
    assert "PUT /api/v1/lots/{lot_id}/bid 200" in logged

    # The database holds no canary: the SQLite file and its journal, or pg_dump's output.
    dump = database_bytes(database_url)
    assert [secret for secret in secrets if secret.encode() in dump] == []

    # After the deadline the tender closes; declared evaluators see all three bids.
    pass_deadline(session, tender["id"])
    admin = world.headers(Role.admin)
    etag = client.get(f"{API}/tenders/{tender['id']}", headers=admin).headers["ETag"]
    closed = client.post(
        f"{API}/tenders/{tender['id']}/transitions/close", headers={**admin, "If-Match": etag}
    )
    assert closed.status_code == 200, closed.text
    broker = world.headers(Role.broker)
    assigned = client.post(
        f"{API}/tenders/{tender['id']}/evaluators",
        json={"user_id": str(world.tenant.users[Role.broker].id)},
        headers=admin,
    )
    assert assigned.status_code == 204
    client.post(
        f"{API}/tenders/{tender['id']}/declarations",
        json={"statement": "No conflict."},
        headers=broker,
    )
    opened = client.get(f"{API}/lots/{lot_id}/bids", headers=broker).json()["items"]
    assert sorted(
        (b["versions"][0]["contents"]["price"], b["versions"][0]["contents"]["team"])
        for b in opened
    ) == sorted((price, f"Team {text}") for price, text in bids)


def database_bytes(url: str) -> bytes:
    """Everything the database holds, as a backup would see it."""
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        files = [path, path.with_name(path.name + "-wal")]
        return b"".join(f.read_bytes() for f in files if f.exists())
    plain = re.sub(r"^postgresql\+\w+://", "postgresql://", url)
    return subprocess.run(["pg_dump", plain], capture_output=True, check=True).stdout


def test_the_dump_check_would_see_a_canary_written_in_the_clear(
    client: TestClient, session: Session, database_url: str
) -> None:
    world = make_tender_world(session, "Clear")
    tag = f"CANARYCLEAR{uuid.uuid4().hex[:8]}"
    admin = world.headers(Role.admin)
    created = client.post(f"{API}/tenders", json={**tender_body_with(tag)}, headers=admin)
    assert created.status_code == 201, created.text
    assert tag.encode() in database_bytes(database_url)


def tender_body_with(title: str) -> dict[str, Any]:
    from tests.tender_world import tender_body

    return json.loads(json.dumps(tender_body(title)))
