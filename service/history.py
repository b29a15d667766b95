"""History: the append-only Event table and `record_event`, the one place an Event is built.

Every event belongs to a subject (an engagement, a plan, an organization, a user, the
programme…) and, when it happened inside one, to an engagement: the engagement's history
is one view of this table, the programme's history another.

Each programme's events form a hash chain: an event carries its sequence number in the
programme and a SHA-256 over its content and the previous event's hash, and `EventChain`
holds the chain's head. Editing, deleting or reordering an event breaks the chain at that
sequence (`service/history_check.py` walks it).
"""

import hashlib
import json
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, Session, SQLModel, col, select, update

from service.notifications.outbox import enqueue_event
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
    tender = "tender"


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
    tender = "tender"
    bid = "bid"


class Event(SQLModel, table=True):
    """Append-only history: who changed what, when, from which state to which, and why."""

    __table_args__ = (
        sa.Index("ix_event_engagement_created", "engagement_id", "created_at", "id"),
        sa.Index("ix_event_programme_subject", "programme_id", "subject_kind", "created_at"),
        sa.UniqueConstraint("programme_id", "sequence", name="uq_event_programme_sequence"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    programme_id: uuid.UUID = Field(foreign_key="programme.id", index=True)
    sequence: int
    hash: str = Field(max_length=64)
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


class EventChain(SQLModel, table=True):
    """The head of one programme's event chain: its last sequence number and hash."""

    __tablename__ = "event_chain"

    programme_id: uuid.UUID = Field(foreign_key="programme.id", primary_key=True)
    sequence: int = 0
    hash: str = Field(max_length=64)


# The hash before a chain's first event.
GENESIS = "0" * 64
# The fields an event's hash covers, in this order.
SEALED = (
    "id",
    "programme_id",
    "sequence",
    "subject_kind",
    "subject_id",
    "engagement_id",
    "participation_id",
    "audit_id",
    "actor_id",
    "kind",
    "trigger",
    "from_state",
    "to_state",
    "reason",
    "created_at",
)


def event_hash(previous: str, fields: dict[str, Any]) -> str:
    """SHA-256 of the previous hash and the event's sealed fields, as canonical JSON."""
    content = [previous, *(_canonical(fields[name]) for name in SEALED)]
    text = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, StrEnum):
        return value.value
    return value


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
    sequence, previous = _chain_head(session, programme_id)
    event = Event(
        programme_id=programme_id,
        sequence=sequence + 1,
        hash="",
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
    event.hash = event_hash(previous, event.model_dump())
    session.execute(
        update(EventChain)
        .where(col(EventChain.programme_id) == programme_id)
        .values(sequence=event.sequence, hash=event.hash)
    )
    session.add(event)
    # The outbox row of whatever this event tells people, in the same transaction.
    enqueue_event(
        session,
        event_id=event.id,
        programme_id=programme_id,
        subject_kind=subject_kind.value,
        kind=kind.value,
        trigger=trigger,
    )
    return event


# Built once: every event appends to its programme's chain.
_CHAIN_HEAD = (
    select(EventChain.sequence, EventChain.hash)
    .where(EventChain.programme_id == sa.bindparam("programme_id"))
    .with_for_update()
)


def _chain_head(session: Session, programme_id: uuid.UUID) -> tuple[int, str]:
    """The programme's last sequence and hash, locked until the transaction ends (so two
    writers never append the same sequence); a chain is started on its first event."""
    head = session.execute(_CHAIN_HEAD, {"programme_id": programme_id}).first()
    if head is not None:
        return head.sequence, head.hash
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    start = dialect.insert(EventChain).values(programme_id=programme_id, sequence=0, hash=GENESIS)
    session.execute(start.on_conflict_do_nothing(index_elements=["programme_id"]))
    head = session.execute(_CHAIN_HEAD, {"programme_id": programme_id}).one()
    return head.sequence, head.hash


def record_on(
    session: Session, row: Any, subject_kind: SubjectKind, *, actor_id: uuid.UUID, **fields: Any
) -> Event:
    """An event about a row that lives inside an engagement (an audit, a round table, an
    analysis, a plan…): its programme, engagement and participation come from the row."""
    return record_event(
        session,
        actor_id=actor_id,
        programme_id=row.programme_id,
        subject=(subject_kind, row.id),
        engagement_id=row.engagement_id,
        participation_id=getattr(row, "participation_id", None),
        **fields,
    )


def _state(value: Any) -> str | None:
    if value is None:
        return None
    return str(getattr(value, "value", value))
