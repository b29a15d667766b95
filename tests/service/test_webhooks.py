"""Webhooks to a real HTTP receiver on loopback that verifies every signature with the
`standardwebhooks` library: retries with backoff, one success, the delivery log, manual
redelivery under the same id, private destinations refused, failing endpoints disabled."""

import os
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service.accounts.models import Role
from service.notifications.models import OutboxMessage, WebhookEndpoint
from service.notifications.worker import Worker
from service.settings import get_settings
from service.types import utcnow
from tests.mailbox import Receiver, webhook_receiver
from tests.service.test_round_tables import BODY, in_round_tables


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def loopback_allowed(engine: object) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ["SUPPLIERDEV_WEBHOOKS_ALLOW_PRIVATE"] = "true"
    os.environ["SUPPLIERDEV_PUBLIC_URL"] = "https://sd.example.test"
    get_settings.cache_clear()
    yield
    os.environ.clear()
    os.environ.update(saved)
    get_settings.cache_clear()


def register(client: TestClient, headers: dict[str, str], url: str) -> dict:  # type: ignore[type-arg]
    body = {"url": url, "event_types": ["round_table.scheduled"], "description": "ERP"}
    response = client.post("/api/v1/webhook-endpoints", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_webhook_is_retried_until_it_succeeds_and_logged_with_its_attempts(
    client: TestClient, session: Session, loopback_allowed: None
) -> None:
    tenant, engagement = in_round_tables(session)
    receiver = Receiver(failures=2)
    with webhook_receiver(receiver) as url:
        endpoint = register(client, tenant.headers(Role.admin), url)
        receiver.secret = endpoint["secret"]
        assert endpoint["secret"].startswith("whsec_")
        shown = client.get(
            f"/api/v1/webhook-endpoints/{endpoint['id']}", headers=tenant.headers(Role.admin)
        )
        assert "secret" not in shown.json()
        scheduled = client.post(
            f"/api/v1/engagements/{engagement.id}/round-tables",
            json=BODY,
            headers=tenant.headers(Role.broker),
        )
        clock = Clock()
        worker = Worker(clock=clock)
        attempts_seen = []
        for _ in range(3):
            worker.drain()
            session.rollback()
            delivery = session.exec(
                select(OutboxMessage).where(OutboxMessage.endpoint_id == uuid.UUID(endpoint["id"]))
            ).one()
            attempts_seen.append((delivery.attempts, delivery.state.value, delivery.response_code))
            clock.now = delivery.due_at + timedelta(seconds=1)
        assert attempts_seen == [(1, "pending", 500), (2, "pending", 500), (3, "sent", 200)]
        assert len(receiver.ids()) == 1
        [(webhook_id, payload)] = receiver.received
        assert webhook_id == str(delivery.id)
        round_table_id = scheduled.json()["id"]
        assert payload["type"] == "round_table.scheduled"
        assert payload["data"]["subject"] == {"kind": "round_table", "id": round_table_id}
        assert payload["data"]["links"] == {
            "subject": f"https://sd.example.test/api/v1/round-tables/{round_table_id}",
            "engagement": f"https://sd.example.test/api/v1/engagements/{engagement.id}",
        }
        assert sorted(payload["data"]) == ["engagement_id", "event_id", "links", "subject"]

        log = client.get(
            f"/api/v1/webhook-endpoints/{endpoint['id']}/deliveries",
            headers=tenant.headers(Role.admin),
        ).json()
        [entry] = log["items"]
        assert (entry["state"], entry["attempts"], entry["response_code"]) == ("sent", 3, 200)
        assert entry["duration_ms"] >= 0

        again = client.post(
            f"/api/v1/webhook-endpoints/{endpoint['id']}/deliveries/{entry['id']}/redeliver",
            headers=tenant.headers(Role.admin),
        )
        assert again.status_code == 202, again.text
        worker.drain()
        assert receiver.ids() == [webhook_id, webhook_id]
        assert receiver.refused == []


def test_private_destinations_are_refused_unless_allowed(
    client: TestClient, session: Session
) -> None:
    tenant, _ = in_round_tables(session)
    for url in ("http://127.0.0.1:9/hooks", "http://10.1.2.3/hooks", "http://[::1]/hooks"):
        body = {"url": url, "event_types": ["round_table.scheduled"]}
        refused = client.post(
            "/api/v1/webhook-endpoints", json=body, headers=tenant.headers(Role.admin)
        )
        assert refused.status_code == 422, url
        assert refused.json()["errors"][0]["field"] == "url"


def test_only_event_types_can_be_subscribed(
    client: TestClient, session: Session, loopback_allowed: None
) -> None:
    tenant, _ = in_round_tables(session)
    body = {"url": "http://127.0.0.1:9/hooks", "event_types": ["password.reset"]}
    refused = client.post(
        "/api/v1/webhook-endpoints", json=body, headers=tenant.headers(Role.admin)
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "event_types.0"


def test_endpoints_are_the_administrators_alone(
    client: TestClient, session: Session, loopback_allowed: None
) -> None:
    tenant, _ = in_round_tables(session)
    endpoint = register(client, tenant.headers(Role.admin), "http://127.0.0.1:9/hooks")
    for role in (Role.broker, Role.buyer, Role.supplier):
        listing = client.get("/api/v1/webhook-endpoints", headers=tenant.headers(role))
        assert listing.status_code == 403
        one = client.get(
            f"/api/v1/webhook-endpoints/{endpoint['id']}", headers=tenant.headers(role)
        )
        assert one.status_code == 404


def test_an_endpoint_failing_for_days_is_disabled_and_its_administrators_told(
    client: TestClient, session: Session, loopback_allowed: None
) -> None:
    tenant, engagement = in_round_tables(session)
    receiver = Receiver(failures=1000)
    with webhook_receiver(receiver) as url:
        endpoint = register(client, tenant.headers(Role.admin), url)
        client.post(
            f"/api/v1/engagements/{engagement.id}/round-tables",
            json=BODY,
            headers=tenant.headers(Role.broker),
        )
        clock = Clock()
        worker = Worker(clock=clock)
        worker.drain()
        clock.now += timedelta(days=2)
        worker.drain()
        session.rollback()
        row = session.get(WebhookEndpoint, uuid.UUID(endpoint["id"]))
        assert row is not None
        assert row.enabled
        clock.now += timedelta(days=1, minutes=1)
        worker.drain()
    session.rollback()
    session.refresh(row)
    assert not row.enabled
    assert row.disabled_reason is not None
    assert "HTTP 500" in row.disabled_reason
    told = session.exec(
        select(OutboxMessage).where(OutboxMessage.topic == "webhook.disabled")
    ).all()
    assert [message.recipient_id for message in told] == [tenant.users[Role.admin].id]
    assert told[0].payload["args"]["days"] == "3"
    assert row.version == 2


def test_an_endpoint_changes_only_at_the_version_read(
    client: TestClient, session: Session, loopback_allowed: None
) -> None:
    tenant, _ = in_round_tables(session)
    admin = tenant.headers(Role.admin)
    endpoint = register(client, admin, "http://127.0.0.1:9/hooks")
    path = f"/api/v1/webhook-endpoints/{endpoint['id']}"
    assert endpoint["version"] == 1
    assert client.get(path, headers=admin).headers["ETag"] == '"1"'
    missing = client.patch(path, json={"enabled": False}, headers=admin)
    assert missing.status_code == 428
    off = client.patch(path, json={"enabled": False}, headers={**admin, "If-Match": '"1"'})
    assert off.status_code == 200
    assert off.headers["ETag"] == '"2"'
    assert (off.json()["enabled"], off.json()["version"]) == (False, 2)
    stale = client.patch(path, json={"enabled": True}, headers={**admin, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert client.get(path, headers=admin).json()["enabled"] is False
