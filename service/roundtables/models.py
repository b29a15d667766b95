"""RoundTable and RoundTableInvitee tables and their API shapes."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import StringConstraints
from sqlmodel import Field, SQLModel

from service.types import (
    Filled,
    FilledReason,
    InputModel,
    Instant,
    Name,
    Text,
    TimeZoneName,
    UTCDateTime,
    WholeNumber,
    enum_type,
    utcnow,
)

Minutes = Filled
RequiredReason = FilledReason
VideoLink = Annotated[str, StringConstraints(max_length=500, pattern=r"^https://[!-~]+$")]


class RoundTableState(StrEnum):
    """Where a round table stands."""

    scheduled = "scheduled"
    held = "held"
    cancelled = "cancelled"


class RoundTable(SQLModel, table=True):
    """A meeting of the buyer, its selected suppliers and invited institutions."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    programme_id: uuid.UUID = Field(foreign_key="programme.id", index=True)
    engagement_id: uuid.UUID = Field(foreign_key="engagement.id", index=True)
    title: str = Field(max_length=200)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    timezone: str = Field(max_length=64)
    duration_minutes: int
    place: str | None = Field(default=None, max_length=300)
    video_link: str | None = Field(default=None, max_length=500)
    agenda: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    state: RoundTableState = Field(
        default=RoundTableState.scheduled, sa_type=enum_type(RoundTableState)
    )
    minutes: str | None = Field(default=None, sa_type=sa.Text)
    cancel_reason: str | None = Field(default=None, sa_type=sa.Text)
    version: int = 1
    created_by: uuid.UUID = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    held_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RoundTableInvitee(SQLModel, table=True):
    """An invited organization and, once held, whether it attended and who came."""

    __table_args__ = (
        sa.UniqueConstraint("round_table_id", "organization_id", name="uq_invitee_organization"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    round_table_id: uuid.UUID = Field(foreign_key="roundtable.id", index=True)
    organization_id: uuid.UUID = Field(foreign_key="organization.id", index=True)
    attended: bool | None = None
    attendees: list[str] = Field(default_factory=list, sa_type=sa.JSON)


class RoundTableCreate(InputModel):
    """A round table to schedule; the buyer and every selected supplier are invited."""

    title: Name
    starts_at: Instant
    timezone: TimeZoneName
    duration_minutes: WholeNumber = Field(default=120, ge=15, le=720)
    place: Annotated[Text, StringConstraints(max_length=300)] | None = None
    video_link: VideoLink | None = None
    agenda: list[Name] = Field(min_length=1, max_length=30)
    also_invite: list[uuid.UUID] = Field(
        default_factory=list, max_length=20, description="Providers, financiers or donors"
    )
    held: "HoldRecord | None" = Field(
        default=None,
        description="Minutes and attendance of a round table that already took place: only "
        "such a record may start in the past",
    )


class Reschedule(InputModel):
    """A new time, and why it moved."""

    starts_at: Instant
    timezone: TimeZoneName = Field(default=None)
    reason: RequiredReason


class Attendance(InputModel):
    """An invited organization that attended, and the people who came."""

    organization_id: uuid.UUID
    attendees: list[Name] = Field(min_length=1, max_length=30)


class HoldRecord(InputModel):
    """The minutes and who attended."""

    minutes: Minutes
    attendance: list[Attendance] = Field(min_length=1, max_length=50)


RoundTableCreate.model_rebuild()


class Cancellation(InputModel):
    """Why the round table will not take place."""

    reason: RequiredReason


class InviteePublic(SQLModel):
    organization_id: uuid.UUID
    organization_name: str
    kind: str
    attended: bool | None
    attendees: list[str]


class RoundTablePublic(SQLModel):
    id: uuid.UUID
    engagement_id: uuid.UUID
    title: str
    starts_at: datetime
    timezone: str
    duration_minutes: int
    place: str | None
    video_link: str | None
    agenda: list[str]
    state: RoundTableState
    minutes: str | None
    cancel_reason: str | None
    version: int
    held_at: datetime | None
    invitees: list[InviteePublic]

    @classmethod
    def build(cls, row: RoundTable, invitees: list[InviteePublic]) -> "RoundTablePublic":
        data: dict[str, Any] = {**row.model_dump(), "invitees": invitees}
        return cls.model_validate(data)
