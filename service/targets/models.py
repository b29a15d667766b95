"""Target and TargetRevision tables and their API shapes."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

import sqlalchemy as sa
from pydantic import StringConstraints
from sqlmodel import Field, SQLModel

from service.roundtables.models import RequiredReason
from service.types import NOT_BLANK, InputModel, Text, UTCDateTime, enum_type, utcnow

Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
Commitment = Annotated[Text, StringConstraints(min_length=1, max_length=2000, pattern=NOT_BLANK)]


class TargetKind(StrEnum):
    """A KPI value by a date, an audit-section score by a date, or a free-text commitment."""

    kpi = "kpi"
    audit_section = "audit_section"
    commitment = "commitment"


class Party(StrEnum):
    """Who commits."""

    supplier = "supplier"
    buyer = "buyer"


class Target(SQLModel, table=True):
    """One agreed target of a selected supplier, recorded at a round table; versioned."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    programme_id: uuid.UUID = Field(foreign_key="programme.id", index=True)
    engagement_id: uuid.UUID = Field(foreign_key="engagement.id", index=True)
    participation_id: uuid.UUID = Field(foreign_key="participation.id", index=True)
    round_table_id: uuid.UUID = Field(foreign_key="roundtable.id")
    kind: TargetKind = Field(sa_type=enum_type(TargetKind))
    kpi: str | None = Field(default=None, max_length=64)
    section_id: str | None = Field(default=None, max_length=64)
    value: str | None = Field(default=None, max_length=40)  # a Decimal, kept exact
    due_on: date | None = None
    party: Party | None = Field(default=None, sa_type=enum_type(Party))
    text: str | None = Field(default=None, sa_type=sa.Text)
    version: int = 1
    created_by: uuid.UUID = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TargetRevision(SQLModel, table=True):
    """A target's previous value, who replaced it, when and why."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    target_id: uuid.UUID = Field(foreign_key="target.id", index=True)
    version: int
    value: str | None = Field(default=None, max_length=40)
    due_on: date | None = None
    text: str | None = Field(default=None, sa_type=sa.Text)
    changed_by: uuid.UUID = Field(foreign_key="user.id")
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    reason: str = Field(sa_type=sa.Text)


class TargetCreate(InputModel):
    """A KPI target (kpi, value, due_on), a section target (section_id, value 0-100, due_on),
    or a commitment (party, text)."""

    round_table_id: uuid.UUID
    kind: TargetKind
    kpi: Key | None = None
    section_id: Key | None = None
    value: Decimal | None = Field(default=None, max_digits=18, decimal_places=4)
    due_on: date | None = None
    party: Party | None = None
    text: Commitment | None = None


class TargetChange(InputModel):
    """A new value, date or text, and why it changed."""

    value: Decimal = Field(default=None, max_digits=18, decimal_places=4)
    due_on: date = Field(default=None)
    text: Commitment = Field(default=None)
    reason: RequiredReason


class TargetPublic(SQLModel):
    id: uuid.UUID
    participation_id: uuid.UUID
    round_table_id: uuid.UUID
    kind: TargetKind
    kpi: str | None
    section_id: str | None
    value: str | None
    due_on: date | None
    party: Party | None
    text: str | None
    version: int
    updated_at: datetime


class RevisionPublic(SQLModel):
    version: int
    value: str | None
    due_on: date | None
    text: str | None
    changed_by: uuid.UUID
    changed_at: datetime
    reason: str
