"""Engagement, Participation and Event tables and their API shapes."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import StringConstraints
from sqlmodel import Field, SQLModel

from service.types import (
    NAME_KEY_LENGTH,
    FilledReason,
    InputModel,
    Name,
    Text,
    UTCDateTime,
    enum_type,
    name_key,
    utcnow,
)
from workflows import ParticipationState, Phase, describe

Reason = Annotated[Text, StringConstraints(max_length=2000)]


class EngagementSort(StrEnum):
    """Orders of the engagement list: by folded title, buyer's name or opening; `-`
    descends."""

    by_title = "title"  # not `title`: str.title is a method
    by_title_desc = "-title"
    buyer_name = "buyer_name"
    buyer_name_desc = "-buyer_name"
    created_at = "created_at"
    created_at_desc = "-created_at"


class Engagement(SQLModel, table=True):
    """One buyer firm with its candidate suppliers, run by one broker through the phases."""

    __table_args__ = (
        sa.Index("ix_engagement_programme_created", "programme_id", "created_at", "id"),
        sa.Index("ix_engagement_programme_title_key", "programme_id", "title_key", "id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    programme_id: uuid.UUID = Field(foreign_key="programme.id")
    buyer_id: uuid.UUID = Field(foreign_key="organization.id", index=True)
    broker_id: uuid.UUID | None = Field(default=None, foreign_key="user.id", index=True)
    title: str = Field(max_length=200)
    phase: Phase = Field(default=Phase.enrolment, sa_type=enum_type(Phase), index=True)
    held_phase: Phase | None = Field(default=None, sa_type=enum_type(Phase))
    version: int = 1
    # The title folded (case, accents, spacing) for `q` and `sort=title`.
    title_key: str = Field(default="", max_length=NAME_KEY_LENGTH)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


@sa.event.listens_for(Engagement, "before_insert")
@sa.event.listens_for(Engagement, "before_update")
def _fold_engagement_title(mapper: Any, connection: Any, row: Engagement) -> None:
    """Keep title_key the folded title, however the row was written."""
    row.title_key = name_key(row.title)


# The triggers a client may fire, straight from the workflow tables.
EngagementTrigger = StrEnum(  # type: ignore[misc]
    "EngagementTrigger",
    {row["trigger"]: row["trigger"] for row in describe()["engagement"]["transitions"]},
)
ParticipationTrigger = StrEnum(  # type: ignore[misc]
    "ParticipationTrigger",
    {row["trigger"]: row["trigger"] for row in describe()["participation"]["transitions"]},
)


class Participation(SQLModel, table=True):
    """One supplier's track inside an engagement."""

    __table_args__ = (
        sa.UniqueConstraint("engagement_id", "supplier_id", name="uq_participation_supplier"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    engagement_id: uuid.UUID = Field(foreign_key="engagement.id", index=True)
    supplier_id: uuid.UUID = Field(foreign_key="organization.id", index=True)
    state: ParticipationState = Field(
        default=ParticipationState.candidate, sa_type=enum_type(ParticipationState)
    )
    is_current_supplier: bool = False
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class EngagementCreate(InputModel):
    """A new engagement at enrolment."""

    buyer_id: uuid.UUID
    broker_id: uuid.UUID | None = None
    title: Name


class EngagementUpdate(InputModel):
    """A new title or broker; omitted fields stay as they are."""

    title: Name = Field(default=None)
    broker_id: uuid.UUID = Field(default=None)


class EngagementPublic(SQLModel):
    id: uuid.UUID
    programme_id: uuid.UUID
    buyer_id: uuid.UUID
    buyer_name: str
    broker_id: uuid.UUID | None
    title: str
    phase: Phase
    held_phase: Phase | None
    version: int
    created_at: datetime
    updated_at: datetime


class CandidateCreate(InputModel):
    """A supplier to add as a candidate."""

    supplier_id: uuid.UUID
    is_current_supplier: bool = Field(
        default=False, description="Already supplies the buyer (rather than a potential one)"
    )


class ParticipationPublic(SQLModel):
    id: uuid.UUID
    engagement_id: uuid.UUID
    supplier_id: uuid.UUID
    supplier_name: str
    state: ParticipationState
    is_current_supplier: bool
    version: int
    created_at: datetime
    updated_at: datetime


class TransitionRequest(InputModel):
    """An optional reason; required for hold, withdraw, drop and decisions."""

    reason: Reason | None = None


class SelectionDecision(StrEnum):
    selected = "selected"
    not_selected = "not_selected"


class SelectionRequest(InputModel):
    """The broker's and buyer's selection decision for an evaluated candidate."""

    decision: SelectionDecision
    reason: FilledReason
