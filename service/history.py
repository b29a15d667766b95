"""History: the append-only Event table and `record_event`, the one place an Event is built.

Every event belongs to a subject (an engagement, a plan, an organization, a user, the
programme…) and, when it happened inside one, to an engagement: the engagement's history
is one view of this table, the programme's history another.
"""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel

from service.types import UTCDateTime, enum_type, utcnow


class EventKind(StrEnum):
    """What an event records."""

    created = "created"
    transition = "transition"
    candidate_added = "candidate_added"
    broker_assigned = "broker_assigned"
    audit = "audit"
    round_table = "round_table"
    target = "target"
    analysis = "analysis"
    plan = "plan"
    decision = "decision"
    programme = "programme"
    organization = "organization"
    user = "user"


class SubjectKind(StrEnum):
    """What an event is about."""

    programme = "programme"
    organization = "organization"
    user = "user"
    engagement = "engagement"
    participation = "participation"
    audit = "audit"
    round_table = "round_table"
    target = "target"
    analysis = "analysis"
    plan = "plan"
    action = "action"
    partnership_decision = "partnership_decision"


class Event(SQLModel, table=True):
    """Append-only history: who changed what, when, from which state to which, and why."""

    __table_args__ = (
        sa.Index("ix_event_engagement_created", "engagement_id", "created_at", "id"),
        sa.Index("ix_event_programme_subject", "programme_id", "subject_kind", "created_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    programme_id: uuid.UUID = Field(foreign_key="programme.id", index=True)
    subject_kind: SubjectKind = Field(sa_type=enum_type(SubjectKind))
    subject_id: uuid.UUID
    engagement_id: uuid.UUID | None = Field(default=None, foreign_key="engagement.id")
    participation_id: uuid.UUID | None = Field(default=None, foreign_key="participation.id")
    audit_id: uuid.UUID | None = Field(default=None, foreign_key="audit.id")
    actor_id: uuid.UUID = Field(foreign_key="user.id")
    kind: EventKind = Field(sa_type=enum_type(EventKind))
    trigger: str | None = Field(default=None, max_length=64)
    from_state: str | None = Field(default=None, max_length=32)
    to_state: str | None = Field(default=None, max_length=32)
    reason: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class EventPublic(SQLModel):
    id: uuid.UUID
    subject_kind: SubjectKind
    subject_id: uuid.UUID
    engagement_id: uuid.UUID | None
    participation_id: uuid.UUID | None
    audit_id: uuid.UUID | None
    actor_id: uuid.UUID
    actor_name: str
    kind: EventKind
    trigger: str | None
    from_state: str | None
    to_state: str | None
    reason: str | None
    created_at: datetime


def record_event(
    session: Session,
    *,
    actor_id: uuid.UUID,
    programme_id: uuid.UUID,
    kind: EventKind,
    subject: tuple[SubjectKind, uuid.UUID],
    engagement_id: uuid.UUID | None = None,
    participation_id: uuid.UUID | None = None,
    audit_id: uuid.UUID | None = None,
    trigger: str | None = None,
    from_state: Any = None,
    to_state: Any = None,
    reason: str | None = None,
) -> Event:
    """Add one event to the session, in the caller's transaction (the caller commits).

    States may be given as enum members or strings; they are stored as their values."""
    subject_kind, subject_id = subject
    event = Event(
        programme_id=programme_id,
        subject_kind=subject_kind,
        subject_id=subject_id,
        engagement_id=engagement_id,
        participation_id=participation_id,
        audit_id=audit_id,
        actor_id=actor_id,
        kind=kind,
        trigger=trigger,
        from_state=_state(from_state),
        to_state=_state(to_state),
        reason=reason,
    )
    session.add(event)
    return event


def _state(value: Any) -> str | None:
    if value is None:
        return None
    return str(getattr(value, "value", value))
