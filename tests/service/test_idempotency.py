"""Idempotency-Key: a repeated POST replays the first response and creates nothing more."""

import asyncio

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from service.accounts.models import Role
from service.programmes.models import Organization
from tests.factories import make_tenant
from tests.server import running_server

BODY = {"name": "Cartonajes Managua", "kind": "supplier"}


def organizations_named(session: Session, name: str) -> int:
    session.rollback()  # read what other sessions committed since
    statement = select(func.count()).select_from(Organization).where(Organization.name == name)
    return session.exec(statement).one()


def test_a_repeat_replays_the_original_status_and_body(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    headers = {**tenant.headers(Role.admin), "Idempotency-Key": "create-carton-1"}
    first = client.post("/api/v1/organizations", json=BODY, headers=headers)
    second = client.post("/api/v1/organizations", json=BODY, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["idempotent-replayed"] == "true"
    assert organizations_named(session, BODY["name"]) == 1


def test_the_same_key_with_another_body_is_refused(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    headers = {**tenant.headers(Role.admin), "Idempotency-Key": "k-1"}
    client.post("/api/v1/organizations", json=BODY, headers=headers)
    other = client.post("/api/v1/organizations", json={**BODY, "name": "Other"}, headers=headers)
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    assert organizations_named(session, "Other") == 0


def test_keys_are_scoped_to_the_user(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    other = make_tenant(session, "Beta")
    key = {"Idempotency-Key": "shared"}
    one = client.post(
        "/api/v1/organizations", json=BODY, headers={**tenant.headers(Role.admin), **key}
    )
    two = client.post(
        "/api/v1/organizations", json=BODY, headers={**other.headers(Role.admin), **key}
    )
    assert one.status_code == two.status_code == 201
    assert one.json()["id"] != two.json()["id"]


def test_an_overlong_key_is_a_422(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    headers = {**tenant.headers(Role.admin), "Idempotency-Key": "k" * 256}
    response = client.post("/api/v1/organizations", json=BODY, headers=headers)
    assert response.status_code == 422
    assert organizations_named(session, BODY["name"]) == 0


def test_refusals_are_replayed_too(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    headers = {**tenant.headers(Role.broker), "Idempotency-Key": "k-2"}
    first = client.post("/api/v1/organizations", json=BODY, headers=headers)
    second = client.post("/api/v1/organizations", json=BODY, headers=headers)
    assert first.status_code == second.status_code == 403
    assert first.json() == second.json()


@pytest.mark.server
def test_twenty_concurrent_posts_with_one_key_across_workers_create_one_object(
    engine: object, session: Session, database_url: str
) -> None:
    tenant = make_tenant(session, "Alpha")
    headers = {**tenant.headers(Role.admin), "Idempotency-Key": "race-1"}

    async def fire(base: str) -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            calls = [
                http.post("/api/v1/organizations", json=BODY, headers=headers) for _ in range(20)
            ]
            return await asyncio.gather(*calls)

    with running_server(database_url, workers=4) as base:
        responses = asyncio.run(asyncio.wait_for(fire(base), timeout=120))
    assert [response.status_code for response in responses] == [201] * 20
    assert len({response.json()["id"] for response in responses}) == 1
    assert organizations_named(session, BODY["name"]) == 1
