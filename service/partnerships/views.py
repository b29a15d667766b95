"""The public shape of a partnership decision."""

import uuid
from datetime import datetime

from sqlmodel import SQLModel

from service.partnerships.models import Outcome, PartnershipDecision


class DecisionPublic(SQLModel):
    participation_id: uuid.UUID
    outcome: Outcome
    conditions: str | None
    rationale: str
    decided_by: uuid.UUID
    decided_at: datetime


def decision_public(decision: PartnershipDecision) -> DecisionPublic:
    """The decision as the API shows it."""
    return DecisionPublic.model_validate(decision, from_attributes=True)
