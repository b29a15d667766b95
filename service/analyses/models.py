"""Analysis, Finding and KpiValue tables and their API shapes."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

import sqlalchemy as sa
from pydantic import StringConstraints
from sqlmodel import Field, SQLModel

from service.kpis import kpi_catalogue
from service.roundtables.models import Minutes
from service.targets.models import Key
from service.types import InputModel, Text, UTCDateTime, enum_type, utcnow
from workflows import AnalysisState

Paragraph = Annotated[Text, StringConstraints(max_length=5000)]


class Severity(StrEnum):
    major = "major"
    minor = "minor"
    observation = "observation"


class KpiSource(StrEnum):
    baseline = "baseline"
    review = "review"
    final = "final"


class Analysis(SQLModel, table=True):
    """The detailed analysis of one firm (a selected supplier, or the buyer)."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    programme_id: uuid.UUID = Field(foreign_key="programme.id", index=True)
    engagement_id: uuid.UUID = Field(foreign_key="engagement.id", index=True)
    participation_id: uuid.UUID | None = Field(
        default=None, foreign_key="participation.id", index=True
    )
    organization_id: uuid.UUID = Field(foreign_key="organization.id")
    summary: str | None = Field(default=None, sa_type=sa.Text)
    state: AnalysisState = Field(default=AnalysisState.draft, sa_type=enum_type(AnalysisState))
    version: int = 1
    created_by: uuid.UUID = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Finding(SQLModel, table=True):
    """What the analysis found in one area, how serious it is and why it happens."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    analysis_id: uuid.UUID = Field(foreign_key="analysis.id", index=True)
    area: str = Field(max_length=64)  # an audit section id, or "other"
    description: str = Field(sa_type=sa.Text)
    severity: Severity = Field(sa_type=enum_type(Severity))
    root_cause: str | None = Field(default=None, sa_type=sa.Text)
    audit_id: uuid.UUID | None = Field(default=None, foreign_key="audit.id")
    question_id: str | None = Field(default=None, max_length=64)
    created_by: uuid.UUID = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class KpiValue(SQLModel, table=True):
    """One measured KPI value of a firm: a baseline, a monthly review value or a final one."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    engagement_id: uuid.UUID = Field(foreign_key="engagement.id", index=True)
    organization_id: uuid.UUID = Field(foreign_key="organization.id", index=True)
    analysis_id: uuid.UUID | None = Field(default=None, foreign_key="analysis.id", index=True)
    kpi: str = Field(max_length=64)
    value: str = Field(max_length=40)  # a Decimal, kept exact
    measured_on: date
    how_measured: str | None = Field(default=None, sa_type=sa.Text)
    source: KpiSource = Field(sa_type=enum_type(KpiSource))
    recorded_by: uuid.UUID = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AnalysisCreate(InputModel):
    """An analysis of a selected supplier (participation_id) or of the buyer (null)."""

    participation_id: uuid.UUID | None = None
    summary: Paragraph | None = None


class AnalysisUpdate(InputModel):
    summary: Paragraph


def _areas() -> dict[str, str]:
    from service.targets.service import section_ids

    return {area: area for area in [*sorted(section_ids()), "other"]}


# The areas a finding can be in: every section of the supplier templates, or "other".
FindingArea = StrEnum("FindingArea", _areas())  # type: ignore[misc]
KpiKey = StrEnum("KpiKey", {key: key for key in kpi_catalogue()})  # type: ignore[misc]


class FindingCreate(InputModel):
    area: FindingArea = Field(description="An audit section id, or 'other'")
    description: Minutes
    severity: Severity
    root_cause: Paragraph | None = None
    audit_id: uuid.UUID | None = None
    question_id: Key | None = None


class BaselineCreate(InputModel):
    kpi: KpiKey
    value: Decimal = Field(max_digits=18, decimal_places=4)
    measured_on: date
    how_measured: Paragraph | None = None


class FindingPublic(SQLModel):
    id: uuid.UUID
    area: str
    description: str
    severity: Severity
    root_cause: str | None
    audit_id: uuid.UUID | None
    question_id: str | None


class KpiValuePublic(SQLModel):
    id: uuid.UUID
    kpi: str
    value: str
    measured_on: date
    how_measured: str | None
    source: KpiSource


class AnalysisPublic(SQLModel):
    id: uuid.UUID
    engagement_id: uuid.UUID
    participation_id: uuid.UUID | None
    organization_id: uuid.UUID
    summary: str | None
    state: AnalysisState
    version: int
    approved_at: datetime | None
    findings: list[FindingPublic]
    baselines: list[KpiValuePublic]
