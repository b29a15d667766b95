"""Analysis, Finding and KpiValue tables and their API shapes."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import sqlalchemy as sa
from pydantic import Discriminator, StringConstraints, Tag
from sqlmodel import Field, SQLModel

from service.audits.templates import supplier_sections
from service.kpis import kpi_catalogue
from service.roundtables.models import Minutes
from service.targets.models import Key, by_kpi
from service.types import Day, InputModel, MeasureOut, Text, UTCDateTime, enum_type, utcnow
from workflows import AnalysisState
from workflows.analysis import ANALYSIS

Paragraph = Annotated[Text, StringConstraints(max_length=5000)]


# What can happen to an analysis: the triggers of its workflow table.
AnalysisTrigger = StrEnum(  # type: ignore[misc]
    "AnalysisTrigger", {row["trigger"]: row["trigger"] for row in ANALYSIS.table}
)


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
    created_by: uuid.UUID = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FindingLink(SQLModel, table=True):
    """What a finding rests on: an audit answer (audit and question) or an evidence file."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    finding_id: uuid.UUID = Field(foreign_key="finding.id", index=True)
    audit_id: uuid.UUID = Field(foreign_key="audit.id")
    question_id: str = Field(max_length=64)
    evidence_id: uuid.UUID | None = Field(default=None, foreign_key="evidence.id")


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


# The areas a finding can be in: every section of the supplier templates, or "other".
FindingArea = StrEnum(  # type: ignore[misc]
    "FindingArea", {area: area for area in [*supplier_sections(), "other"]}
)


class AnswerLink(InputModel):
    """An answer of one of the firm's audits in this engagement."""

    audit_id: uuid.UUID
    question_id: Key


class EvidenceLink(InputModel):
    """An evidence file of one of the firm's audits in this engagement."""

    evidence_id: uuid.UUID


def _link_kind(value: Any) -> str:
    has_evidence = (
        "evidence_id" in value if isinstance(value, dict) else hasattr(value, "evidence_id")
    )
    return "evidence" if has_evidence else "answer"


Link = Annotated[
    Annotated[AnswerLink, Tag("answer")] | Annotated[EvidenceLink, Tag("evidence")],
    Discriminator(_link_kind),
]


class FindingCreate(InputModel):
    area: FindingArea = Field(description="An audit section id, or 'other'")
    description: Minutes
    severity: Severity
    root_cause: Paragraph | None = None
    links: list[Link] = Field(
        default=[], max_length=20, description="Audit answers and evidence files it rests on"
    )


class BaselineFields(InputModel):
    kpi: str  # each KPI's body narrows these two
    value: float
    measured_on: Day
    how_measured: Paragraph | None = None


# Type checkers see the members' common shape; requests are validated by the exact union.
if TYPE_CHECKING:
    BaselineCreate = BaselineFields
else:
    BaselineCreate = by_kpi("Baseline", BaselineFields, list(kpi_catalogue().values()))


class LinkPublic(SQLModel):
    audit_id: uuid.UUID
    question_id: str
    evidence_id: uuid.UUID | None


class FindingPublic(SQLModel):
    id: uuid.UUID
    area: str
    description: str
    severity: Severity
    root_cause: str | None
    links: list[LinkPublic]


class KpiValuePublic(SQLModel):
    id: uuid.UUID
    kpi: str
    value: MeasureOut
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
