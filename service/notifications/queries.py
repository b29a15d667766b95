"""Reads of notifications: pages of endpoints, deliveries and outbox rows, and counts."""

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from service.accounts.models import User
from service.notifications.access import visible_endpoints
from service.notifications.models import Channel, Delivery, OutboxMessage, WebhookEndpoint
from service.notifications.views import DeliveryPublic, EndpointPublic, OutboxPublic
from service.pagination import Page, page_of, paginate


def endpoint_page(session: Session, user: User, cursor: str | None, limit: int) -> Page[Any]:
    rows = list(session.exec(paginate(visible_endpoints(user), WebhookEndpoint, cursor, limit)))
    return page_of(rows, limit, EndpointPublic)


def delivery_page(
    session: Session, endpoint: WebhookEndpoint, cursor: str | None, limit: int
) -> Page[Any]:
    statement = select(OutboxMessage).where(OutboxMessage.endpoint_id == endpoint.id)
    rows = list(session.exec(paginate(statement, OutboxMessage, cursor, limit)))
    return page_of(rows, limit, DeliveryPublic)


def outbox_page(
    session: Session, user: User, state: Delivery | None, cursor: str | None, limit: int
) -> Page[Any]:
    statement = select(OutboxMessage).where(
        OutboxMessage.programme_id == user.programme_id,
        OutboxMessage.channel != Channel.dispatch,
    )
    if state is not None:
        statement = statement.where(OutboxMessage.state == state)
    rows = list(session.exec(paginate(statement, OutboxMessage, cursor, limit)))
    return page_of(rows, limit, OutboxPublic)


def outbox_counts(session: Session, user: User) -> dict[str, int]:
    rows = session.exec(
        select(OutboxMessage.state, func.count())
        .where(OutboxMessage.programme_id == user.programme_id)
        .where(OutboxMessage.channel != Channel.dispatch)
        .group_by(col(OutboxMessage.state))
    ).all()
    counts = {state.value: 0 for state in Delivery}
    counts.update({Delivery(state).value: number for state, number in rows})
    return counts
