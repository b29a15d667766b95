"""Public shapes of programmes, organizations and the check of a programme's history."""

import uuid
from datetime import datetime

from pydantic import BaseModel

from service.history_check import ChainReport
from service.programmes.models import OrganizationBase, ProgrammeBase


class ProgrammePublic(ProgrammeBase):
    id: uuid.UUID
    created_at: datetime


class OrganizationPublic(OrganizationBase):
    id: uuid.UUID
    programme_id: uuid.UUID
    created_at: datetime


class HistoryVerification(BaseModel):
    """The programme's event chain walked through: intact, or its first broken link."""

    programme_id: uuid.UUID
    events: int
    intact: bool
    broken_at: int | None
    event_id: uuid.UUID | None
    problem: str | None


def history_verification(report: ChainReport) -> HistoryVerification:
    """The public shape of a chain report."""
    return HistoryVerification(
        programme_id=report.programme_id,
        events=report.events,
        intact=report.intact,
        broken_at=report.broken_at,
        event_id=report.event_id,
        problem=report.problem,
    )
