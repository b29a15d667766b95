"""Every table model, imported in one place for Alembic and the tests."""

from service.accounts.models import ApiToken, LoginAttempt, User
from service.engagements.models import Engagement, Event, Participation
from service.idempotency.models import IdempotencyRecord
from service.programmes.models import Organization, Programme

__all__ = [
    "ApiToken",
    "Engagement",
    "Event",
    "IdempotencyRecord",
    "LoginAttempt",
    "Organization",
    "Participation",
    "Programme",
    "User",
]
