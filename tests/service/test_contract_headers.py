"""The HTTP contract beyond bodies: If-Match: * (RFC 9110), replays with the first response's
headers, and Idempotency-Key left free by requests refused before they changed anything."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from service.accounts.models import Role
from tests.factories import make_engagement, make_tenant
from workflows import Phase

API = "/api/v1/engagements"


def test_if_match_star_changes_whatever_version_is_current(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant)
    headers = {**tenant.headers(Role.broker), "If-Match": '"1"'}
    held = client.post(
        f"{API}/{engagement.id}/transitions/hold",
        json={"reason": "plant shutdown"},
        headers=headers,
    )
    assert held.headers["etag"] == '"2"'
    resumed = client.post(
        f"{API}/{engagement.id}/transitions/resume",
        headers={**tenant.headers(Role.broker), "If-Match": "*"},
    )
    assert resumed.status_code == 200
    assert resumed.headers["etag"] == '"3"'
    session.refresh(engagement)
    assert (engagement.phase, engagement.version) == (Phase.enrolment, 3)


def test_a_malformed_if_match_is_still_a_422(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant)
    response = client.post(
        f"{API}/{engagement.id}/transitions/resume",
        headers={**tenant.headers(Role.broker), "If-Match": "**"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "If-Match"


def test_a_replay_carries_the_first_responses_etag(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant)
    headers = {**tenant.headers(Role.broker), "If-Match": '"1"', "Idempotency-Key": "hold-1"}
    body = {"reason": "plant shutdown"}
    first = client.post(f"{API}/{engagement.id}/transitions/hold", json=body, headers=headers)
    second = client.post(f"{API}/{engagement.id}/transitions/hold", json=body, headers=headers)
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.headers["idempotent-replayed"] == "true"
    assert second.headers["etag"] == first.headers["etag"] == '"2"'


def test_a_replay_carries_the_first_responses_location(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    headers = {**tenant.headers(Role.admin), "Idempotency-Key": "report-1"}
    body = {"kind": "programme", "subject_id": str(tenant.programme.id)}
    first = client.post("/api/v1/reports", json=body, headers=headers)
    second = client.post("/api/v1/reports", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.headers["idempotent-replayed"] == "true"
    assert second.headers["location"] == first.headers["location"]
    assert first.headers["location"] == f"/api/v1/reports/{first.json()['id']}/pdf"


def test_a_request_refused_as_invalid_does_not_use_up_its_key(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    headers = {**tenant.headers(Role.admin), "Idempotency-Key": "k1"}
    invalid = client.post(
        "/api/v1/organizations", json={"name": "Cartonajes", "kind": "nope"}, headers=headers
    )
    assert invalid.status_code == 422
    corrected = client.post(
        "/api/v1/organizations", json={"name": "Cartonajes", "kind": "supplier"}, headers=headers
    )
    assert corrected.status_code == 201
    assert "idempotent-replayed" not in corrected.headers


def test_a_stale_if_match_does_not_use_up_its_key(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant)
    key = {"Idempotency-Key": "hold-2"}
    body = {"reason": "plant shutdown"}
    url = f"{API}/{engagement.id}/transitions/hold"
    stale = client.post(
        url, json=body, headers={**tenant.headers(Role.broker), **key, "If-Match": '"7"'}
    )
    assert stale.status_code == 412
    fresh = client.post(
        url, json=body, headers={**tenant.headers(Role.broker), **key, "If-Match": '"1"'}
    )
    assert fresh.status_code == 200
    assert "idempotent-replayed" not in fresh.headers


def test_a_refusal_by_a_rule_keeps_its_key(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant)
    headers = {**tenant.headers(Role.broker), "If-Match": '"1"', "Idempotency-Key": "hold-3"}
    url = f"{API}/{engagement.id}/transitions/hold"
    first = client.post(url, headers=headers)
    second = client.post(url, headers=headers)
    assert first.status_code == second.status_code == 409
    assert second.headers["idempotent-replayed"] == "true"
