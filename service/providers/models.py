"""ProviderProfile, Qualification and Rating tables, and the inputs of the registry routes."""

import uuid
from datetime import date, datetime
from typing import Annotated

import pydantic
import sqlalchemy as sa
from pydantic import StringConstraints
from sqlmodel import Field, SQLModel

from service.plans.models import ActionCategory
from service.types import Day, Email, InputModel, Name, Text, UTCDateTime, WholeNumber, utcnow

Comment = Annotated[Text, StringConstraints(max_length=2000)]
Stars = Annotated[WholeNumber, pydantic.Field(ge=1, le=5)]


class ProviderProfile(SQLModel, table=True):
    """What a provider organization delivers, for which sectors, and whom to contact."""

    __tablename__ = "provider_profile"

    organization_id: uuid.UUID = Field(foreign_key="organization.id", primary_key=True)
    programme_id: uuid.UUID = Field(foreign_key="programme.id", index=True)
    categories: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    sectors: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    contact_name: str | None = Field(default=None, max_length=200)
    contact_email: str | None = Field(default=None, max_length=254)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Qualification(SQLModel, table=True):
    """A certificate or accreditation a provider holds, with its document and expiry."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    programme_id: uuid.UUID = Field(foreign_key="programme.id", index=True)
    organization_id: uuid.UUID = Field(foreign_key="organization.id", index=True)
    name: str = Field(max_length=200)
    document: str | None = Field(default=None, max_length=500)  # a reference or link
    expires_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Rating(SQLModel, table=True):
    """How the broker or the firm judged a provider's delivery of one action."""

    __table_args__ = (sa.UniqueConstraint("action_id", "rated_by"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    programme_id: uuid.UUID = Field(foreign_key="programme.id", index=True)
    organization_id: uuid.UUID = Field(foreign_key="organization.id", index=True)  # provider
    action_id: uuid.UUID = Field(foreign_key="action.id", index=True)
    rated_by: uuid.UUID = Field(foreign_key="user.id")
    rater_role: str = Field(max_length=32)
    timeliness: int
    quality: int
    comment: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ProviderProfileUpdate(InputModel):
    """A provider's capabilities and contact; the whole profile each time."""

    categories: list[ActionCategory] = pydantic.Field(default=[], max_length=10)
    sectors: list[Name] = pydantic.Field(default=[], max_length=20)
    contact_name: Name | None = None
    contact_email: Email | None = None


class QualificationCreate(InputModel):
    """A qualification with its document reference and expiry date."""

    name: Name
    document: Annotated[Name, StringConstraints(max_length=500)] | None = None
    expires_on: Day | None = None


class RatingCreate(InputModel):
    """Timeliness and quality from 1 to 5, with a comment."""

    timeliness: Stars
    quality: Stars
    comment: Comment | None = None
