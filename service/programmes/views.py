"""Public shapes of programmes and organizations."""

import uuid
from datetime import datetime

from service.programmes.models import OrganizationBase, ProgrammeBase


class ProgrammePublic(ProgrammeBase):
    id: uuid.UUID
    created_at: datetime


class OrganizationPublic(OrganizationBase):
    id: uuid.UUID
    programme_id: uuid.UUID
    created_at: datetime
