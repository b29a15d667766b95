"""Who may see what of notifications: each user their own preferences and feed; a
programme's administrators its webhook endpoints, their deliveries and the outbox."""

import uuid
from typing import Any

from sqlalchemy import false
from sqlmodel import Session, select

from service.accounts.models import Role, User
from service.errors import Forbidden, NotFound
from service.notifications.models import OutboxMessage, WebhookEndpoint


def require_admin(user: User) -> None:
    """403 unless the user administers a programme (webhooks and the outbox are theirs)."""
    if user.role != Role.admin or user.programme_id is None:
        raise Forbidden("only the programme's administrators manage webhooks and the outbox")


def visible_endpoints(user: User) -> Any:
    """The webhook endpoints of the administrator's programme (none for anyone else)."""
    statement = select(WebhookEndpoint).where(WebhookEndpoint.programme_id == user.programme_id)
    if user.role != Role.admin:
        return statement.where(false())
    return statement


def may_see(user: User, endpoint: WebhookEndpoint) -> bool:
    """An endpoint is seen by its programme's administrators only."""
    return user.role == Role.admin and endpoint.programme_id == user.programme_id


def endpoint_or_404(session: Session, user: User, endpoint_id: uuid.UUID) -> WebhookEndpoint:
    """The endpoint, or 404 for anyone who may not see it."""
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or not may_see(user, endpoint):
        raise NotFound("no such webhook endpoint")
    return endpoint


def delivery_or_404(
    session: Session, endpoint: WebhookEndpoint, delivery_id: uuid.UUID
) -> OutboxMessage:
    """One delivery of an endpoint, or 404."""
    delivery = session.get(OutboxMessage, delivery_id)
    if delivery is None or delivery.endpoint_id != endpoint.id:
        raise NotFound("no such delivery")
    return delivery
