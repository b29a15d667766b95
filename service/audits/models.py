"""Audit, Answer and Evidence tables and their API shapes."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import StrictBool, StrictFloat, StrictInt, StringConstraints
from sqlmodel import Field, SQLModel

from service.engagements.models import Reason
from service.types import InputModel, Text, UTCDateTime, WholeNumber, enum_type, utcnow
from workflows import AuditState
from workflows.audit import AUDIT


class AuditPurpose(StrEnum):
    """Why an audit is made."""

    evaluation = "evaluation"
    baseline = "baseline"
    final = "final"
    self_assessment = "self_assessment"


# What can happen to an audit: the triggers of its workflow table.
AuditTrigger = StrEnum(  # type: ignore[misc]
    "AuditTrigger", {row["trigger"]: row["trigger"] for row in AUDIT.table}
)
AuditTrigger.__doc__ = "What can happen to an audit."


class Audit(SQLModel, table=True):
    """One enterprise audit of a firm, made from one template version."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    programme_id: uuid.UUID = Field(foreign_key="programme.id", index=True)
    engagement_id: uuid.UUID = Field(foreign_key="engagement.id", index=True)
    participation_id: uuid.UUID | None = Field(
        default=None, foreign_key="participation.id", index=True
    )
    organization_id: uuid.UUID = Field(foreign_key="organization.id")
    template_id: str = Field(max_length=64)
    template_version: int
    purpose: AuditPurpose = Field(sa_type=enum_type(AuditPurpose))
    state: AuditState = Field(default=AuditState.draft, sa_type=enum_type(AuditState))
    version: int = 1
    created_by: uuid.UUID = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Answer(SQLModel, table=True):
    """The answer to one question of an audit (value null when not applicable)."""

    __table_args__ = (sa.UniqueConstraint("audit_id", "question_id", name="uq_answer_question"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    audit_id: uuid.UUID = Field(foreign_key="audit.id", index=True)
    question_id: str = Field(max_length=64)
    value: Any = Field(default=None, sa_type=sa.JSON)
    not_applicable: bool = False
    comment: str | None = Field(default=None, sa_type=sa.Text)
    answered_by: uuid.UUID = Field(foreign_key="user.id")
    answered_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Evidence(SQLModel, table=True):
    """A file supporting an answer; stored outside any served folder, typed by its bytes."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    audit_id: uuid.UUID = Field(foreign_key="audit.id", index=True)
    question_id: str = Field(max_length=64)
    filename: str = Field(max_length=200)
    media_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=200)
    uploaded_by: uuid.UUID = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AuditCreate(InputModel):
    """A new audit of a candidate (participation_id) or of the buyer (participation_id null)."""

    participation_id: uuid.UUID | None = None
    template_id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
    template_version: WholeNumber = Field(ge=1, le=1000)
    purpose: AuditPurpose


# A JSON number arrives as int or float; number answers keep its written digits (str → Decimal).
AnswerValueIn = (
    StrictBool | StrictInt | StrictFloat | Annotated[Text, StringConstraints(max_length=5000)]
)


class AnswerIn(InputModel):
    """One answer: a value of the question's type, or not applicable with a reason."""

    question_id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
    value: AnswerValueIn | None = None
    not_applicable: StrictBool = False
    comment: Reason | None = None


class AnswersIn(InputModel):
    """Answers to save at once; each replaces any earlier answer to its question."""

    answers: list[AnswerIn] = Field(min_length=1, max_length=500)


class AuditTransition(InputModel):
    """A reason, required to reopen."""

    reason: Reason | None = None


class AnswerPublic(SQLModel):
    question_id: str
    value: Any
    not_applicable: bool
    comment: str | None
    answered_at: datetime


class EvidencePublic(SQLModel):
    id: uuid.UUID
    question_id: str
    filename: str
    media_type: str
    size: int
    sha256: str
    created_at: datetime


class SectionScorePublic(SQLModel):
    section_id: str
    title: str
    score: float | None
    answered: int
    scored_questions: int


class ScorePublic(SQLModel):
    total: float | None
    band: str | None
    sections: list[SectionScorePublic]
    critical_gaps: list[str]


class AuditSummary(SQLModel):
    """An audit in a list: its state and score, without answers or evidence (read the audit
    for those)."""

    id: uuid.UUID
    engagement_id: uuid.UUID
    participation_id: uuid.UUID | None
    organization_id: uuid.UUID
    organization_name: str
    template_id: str
    template_version: int
    purpose: AuditPurpose
    state: AuditState
    version: int
    created_at: datetime
    updated_at: datetime
    reviewed_at: datetime | None
    score: ScorePublic


class AuditPublic(SQLModel):
    id: uuid.UUID
    engagement_id: uuid.UUID
    participation_id: uuid.UUID | None
    organization_id: uuid.UUID
    organization_name: str
    template_id: str
    template_version: int
    purpose: AuditPurpose
    state: AuditState
    version: int
    created_at: datetime
    updated_at: datetime
    reviewed_at: datetime | None
    score: ScorePublic
    answers: list[AnswerPublic]
    evidence: list[EvidencePublic]
