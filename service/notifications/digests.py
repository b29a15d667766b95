"""Digests: the items a user asked to receive daily or weekly, bundled into one e-mail when
their time comes. Bundling writes the digest's mail row and marks its items sent in one
transaction, under a unique key per recipient and time, so no item is sent twice."""

import uuid
from collections import defaultdict
from datetime import datetime

from sqlmodel import Session, col, select, update

from service.notifications import outbox
from service.notifications.models import Channel, Delivery, OutboxMessage, Topic


def bundle_digests(session: Session, now: datetime) -> int:
    """Write one digest e-mail per recipient and sending time that has come; never commits.
    The number of digests written."""
    due = session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.channel == Channel.digest, OutboxMessage.state == Delivery.pending)
        .where(OutboxMessage.due_at <= now)
        .order_by(col(OutboxMessage.created_at))
    ).all()
    groups: dict[tuple[uuid.UUID, datetime], list[OutboxMessage]] = defaultdict(list)
    for row in due:
        if row.recipient_id is not None:
            groups[(row.recipient_id, row.due_at)].append(row)
    written = 0
    for (recipient_id, sending), rows in groups.items():
        items = [
            {
                "topic": row.topic,
                "args": row.payload.get("args", {}),
                "path": row.payload.get("path"),
            }
            for row in rows
        ]
        written += outbox.enqueue(
            session,
            channel=Channel.mail,
            topic=Topic.digest,
            dedup_key=f"digest:{recipient_id}:{sending.isoformat()}",
            programme_id=rows[0].programme_id,
            recipient_id=recipient_id,
            payload={"args": {"count": len(items)}, "path": None, "items": items, "digest": True},
            due_at=now,
        )
        session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id).in_([row.id for row in rows]))
            .values(state=Delivery.sent, sent_at=now)
        )
    return written
