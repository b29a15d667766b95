"""The public shapes of notifications: preferences, endpoints, deliveries, outbox rows."""

import uuid
from datetime import datetime

from sqlmodel import SQLModel

from service.notifications.models import Cadence, Channel, Delivery


class PreferencePublic(SQLModel):
    kind: str
    cadence: Cadence


class EndpointPublic(SQLModel):
    id: uuid.UUID
    url: str
    event_types: list[str]
    description: str | None
    enabled: bool
    disabled_reason: str | None
    failing_since: datetime | None
    created_at: datetime
    version: int


class EndpointIssued(EndpointPublic):
    """A new endpoint with its signing secret, shown this once."""

    secret: str


class DeliveryPublic(SQLModel):
    """One message to an endpoint, with its outcome so far."""

    id: uuid.UUID
    topic: str
    state: Delivery
    attempts: int
    response_code: int | None
    duration_ms: int | None
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    due_at: datetime


class OutboxPublic(DeliveryPublic):
    """One outbox row, as administrators see it (no message content)."""

    channel: Channel
    recipient_id: uuid.UUID | None
    endpoint_id: uuid.UUID | None


class OutboxCounts(SQLModel):
    pending: int
    sent: int
    failed: int


class FeedIssued(SQLModel):
    """The secret calendar URL, shown once; a new one replaces it."""

    url: str


class Unsubscribed(SQLModel):
    kind: str
    cadence: Cadence
