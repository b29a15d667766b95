"""Tender, Lot, invitations, clarifications, amendments, sealed bids and their versions,
evaluators and scores, the programme's tender policy, and the inputs of the tender routes."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

import pydantic
import sqlalchemy as sa
from pydantic import StrictBool, StringConstraints
from sqlmodel import Field, SQLModel

from service.plans.models import ActionCategory, Money, Paragraph
from service.roundtables.models import RequiredReason
from service.types import (
    Day,
    InputModel,
    Instant,
    Name,
    UTCDateTime,
    WholeNumber,
    enum_type,
    utcnow,
)
from workflows.tender import TRANSITIONS, TenderState

# The tender triggers a client fires by name.
TenderTrigger = StrEnum(  # type: ignore[misc]
    "TenderTrigger", {row["trigger"]: row["trigger"] for row in TRANSITIONS}
)
CriterionKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z_]{0,31}$")]
Points = Annotated[WholeNumber, pydantic.Field(ge=0, le=100)]


class LotOutcome(StrEnum):
    """What became of a lot."""

    open = "open"
    awarded = "awarded"
    unsuccessful = "unsuccessful"


class TenderPolicy(SQLModel, table=True):
    """The programme's tender settings: the standstill before an award takes effect and the
    least an amendment moves the deadline."""

    __tablename__ = "tender_policy"

    programme_id: uuid.UUID = Field(foreign_key="programme.id", primary_key=True)
    standstill_days: int = 10
    amendment_extension_days: int = 7
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Tender(SQLModel, table=True):
    """A call for proposals of the programme."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    programme_id: uuid.UUID = Field(foreign_key="programme.id", index=True)
    title: str = Field(max_length=200)
    description: str = Field(sa_type=sa.Text)
    state: TenderState = Field(default=TenderState.draft, sa_type=enum_type(TenderState))
    deadline_at: datetime = Field(sa_type=UTCDateTime)
    clarification_ends_at: datetime = Field(sa_type=UTCDateTime)
    open_to_all: bool = False
    criteria: list[dict[str, object]] = Field(default_factory=list, sa_type=sa.JSON)
    amendments: int = 0
    version: int = 1
    created_by: uuid.UUID = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    awarded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    standstill_ends_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    contracted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Lot(SQLModel, table=True):
    """A part of a tender: plan actions of one category, bid for and awarded together."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    tender_id: uuid.UUID = Field(foreign_key="tender.id", index=True)
    programme_id: uuid.UUID = Field(foreign_key="programme.id", index=True)
    position: int = 0
    title: str = Field(max_length=200)
    category: ActionCategory = Field(sa_type=enum_type(ActionCategory))
    scope: str = Field(sa_type=sa.Text)
    deliverables: str = Field(sa_type=sa.Text)
    starts_on: date
    due_on: date
    budget_ceiling: Decimal = Field(sa_type=sa.Numeric(14, 2))
    qualifications: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    outcome: LotOutcome = Field(default=LotOutcome.open, sa_type=enum_type(LotOutcome))
    awarded_bid_id: uuid.UUID | None = Field(default=None)
    rationale: str | None = Field(default=None, sa_type=sa.Text)


class LotAction(SQLModel, table=True):
    """A plan action a lot puts out to tender."""

    __tablename__ = "lot_action"
    __table_args__ = (sa.UniqueConstraint("lot_id", "action_id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    lot_id: uuid.UUID = Field(foreign_key="lot.id", index=True)
    action_id: uuid.UUID = Field(foreign_key="action.id", index=True)


class TenderInvitation(SQLModel, table=True):
    """A provider invited to bid."""

    __tablename__ = "tender_invitation"
    __table_args__ = (sa.UniqueConstraint("tender_id", "organization_id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    tender_id: uuid.UUID = Field(foreign_key="tender.id", index=True)
    organization_id: uuid.UUID = Field(foreign_key="organization.id")


class TenderAmendment(SQLModel, table=True):
    """One published change of a tender: what changed and the deadline before and after."""

    __tablename__ = "tender_amendment"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    tender_id: uuid.UUID = Field(foreign_key="tender.id", index=True)
    number: int
    summary: str = Field(sa_type=sa.Text)
    snapshot: dict[str, object] = Field(default_factory=dict, sa_type=sa.JSON)
    deadline_before: datetime = Field(sa_type=UTCDateTime)
    deadline_after: datetime = Field(sa_type=UTCDateTime)
    created_by: uuid.UUID = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Clarification(SQLModel, table=True):
    """A bidder's question and the unit's answer, published to every bidder without the asker."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    tender_id: uuid.UUID = Field(foreign_key="tender.id", index=True)
    asked_by: uuid.UUID = Field(foreign_key="organization.id")
    question: str = Field(sa_type=sa.Text)
    asked_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    answer: str | None = Field(default=None, sa_type=sa.Text)
    answered_by: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Bid(SQLModel, table=True):
    """A provider's bid on a lot; its contents live encrypted in its versions."""

    __table_args__ = (sa.UniqueConstraint("lot_id", "organization_id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    tender_id: uuid.UUID = Field(foreign_key="tender.id", index=True)
    lot_id: uuid.UUID = Field(foreign_key="lot.id", index=True)
    organization_id: uuid.UUID = Field(foreign_key="organization.id")
    versions: int = 0
    withdrawn: bool = False


class BidVersion(SQLModel, table=True):
    """One version of a bid, kept for ever: AES-GCM ciphertext under the tender's key."""

    __tablename__ = "bid_version"
    __table_args__ = (sa.UniqueConstraint("bid_id", "number"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    bid_id: uuid.UUID = Field(foreign_key="bid.id", index=True)
    number: int
    withdrawn: bool = False
    nonce: bytes = Field(sa_type=sa.LargeBinary)
    ciphertext: bytes = Field(sa_type=sa.LargeBinary)
    submitted_by: uuid.UUID = Field(foreign_key="user.id")
    submitted_at: datetime = Field(sa_type=UTCDateTime)


class Evaluator(SQLModel, table=True):
    """A unit user assigned to score a tender's bids."""

    __table_args__ = (sa.UniqueConstraint("tender_id", "user_id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    tender_id: uuid.UUID = Field(foreign_key="tender.id", index=True)
    user_id: uuid.UUID = Field(foreign_key="user.id")
    declared_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    declaration: str | None = Field(default=None, sa_type=sa.Text)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Score(SQLModel, table=True):
    """One evaluator's points (0-100) for one quality criterion of one bid."""

    __table_args__ = (sa.UniqueConstraint("evaluator_id", "bid_id", "criterion"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    evaluator_id: uuid.UUID = Field(foreign_key="evaluator.id", index=True)
    bid_id: uuid.UUID = Field(foreign_key="bid.id", index=True)
    criterion: str = Field(max_length=32)
    points: int
    comment: str | None = Field(default=None, sa_type=sa.Text)


class CriterionIn(InputModel):
    """A criterion and its weight; exactly one criterion is the price."""

    key: CriterionKey
    name: Name
    weight: Points
    price: StrictBool = False


class TenderCreate(InputModel):
    """A draft call for proposals."""

    title: Name
    description: Paragraph
    deadline_at: Instant
    clarification_ends_at: Instant
    open_to_all: StrictBool = False
    criteria: list[CriterionIn] = pydantic.Field(min_length=1, max_length=10)


class TenderAmend(InputModel):
    """A change of scope or dates; once published it is an amendment with its summary."""

    description: Paragraph = Field(default=None)
    deadline_at: Instant = Field(default=None)
    clarification_ends_at: Instant = Field(default=None)
    summary: RequiredReason = Field(default=None)


class LotCreate(InputModel):
    """A lot: the actions it tenders, its scope, dates, budget ceiling and eligibility."""

    title: Name
    category: ActionCategory
    scope: Paragraph
    deliverables: Paragraph
    starts_on: Day
    due_on: Day
    budget_ceiling: Money
    qualifications: list[Name] = pydantic.Field(default=[], max_length=10)
    action_ids: list[uuid.UUID] = pydantic.Field(min_length=1, max_length=50)


class InvitationCreate(InputModel):
    organization_id: uuid.UUID


class QuestionCreate(InputModel):
    question: RequiredReason


class AnswerCreate(InputModel):
    answer: RequiredReason


class Attachment(InputModel):
    title: Name
    url: Annotated[Name, StringConstraints(max_length=500, pattern=r"^https://[^\x00\s]+$")]


class BidIn(InputModel):
    """A bid's contents: price in the programme's currency, approach, team, start, duration."""

    price: Money
    approach: Paragraph
    team: Paragraph
    starts_on: Day
    duration_days: Annotated[WholeNumber, pydantic.Field(ge=1, le=1000)]
    attachments: list[Attachment] = pydantic.Field(default=[], max_length=10)


class EvaluatorAssign(InputModel):
    user_id: uuid.UUID


class Declaration(InputModel):
    """The evaluator's statement that it has no conflict of interest with any bidder."""

    statement: RequiredReason


class ScoreIn(InputModel):
    bid_id: uuid.UUID
    criterion: CriterionKey
    points: Points
    comment: Annotated[Paragraph, StringConstraints(max_length=2000)] | None = None


class ScoreSheet(InputModel):
    """Every quality criterion of every bid, scored 0-100, submitted once."""

    scores: list[ScoreIn] = pydantic.Field(min_length=1, max_length=500)


class LotDecision(InputModel):
    """Award the lot to a bid, or declare it unsuccessful (bid_id null), with a rationale."""

    bid_id: uuid.UUID | None = None
    rationale: RequiredReason


class PolicyUpdate(InputModel):
    standstill_days: Annotated[WholeNumber, pydantic.Field(ge=0, le=90)]
    amendment_extension_days: Annotated[WholeNumber, pydantic.Field(ge=0, le=90)]
