"""Plan, Action, FundingShare, PlanApproval, Review and PartnershipDecision tables, the
plan triggers a client may fire, and the request bodies of plans, actions and reviews."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

import pydantic
import sqlalchemy as sa
from pydantic import AfterValidator, PlainSerializer, StringConstraints
from sqlmodel import Field, SQLModel

from service.analyses.models import BaselineCreate
from service.roundtables.models import Minutes, RequiredReason
from service.types import (
    NAME_KEY_LENGTH,
    Day,
    InputModel,
    Name,
    Text,
    UTCDateTime,
    WholeNumber,
    enum_type,
    name_key,
    utcnow,
)
from workflows import PlanState
from workflows.plan import TRANSITIONS
from workflows.plan_health import ActionStatus

Paragraph = Annotated[Text, StringConstraints(max_length=5000)]
# Money and shares travel as decimal text, so that no binary fraction ever touches them.
# An amount in the programme's currency, with at most two decimals: "1234.50".
Money = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{1,12}(\.[0-9]{1,2})?$"),
    AfterValidator(Decimal),
    PlainSerializer(str, return_type=str),  # read as a Decimal, written back as its text
]
# A percentage with at most two decimals, 0 to 100: "33.34".
Share = Annotated[
    str,
    StringConstraints(pattern=r"^(100(\.00?)?|[0-9]{1,2}(\.[0-9]{1,2})?)$"),
    AfterValidator(Decimal),
]
Progress = Annotated[WholeNumber, pydantic.Field(ge=0, le=100)]

# The plan triggers a client fires by name, straight from the plan machine's table; the last
# approval fires `approve` itself (POST /plans/{id}/approvals).
# The triggers a client fires on a plan: the machine's, but `approve` (the last approval fires
# it) and `cancel` (a dropped supplier's settlement fires it, plans/settlement.py).
FIRED_BY_USE_CASES = frozenset({"approve", "cancel"})
PlanTrigger = StrEnum(  # type: ignore[misc]
    "PlanTrigger",
    {
        row["trigger"]: row["trigger"]
        for row in TRANSITIONS
        if row["trigger"] not in FIRED_BY_USE_CASES
    },
)


class ActionCategory(StrEnum):
    """What kind of help an action is; investment and financing come late and stay modest."""

    training = "training"
    technical_assistance = "technical_assistance"
    process_improvement = "process_improvement"
    quality_system = "quality_system"
    investment = "investment"
    financing = "financing"


class Payer(StrEnum):
    """Who pays a share of an action."""

    firm = "firm"
    buyer = "buyer"
    programme = "programme"
    donor = "donor"
    loan = "loan"


class ApprovingParty(StrEnum):
    """Who approves a plan."""

    broker = "broker"
    buyer = "buyer"
    supplier = "supplier"


# The short name the code uses; the class's own name keeps the API's schema names unique.
Party = ApprovingParty


class Plan(SQLModel, table=True):
    """The integrated improvement plan of one firm (a selected supplier, or the buyer)."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    programme_id: uuid.UUID = Field(foreign_key="programme.id", index=True)
    engagement_id: uuid.UUID = Field(foreign_key="engagement.id", index=True)
    participation_id: uuid.UUID | None = Field(
        default=None, foreign_key="participation.id", index=True
    )
    organization_id: uuid.UUID = Field(foreign_key="organization.id")
    starts_on: date
    months: int = 6
    state: PlanState = Field(default=PlanState.draft, sa_type=enum_type(PlanState))
    version: int = 1
    created_by: uuid.UUID = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PlanApproval(SQLModel, table=True):
    """One party's approval of the submitted plan; cleared when the plan goes back to draft
    (the events keep every approval for ever)."""

    __table_args__ = (sa.UniqueConstraint("plan_id", "party"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    plan_id: uuid.UUID = Field(foreign_key="plan.id", index=True)
    party: Party = Field(sa_type=enum_type(Party))
    user_id: uuid.UUID = Field(foreign_key="user.id")
    approved_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Action(SQLModel, table=True):
    """One action of a plan: training, assistance, process or quality work, investment or
    financing, delivered by a provider (or to be tendered), with its cost and progress."""

    # The programme's overdue actions, oldest first, are read without touching other programmes.
    __table_args__ = (
        sa.Index("ix_action_programme_due", "programme_id", "due_on", "id"),
        sa.Index("ix_action_programme_title_key", "programme_id", "title_key", "id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    programme_id: uuid.UUID = Field(foreign_key="programme.id", index=True)
    plan_id: uuid.UUID = Field(foreign_key="plan.id", index=True)
    category: ActionCategory = Field(sa_type=enum_type(ActionCategory))
    title: str = Field(max_length=200)
    description: str | None = Field(default=None, sa_type=sa.Text)
    finding_ids: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    owner: str | None = Field(default=None, max_length=200)  # the person at the firm
    provider_id: uuid.UUID | None = Field(
        default=None, foreign_key="organization.id", index=True
    )  # None: to be tendered
    starts_on: date
    due_on: date = Field(index=True)
    status: ActionStatus = Field(default=ActionStatus.planned, sa_type=enum_type(ActionStatus))
    cancel_reason: str | None = Field(default=None, sa_type=sa.Text)
    progress: int = 0
    estimated_cost: Decimal = Field(default=Decimal(0), sa_type=sa.Numeric(14, 2))
    actual_cost: Decimal | None = Field(default=None, sa_type=sa.Numeric(14, 2))
    version: int = 1
    # The title folded (case, accents, spacing) for `q` and `sort=title`.
    title_key: str = Field(default="", max_length=NAME_KEY_LENGTH)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


@sa.event.listens_for(Action, "before_insert")
@sa.event.listens_for(Action, "before_update")
def _fold_action_title(mapper: Any, connection: Any, row: Action) -> None:
    """Keep title_key the folded title, however the row was written."""
    row.title_key = name_key(row.title)


class FundingShare(SQLModel, table=True):
    """Who pays which percentage of an action; an action's shares add up to exactly 100."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    action_id: uuid.UUID = Field(foreign_key="action.id", index=True)
    position: int = 0  # the order the shares were given in
    payer: Payer = Field(sa_type=enum_type(Payer))
    organization_id: uuid.UUID | None = Field(default=None, foreign_key="organization.id")
    percent: Decimal = Field(sa_type=sa.Numeric(5, 2))


class Review(SQLModel, table=True):
    """A monthly review of a plan by the broker: progress per action, KPI values, notes."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    plan_id: uuid.UUID = Field(foreign_key="plan.id", index=True)
    held_on: date
    broker_id: uuid.UUID = Field(foreign_key="user.id")
    notes: str = Field(sa_type=sa.Text)
    next_steps: str | None = Field(default=None, sa_type=sa.Text)
    progress: dict[str, int] = Field(default_factory=dict, sa_type=sa.JSON)  # action id → %
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Outcome(StrEnum):
    """The buyer's decision on a supplier at the end of the engagement."""

    partnership = "partnership"
    conditional = "conditional"
    declined = "declined"


class PartnershipDecision(SQLModel, table=True):
    """What the buyer decided about one supplier, why, and on which conditions."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    programme_id: uuid.UUID = Field(foreign_key="programme.id", index=True)
    engagement_id: uuid.UUID = Field(foreign_key="engagement.id", index=True)
    participation_id: uuid.UUID = Field(foreign_key="participation.id", unique=True)
    outcome: Outcome = Field(sa_type=enum_type(Outcome))
    conditions: str | None = Field(default=None, sa_type=sa.Text)
    rationale: str = Field(sa_type=sa.Text)
    decided_by: uuid.UUID = Field(foreign_key="user.id")
    decided_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ShareIn(InputModel):
    payer: Payer
    organization_id: uuid.UUID | None = None
    percent: Share


class ActionCreate(InputModel):
    category: ActionCategory
    title: Name
    description: Paragraph | None = None
    finding_ids: list[uuid.UUID] = pydantic.Field(default=[], max_length=50)
    owner: Name | None = None
    provider_id: uuid.UUID | None = pydantic.Field(
        default=None, description="The provider organization; null while it is to be tendered"
    )
    starts_on: Day
    due_on: Day
    estimated_cost: Money
    funding: list[ShareIn] = pydantic.Field(min_length=1, max_length=10)


class ActionUpdate(InputModel):
    """Progress, status and actual cost; a cancellation needs its reason. Done means progress
    100 and a known actual cost. While the plan is in draft, also what the action is: its
    title, description, person responsible, category, provider (null: to be tendered), dates
    inside the plan, estimated cost and funding shares (adding up to 100). An action read can
    be sent back as it was: null where it holds no value, and an unchanged value changes
    nothing, whatever the plan's state."""

    status: ActionStatus = Field(default=None)
    progress: Progress = Field(default=None)
    actual_cost: Money | None = None
    cancel_reason: RequiredReason | None = None
    category: ActionCategory = Field(default=None)
    title: Name = Field(default=None)
    description: Paragraph | None = None
    owner: Name | None = None
    provider_id: uuid.UUID | None = pydantic.Field(
        default=None, description="The provider organization; null while it is to be tendered"
    )
    starts_on: Day = Field(default=None)
    due_on: Day = Field(default=None)
    estimated_cost: Money = Field(default=None)
    funding: list[ShareIn] = Field(default=None, min_length=1, max_length=10)


class PlanCreate(InputModel):
    """The plan of a selected supplier (participation_id) or of the buyer (null)."""

    participation_id: uuid.UUID | None = None
    starts_on: Day
    months: WholeNumber = pydantic.Field(default=6, ge=1, le=24)


class PlanWindow(InputModel):
    """A draft plan's new start and length."""

    starts_on: Day
    months: WholeNumber = pydantic.Field(ge=1, le=24)


class ReviewProgress(InputModel):
    action_id: uuid.UUID
    progress: Progress


class ReviewCreate(InputModel):
    """A monthly review: notes, next steps, progress per action and the KPI values measured."""

    held_on: Day
    notes: Minutes
    next_steps: Paragraph | None = None
    progress: list[ReviewProgress] = pydantic.Field(default=[], max_length=100)
    kpis: list[BaselineCreate] = pydantic.Field(default=[], max_length=20)


class FinalKpis(InputModel):
    """The KPI values measured at the end of the plan, one per KPI with a baseline."""

    values: list[BaselineCreate] = pydantic.Field(min_length=1, max_length=20)
