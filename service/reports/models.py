"""IssuedReport: the exact bytes a firm, the unit or a donor received, kept with their sha256."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from service.types import Day, InputModel, Language, UTCDateTime, enum_type, utcnow


class ReportKind(StrEnum):
    """Which report, named by what it is about (the subject_id)."""

    audit = "audit"  # a supplier's audit
    comparison = "comparison"  # an engagement's candidates, ranked for the buyer
    round_table = "round_table"  # the minutes of a round table
    analysis = "analysis"  # an improvement analysis
    plan = "plan"  # an improvement plan
    monthly = "monthly"  # an engagement's plans this month, for its buyer
    final = "final"  # an engagement's final report: before and after, and the decisions
    programme = "programme"  # the programme, for the unit and donors


class IssuedReport(SQLModel, table=True):
    """One issued report; its bytes are stored under their sha256 and never change."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    programme_id: uuid.UUID = Field(foreign_key="programme.id", index=True)
    engagement_id: uuid.UUID | None = Field(default=None, foreign_key="engagement.id", index=True)
    organization_id: uuid.UUID | None = Field(default=None, foreign_key="organization.id")
    kind: ReportKind = Field(sa_type=enum_type(ReportKind))
    subject_id: uuid.UUID
    language: Language = Field(sa_type=enum_type(Language))
    title: str = Field(max_length=300)
    sha256: str = Field(max_length=64)
    size: int
    storage_key: str = Field(max_length=200)
    issued_by: uuid.UUID = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class ReportPublic(SQLModel):
    id: uuid.UUID
    kind: ReportKind
    subject_id: uuid.UUID
    engagement_id: uuid.UUID | None
    organization_id: uuid.UUID | None
    language: Language
    title: str
    sha256: str
    size: int
    issued_by: uuid.UUID
    created_at: datetime


class ReportRequest(InputModel):
    """Which report, about what: the id of the audit, engagement (`comparison`, `monthly`,
    `final`), round table, analysis or plan, or the programme's id for `programme`. The
    programme report covers a reporting period, by default from the programme's first
    engagement to today."""

    kind: ReportKind
    subject_id: uuid.UUID
    period_from: Day = Field(default=None)
    period_to: Day = Field(default=None)
