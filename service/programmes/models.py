"""Programme and Organization tables, which role fits which organization, and the inputs."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import StringConstraints
from sqlmodel import Field, SQLModel

from service.accounts.models import Role
from service.types import (
    NAME_KEY_LENGTH,
    CountryCode,
    CurrencyCode,
    Email,
    InputModel,
    Language,
    Name,
    Password,
    Text,
    TimeZoneName,
    UTCDateTime,
    enum_type,
    name_key,
    utcnow,
)


class OrganizationKind(StrEnum):
    """What an organization is in a programme."""

    unit = "unit"
    buyer = "buyer"
    supplier = "supplier"
    provider = "provider"
    financier = "financier"
    donor = "donor"


# Which kinds of organization each role may belong to.
ROLE_ORGANIZATION_KINDS: dict[Role, frozenset[OrganizationKind]] = {
    Role.admin: frozenset({OrganizationKind.unit}),
    Role.broker: frozenset({OrganizationKind.unit, OrganizationKind.buyer}),
    Role.buyer: frozenset({OrganizationKind.buyer}),
    Role.supplier: frozenset({OrganizationKind.supplier}),
    Role.provider: frozenset({OrganizationKind.provider}),
    Role.observer: frozenset(
        {OrganizationKind.donor, OrganizationKind.financier, OrganizationKind.unit}
    ),
}


class OrganizationSort(StrEnum):
    """Orders of the organization list: by folded name or by enrolment; `-` descends."""

    name = "name"
    name_desc = "-name"
    created_at = "created_at"
    created_at_desc = "-created_at"


class PaperSize(StrEnum):
    """Paper size for the programme's PDF reports."""

    a4 = "A4"
    letter = "Letter"


class ProgrammeBase(SQLModel):
    name: str = Field(max_length=200)
    timezone: str = Field(default="UTC", max_length=64)
    language: Language = Field(default=Language.en, sa_type=enum_type(Language))
    currency: str = Field(default="USD", max_length=3)
    paper_size: PaperSize = Field(default=PaperSize.a4, sa_type=enum_type(PaperSize))


class Programme(ProgrammeBase, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ProgrammeAdmin(InputModel):
    """The first administrator created with a programme."""

    email: Email
    full_name: Name
    password: Password


class ProgrammeCreate(InputModel):
    """A new programme, its unit and its first administrator."""

    name: Name
    timezone: TimeZoneName = TimeZoneName("UTC")
    language: Language = Language.en
    currency: CurrencyCode = "USD"
    paper_size: PaperSize = PaperSize.a4
    unit_name: Name
    admin: ProgrammeAdmin


class ProgrammeUpdate(InputModel):
    """Changes to a programme; omitted fields stay as they are."""

    name: Name = Field(default=None)
    timezone: TimeZoneName = Field(default=None)
    language: Language = Field(default=None)
    currency: CurrencyCode = Field(default=None)
    paper_size: PaperSize = Field(default=None)


class OrganizationBase(SQLModel):
    name: str = Field(max_length=200)
    kind: OrganizationKind = Field(sa_type=enum_type(OrganizationKind))
    country: str | None = Field(default=None, max_length=2)
    sector: str | None = Field(default=None, max_length=200)


class Organization(OrganizationBase, table=True):
    # One name per programme, whatever its case, accents and spacing ("Consultora Duplicada"
    # and "consultora  duplicada" are one firm): name_key is the name so folded.
    __table_args__ = (
        sa.UniqueConstraint("programme_id", "name_key", name="uq_organization_programme_name"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    programme_id: uuid.UUID = Field(foreign_key="programme.id", index=True)
    name_key: str = Field(default="", max_length=NAME_KEY_LENGTH)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


@sa.event.listens_for(Organization, "before_insert")
@sa.event.listens_for(Organization, "before_update")
def _fold_name(mapper: Any, connection: Any, organization: Organization) -> None:
    """Keep name_key the folded name, however the row was written."""
    organization.name_key = name_key(organization.name)


class OrganizationCreate(InputModel):
    """A new organization of the caller's programme."""

    name: Name
    kind: OrganizationKind
    country: CountryCode | None = None
    sector: Annotated[Text, StringConstraints(max_length=200)] | None = None


class OrganizationUpdate(InputModel):
    """Changes to an organization; country and sector may be cleared with null."""

    name: Name = Field(default=None)
    country: CountryCode | None = None
    sector: Annotated[Text, StringConstraints(max_length=200)] | None = None
