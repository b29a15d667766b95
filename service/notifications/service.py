"""Use cases of notifications: preferences and one-click unsubscribe, webhook endpoints and
redelivery, calendar feed URLs. Each commits once."""

import hashlib
import secrets

from sqlmodel import Session, col, select, update

from service.accounts.models import User
from service.errors import NotFound, Unprocessable
from service.notifications import webhooks
from service.notifications.letters import read_unsubscribe_token
from service.notifications.models import (
    ESSENTIAL,
    Cadence,
    CalendarFeed,
    Delivery,
    EndpointCreate,
    EndpointUpdate,
    NotificationPreference,
    OutboxMessage,
    Topic,
    WebhookEndpoint,
)
from service.settings import get_settings
from service.types import utcnow
from service.versioning import bump_version

# The kinds a user may set a cadence for: everything but what they cannot turn off.
CHOOSABLE = tuple(topic for topic in Topic if topic not in ESSENTIAL)


def preferences(session: Session, user: User) -> list[tuple[str, Cadence]]:
    """The user's cadence for every kind they may choose (immediately unless set)."""
    rows = session.exec(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id)
    ).all()
    chosen = {row.kind: row.cadence for row in rows}
    return [(topic.value, chosen.get(topic.value, Cadence.immediately)) for topic in CHOOSABLE]


def set_preference(*, session: Session, user: User, kind: Topic, cadence: Cadence) -> None:
    """Set how the user wants one kind of message."""
    _set(session, user, kind, cadence)
    session.commit()


def _set(session: Session, user: User, kind: Topic, cadence: Cadence) -> None:
    if kind in ESSENTIAL:
        raise Unprocessable(f"{kind.value} messages cannot be turned off", "kind")
    row = session.get(NotificationPreference, (user.id, kind.value))
    if row is None:
        row = NotificationPreference(user_id=user.id, kind=kind.value, cadence=cadence)
    row.cadence = cadence
    session.add(row)


def unsubscribe(*, session: Session, token: str) -> Topic:
    """One-click unsubscribe (RFC 8058): turn off the kind the signed token names."""
    found = read_unsubscribe_token(token)
    user = session.get(User, found[0]) if found else None
    if found is None or user is None:
        raise NotFound("no such subscription")
    if found[1] == Topic.digest:  # leaving the digest turns off what it bundled
        session.execute(
            update(NotificationPreference)
            .where(col(NotificationPreference.user_id) == user.id)
            .where(col(NotificationPreference.cadence).in_([Cadence.daily, Cadence.weekly]))
            .values(cadence=Cadence.off)
        )
    else:
        _set(session, user, found[1], Cadence.off)
    session.commit()
    return found[1]


def create_endpoint(
    *, session: Session, actor: User, data: EndpointCreate
) -> tuple[WebhookEndpoint, str]:
    """Register a webhook endpoint of the administrator's programme; its secret is returned
    this once."""
    refused = webhooks.refused_destination(str(data.url))
    if refused:
        raise Unprocessable(refused, "url")
    assert actor.programme_id is not None
    secret = webhooks.new_secret()
    endpoint = WebhookEndpoint(
        programme_id=actor.programme_id,
        url=str(data.url),
        event_types=sorted({topic.value for topic in data.event_types}),
        description=data.description,
        secret=secret,
        created_by=actor.id,
    )
    session.add(endpoint)
    session.commit()
    return endpoint, secret


def update_endpoint(
    *, session: Session, endpoint: WebhookEndpoint, data: EndpointUpdate, version: int
) -> WebhookEndpoint:
    """Turn an endpoint on (forgetting its failures) or off, if it is still at the version
    the caller read."""
    if data.enabled:
        changes: dict[str, object] = {"enabled": True, "failing_since": None}
        changes["disabled_reason"] = None
    else:
        changes = {"enabled": False, "disabled_reason": "turned off by an administrator"}
    bump_version(session, WebhookEndpoint, endpoint.id, version, **changes)
    session.commit()
    session.refresh(endpoint)
    return endpoint


def redeliver(*, session: Session, delivery: OutboxMessage) -> OutboxMessage:
    """Send a delivery again now, with the same webhook-id, whatever its state."""
    session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == delivery.id)
        .values(state=Delivery.pending, due_at=utcnow(), attempts=0, last_error=None)
    )
    session.commit()
    session.refresh(delivery)
    return delivery


def issue_feed(*, session: Session, user: User) -> str:
    """A new secret calendar URL for the user; the old one stops working."""
    token = secrets.token_urlsafe(32)
    row = session.get(CalendarFeed, user.id) or CalendarFeed(user_id=user.id, token_hash="")
    row.token_hash = feed_digest(token)
    row.created_at = utcnow()
    session.add(row)
    session.commit()
    return f"{get_settings().public_url.rstrip('/')}/api/v1/calendar/{token}.ics"


def revoke_feed(*, session: Session, user: User) -> None:
    """The user's calendar URL stops working."""
    row = session.get(CalendarFeed, user.id)
    if row is not None:
        session.delete(row)
    session.commit()


def feed_owner(*, session: Session, token: str) -> User:
    """The active user whose calendar URL holds this token, or 404."""
    row = session.exec(
        select(CalendarFeed).where(CalendarFeed.token_hash == feed_digest(token))
    ).first()
    user = session.get(User, row.user_id) if row else None
    if user is None or not user.is_active:
        raise NotFound("no such calendar")
    return user


def feed_digest(token: str) -> str:
    """The SHA-256 a calendar token is kept under (a 256-bit random token needs no key)."""
    return hashlib.sha256(token.encode()).hexdigest()
