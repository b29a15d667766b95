"""Every table model, imported in one place for Alembic and the tests."""

from service.accounts.models import ApiToken, LoginThrottle, PasswordLink, User
from service.analyses.models import Analysis, Finding, KpiValue
from service.audits.models import Answer, Audit, Evidence
from service.engagements.models import Engagement, Participation
from service.history import Event, EventChain
from service.idempotency.models import IdempotencyRecord
from service.notifications.models import (
    CalendarFeed,
    NotificationPreference,
    OutboxMessage,
    WebhookEndpoint,
)
from service.plans.models import (
    Action,
    FundingShare,
    PartnershipDecision,
    Plan,
    PlanApproval,
    Review,
)
from service.programmes.models import Organization, Programme
from service.reports.models import IssuedReport
from service.roundtables.models import RoundTable, RoundTableInvitee
from service.targets.models import Target, TargetRevision

__all__ = [
    "Action",
    "Analysis",
    "Answer",
    "ApiToken",
    "Audit",
    "CalendarFeed",
    "Engagement",
    "Event",
    "EventChain",
    "Evidence",
    "Finding",
    "FundingShare",
    "IdempotencyRecord",
    "IssuedReport",
    "KpiValue",
    "LoginThrottle",
    "NotificationPreference",
    "Organization",
    "OutboxMessage",
    "Participation",
    "PartnershipDecision",
    "PasswordLink",
    "Plan",
    "PlanApproval",
    "Programme",
    "Review",
    "RoundTable",
    "RoundTableInvitee",
    "Target",
    "TargetRevision",
    "User",
    "WebhookEndpoint",
]
