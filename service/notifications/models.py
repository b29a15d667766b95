"""The outbox, notification preferences, webhook endpoints and calendar feeds, and the inputs
of the notification routes."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from pydantic import AnyHttpUrl, StrictBool
from sqlmodel import Field, SQLModel

from service.types import InputModel, Text, UTCDateTime, enum_type, utcnow


class Channel(StrEnum):
    """How an outbox row is delivered: `dispatch` rows are events still to be fanned out
    into the `mail` and `webhook` rows that reach people and systems."""

    dispatch = "dispatch"
    mail = "mail"
    webhook = "webhook"
    # An e-mail kept for the recipient's daily or weekly digest; the schedule bundles the
    # items due into one `mail` row and marks them sent, in one transaction.
    digest = "digest"


class Topic(StrEnum):
    """What a message is about: the event types webhooks subscribe to, and the kinds of
    e-mail a user sets a cadence for."""

    round_table_scheduled = "round_table.scheduled"
    round_table_rescheduled = "round_table.rescheduled"
    round_table_cancelled = "round_table.cancelled"
    round_table_held = "round_table.held"
    audit_reviewed = "audit.reviewed"
    plan_submitted = "plan.submitted"
    plan_approved = "plan.approved"
    plan_at_risk = "plan.at_risk"
    plan_off_track = "plan.off_track"
    partnership_decided = "partnership.decided"
    user_created = "user.created"
    engagement_phase_changed = "engagement.phase_changed"
    password_reset = "password.reset"
    review_due = "reminder.review_due"
    review_overdue = "reminder.review_overdue"
    action_due = "reminder.action_due"
    action_overdue = "reminder.action_overdue"
    approval_waiting = "reminder.approval_waiting"
    round_table_tomorrow = "reminder.round_table_tomorrow"
    webhook_disabled = "webhook.disabled"
    digest = "digest"


class EventType(StrEnum):
    """The topics that are events, which webhooks can subscribe to (the others are e-mail
    only)."""

    round_table_scheduled = Topic.round_table_scheduled.value
    round_table_rescheduled = Topic.round_table_rescheduled.value
    round_table_cancelled = Topic.round_table_cancelled.value
    round_table_held = Topic.round_table_held.value
    audit_reviewed = Topic.audit_reviewed.value
    plan_submitted = Topic.plan_submitted.value
    plan_approved = Topic.plan_approved.value
    partnership_decided = Topic.partnership_decided.value
    user_created = Topic.user_created.value
    engagement_phase_changed = Topic.engagement_phase_changed.value


# Messages a user cannot turn off: they answer something the user asked for or must know.
ESSENTIAL = (Topic.password_reset, Topic.user_created, Topic.digest)


class Delivery(StrEnum):
    """An outbox row's state: due (pending), delivered (sent) or given up (failed)."""

    pending = "pending"
    sent = "sent"
    failed = "failed"


class Cadence(StrEnum):
    """How a user wants one kind of message."""

    immediately = "immediately"
    daily = "daily"
    weekly = "weekly"
    off = "off"


class OutboxMessage(SQLModel, table=True):
    """Something to deliver, written in the transaction of the change that causes it.

    The id is the message's stable identity (the e-mail's Message-ID, the webhook-id), so a
    receiver can drop a copy delivered twice. `dedup_key` is unique: the same notification,
    reminder or fan-out is never written twice, whichever worker tries."""

    __tablename__ = "outbox_message"
    __table_args__ = (sa.Index("ix_outbox_due", "state", "due_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    programme_id: uuid.UUID | None = Field(default=None, foreign_key="programme.id", index=True)
    channel: Channel = Field(sa_type=enum_type(Channel))
    topic: str = Field(max_length=64)
    dedup_key: str = Field(max_length=300, unique=True)
    event_id: uuid.UUID | None = Field(default=None)
    recipient_id: uuid.UUID | None = Field(default=None, foreign_key="user.id", index=True)
    endpoint_id: uuid.UUID | None = Field(
        default=None, foreign_key="webhook_endpoint.id", index=True
    )
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    state: Delivery = Field(default=Delivery.pending, sa_type=enum_type(Delivery))
    attempts: int = 0
    due_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    response_code: int | None = None
    duration_ms: int | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class NotificationPreference(SQLModel, table=True):
    """One user's cadence for one kind of message (immediately unless said otherwise)."""

    __tablename__ = "notification_preference"

    user_id: uuid.UUID = Field(foreign_key="user.id", primary_key=True)
    kind: str = Field(max_length=64, primary_key=True)
    cadence: Cadence = Field(sa_type=enum_type(Cadence))


class WebhookEndpoint(SQLModel, table=True):
    """A programme's subscriber: where to POST which event types, signed with its secret."""

    __tablename__ = "webhook_endpoint"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    programme_id: uuid.UUID = Field(foreign_key="programme.id", index=True)
    url: str = Field(max_length=2000)
    event_types: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    description: str | None = Field(default=None, sa_type=sa.Text)
    secret: str = Field(max_length=100, repr=False)
    enabled: bool = True
    disabled_reason: str | None = Field(default=None, sa_type=sa.Text)
    failing_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by: uuid.UUID = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = 1


class CalendarFeed(SQLModel, table=True):
    """A user's secret calendar URL; only the token's SHA-256 is kept."""

    __tablename__ = "calendar_feed"

    user_id: uuid.UUID = Field(foreign_key="user.id", primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PreferenceIn(InputModel):
    """The cadence of one kind of message."""

    cadence: Cadence


class EndpointCreate(InputModel):
    """A webhook endpoint: an https (or, where allowed, http) URL and the event types."""

    url: AnyHttpUrl
    event_types: list[EventType] = Field(min_length=1, max_length=len(EventType))
    description: Text = Field(default=None)


class EndpointUpdate(InputModel):
    """Turn an endpoint on or off; turning it on clears its failure record."""

    enabled: StrictBool
