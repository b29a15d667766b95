"""Programme and Organization tables and their API shapes."""

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import EmailStr, field_validator
from sqlmodel import Field, SQLModel

from service.types import InputModel, UTCDateTime, enum_type, utcnow

LANGUAGES = ("en", "es", "fr")


class OrganizationKind(StrEnum):
    """What an organization is in a programme."""

    unit = "unit"
    buyer = "buyer"
    supplier = "supplier"
    provider = "provider"
    financier = "financier"
    donor = "donor"


class PaperSize(StrEnum):
    """Paper size for the programme's PDF reports."""

    a4 = "A4"
    letter = "Letter"


def _valid_timezone(value: str) -> str:
    from zoneinfo import ZoneInfo, available_timezones

    if value not in available_timezones():
        raise ValueError(f"unknown time zone {value!r}; use an IANA name such as America/Managua")
    ZoneInfo(value)
    return value


class ProgrammeBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    timezone: str = Field(default="UTC", max_length=64)
    language: str = Field(default="en", max_length=2, regex="^(en|es|fr)$")
    currency: str = Field(default="USD", min_length=3, max_length=3, regex="^[A-Z]{3}$")
    paper_size: PaperSize = Field(default=PaperSize.a4, sa_type=enum_type(PaperSize))


class Programme(ProgrammeBase, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ProgrammeAdmin(InputModel):
    """The first administrator created with a programme."""

    email: EmailStr = Field(max_length=254)
    full_name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=12, max_length=256)


class ProgrammeCreate(ProgrammeBase, InputModel):
    unit_name: str = Field(min_length=1, max_length=200)
    admin: ProgrammeAdmin

    _check_timezone = field_validator("timezone")(_valid_timezone)


class ProgrammeUpdate(InputModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    timezone: str | None = Field(default=None, max_length=64)
    language: str | None = Field(default=None, regex="^(en|es|fr)$")
    currency: str | None = Field(default=None, regex="^[A-Z]{3}$")
    paper_size: PaperSize | None = None

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str | None) -> str | None:
        return None if value is None else _valid_timezone(value)


class ProgrammePublic(ProgrammeBase):
    id: uuid.UUID
    created_at: datetime


class OrganizationBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    kind: OrganizationKind = Field(sa_type=enum_type(OrganizationKind))
    country: str | None = Field(default=None, min_length=2, max_length=2, regex="^[A-Z]{2}$")
    sector: str | None = Field(default=None, max_length=200)


class Organization(OrganizationBase, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    programme_id: uuid.UUID = Field(foreign_key="programme.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OrganizationCreate(OrganizationBase, InputModel):
    """A new organization of the caller's programme."""


class OrganizationUpdate(InputModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    country: str | None = Field(default=None, regex="^[A-Z]{2}$")
    sector: str | None = Field(default=None, max_length=200)


class OrganizationPublic(OrganizationBase):
    id: uuid.UUID
    programme_id: uuid.UUID
    created_at: datetime
