"""The transactional outbox: rows written in the caller's transaction, so what commits is
delivered (at least once) and what rolls back is never sent.

`record_event` calls `enqueue_event` for every event; an event that someone may be told
about becomes one `dispatch` row, which the worker later fans out into e-mails and webhook
deliveries. This module imports nothing but the outbox models, so the history can use it.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from service.notifications.models import Channel, Delivery, OutboxMessage, Topic
from service.types import utcnow

# (subject kind, trigger) of an event → the topic it is published as.
EVENT_TOPIC: dict[tuple[str, str], Topic] = {
    ("round_table", "schedule"): Topic.round_table_scheduled,
    ("round_table", "reschedule"): Topic.round_table_rescheduled,
    ("round_table", "cancel"): Topic.round_table_cancelled,
    ("round_table", "hold"): Topic.round_table_held,
    ("audit", "review"): Topic.audit_reviewed,
    ("plan", "submit"): Topic.plan_submitted,
    ("plan", "approved"): Topic.plan_approved,
    ("partnership_decision", "decide_partnership"): Topic.partnership_decided,
    ("user", "create_user"): Topic.user_created,
}
# Engagement transitions keep their trigger names; every one is a phase change.
ENGAGEMENT_KINDS = ("transition",)


def topic_of(subject_kind: str, kind: str, trigger: str | None) -> Topic | None:
    """The topic an event is published as, or None when nobody is told about it."""
    if subject_kind == "engagement" and kind in ENGAGEMENT_KINDS:
        return Topic.engagement_phase_changed
    return EVENT_TOPIC.get((subject_kind, trigger or ""))


def enqueue_event(
    session: Session,
    *,
    event_id: uuid.UUID,
    programme_id: uuid.UUID,
    subject_kind: str,
    kind: str,
    trigger: str | None,
) -> None:
    """Write the dispatch row of an event, in the event's own transaction."""
    topic = topic_of(subject_kind, kind, trigger)
    if topic is None:
        return
    session.add(
        OutboxMessage(
            id=event_id,
            programme_id=programme_id,
            channel=Channel.dispatch,
            topic=topic,
            dedup_key=f"dispatch:{event_id}",
            event_id=event_id,
        )
    )


def message_id(dedup_key: str) -> uuid.UUID:
    """The stable id of a message: the same notification always gets the same id."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"supplierdev:{dedup_key}")


def enqueue(
    session: Session,
    *,
    channel: Channel,
    topic: Topic,
    dedup_key: str,
    programme_id: uuid.UUID | None = None,
    recipient_id: uuid.UUID | None = None,
    endpoint_id: uuid.UUID | None = None,
    event_id: uuid.UUID | None = None,
    payload: dict[str, Any] | None = None,
    due_at: datetime | None = None,
) -> bool:
    """Add one message unless its dedup key was written before (by anyone, in any worker);
    True when this call added it. Never commits."""
    values = {
        "id": message_id(dedup_key),
        "programme_id": programme_id,
        "channel": channel,
        "topic": topic.value,
        "dedup_key": dedup_key,
        "event_id": event_id,
        "recipient_id": recipient_id,
        "endpoint_id": endpoint_id,
        "payload": payload or {},
        "state": Delivery.pending,
        "attempts": 0,
        "due_at": due_at or utcnow(),
        "created_at": utcnow(),
    }
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(OutboxMessage).values(**values)
    # RETURNING, not the row count: drivers disagree on the count of a skipped insert.
    skipped = insert.on_conflict_do_nothing(index_elements=["dedup_key"])
    return session.execute(skipped.returning(OutboxMessage.id)).first() is not None
