"""Target and TargetRevision tables and their API shapes."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

import pydantic
import sqlalchemy as sa
from pydantic import Discriminator, StringConstraints, Tag, create_model
from sqlmodel import Field, SQLModel

from service.audits.templates import supplier_sections
from service.kpis import Kpi, kpi_catalogue
from service.roundtables.models import RequiredReason
from service.types import (
    Day,
    FilledReason,
    InputModel,
    MeasureOut,
    UTCDateTime,
    enum_type,
    utcnow,
)

Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
Commitment = FilledReason


class TargetKind(StrEnum):
    """A KPI value by a date, an audit-section score by a date, or a free-text commitment."""

    kpi = "kpi"
    audit_section = "audit_section"
    commitment = "commitment"


class CommittingParty(StrEnum):
    """Who commits."""

    supplier = "supplier"
    buyer = "buyer"


# The short name the code uses; the class's own name keeps the API's schema names unique.
Party = CommittingParty


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


SectionId = StrEnum("SectionId", {key: key for key in supplier_sections()})  # type: ignore[misc]
# An audit-section score, as the scoring gives it.
SectionScore = Annotated[float, pydantic.Field(strict=True, allow_inf_nan=False, ge=0, le=100)]


def _kind(value: Any) -> Any:
    return value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)


def by_kind(kpi: Any, audit_section: Any, commitment: Any) -> Any:
    """A body chosen by its `kind`; KPI bodies are chosen again by their `kpi`, so each KPI's
    value has its own bounds in the schema."""
    return Annotated[
        Annotated[kpi, Tag("kpi")]
        | Annotated[audit_section, Tag("audit_section")]
        | Annotated[commitment, Tag("commitment")],
        Discriminator(
            _kind,
            custom_error_type="kind_invalid",
            custom_error_message="kind must be kpi, audit_section or commitment",
            custom_error_context={"discriminator": "'kind'"},
        ),
    ]


def by_kpi(name: str, base: type[InputModel], kpis: list[Kpi]) -> Any:
    """One body model per KPI, with that KPI as `kpi` and its bounds on `value`."""
    models = []
    for kpi in kpis:
        key: Any = Literal[kpi.key]  # a type made at run time, one per catalogue key
        models.append(
            create_model(
                f"{kpi.key.title().replace('_', '')}{name}",
                __base__=base,
                kpi=(key, ...),
                value=(kpi.value_type(), ...),
            )
        )
    return Annotated[Union[tuple(models)], pydantic.Field(discriminator="kpi")]  # noqa: UP007


SUPPLIER_KPIS = [kpi for kpi in kpi_catalogue().values() if "supplier" in kpi.applies_to]


class KpiTargetFields(InputModel):
    round_table_id: uuid.UUID
    kind: Literal["kpi"]
    due_on: Day


class SectionTarget(InputModel):
    """An audit-section score (0-100) to reach by a date."""

    round_table_id: uuid.UUID
    kind: Literal["audit_section"]
    section_id: SectionId
    value: SectionScore
    due_on: Day


class CommitmentTarget(InputModel):
    """What the supplier or the buyer commits to, in words."""

    round_table_id: uuid.UUID
    kind: Literal["commitment"]
    party: Party
    text: Commitment


# Type checkers see the members' common shapes; requests are validated by the exact union.
if TYPE_CHECKING:
    TargetCreate = KpiTargetFields | SectionTarget | CommitmentTarget
else:
    TargetCreate = by_kind(
        by_kpi("Target", KpiTargetFields, SUPPLIER_KPIS), SectionTarget, CommitmentTarget
    )


class KpiChangeFields(InputModel):
    kind: Literal["kpi"]
    due_on: Day
    reason: RequiredReason


class SectionChange(InputModel):
    """A section target's new score and date, and why."""

    kind: Literal["audit_section"]
    value: SectionScore
    due_on: Day
    reason: RequiredReason


class CommitmentChange(InputModel):
    """A commitment's new text, and why."""

    kind: Literal["commitment"]
    text: Commitment
    reason: RequiredReason


# A change restates the target's kind (and KPI), so the schema bounds the new value.
if TYPE_CHECKING:
    TargetChange = KpiChangeFields | SectionChange | CommitmentChange
else:
    TargetChange = by_kind(
        by_kpi("Change", KpiChangeFields, SUPPLIER_KPIS), SectionChange, CommitmentChange
    )


class TargetPublic(SQLModel):
    id: uuid.UUID
    participation_id: uuid.UUID
    round_table_id: uuid.UUID
    kind: TargetKind
    kpi: str | None
    section_id: str | None
    value: MeasureOut | None
    due_on: date | None
    party: Party | None
    text: str | None
    version: int
    updated_at: datetime


class RevisionPublic(SQLModel):
    version: int
    value: MeasureOut | None
    due_on: date | None
    text: str | None
    changed_by: uuid.UUID
    changed_at: datetime
    reason: str
