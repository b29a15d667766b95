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
from service.providers.models import ProviderProfile, Qualification, Rating
from service.reports.models import IssuedReport
from service.roundtables.models import RoundTable, RoundTableInvitee
from service.targets.models import Target, TargetRevision
from service.tenders.models import (
    Bid,
    BidVersion,
    Clarification,
    Evaluator,
    Lot,
    LotAction,
    Score,
    Tender,
    TenderAmendment,
    TenderInvitation,
    TenderPolicy,
)

__all__ = [
    "Action",
    "Analysis",
    "Answer",
    "ApiToken",
    "Audit",
    "Bid",
    "BidVersion",
    "CalendarFeed",
    "Clarification",
    "Engagement",
    "Evaluator",
    "Event",
    "EventChain",
    "Evidence",
    "Finding",
    "FundingShare",
    "IdempotencyRecord",
    "IssuedReport",
    "KpiValue",
    "LoginThrottle",
    "Lot",
    "LotAction",
    "NotificationPreference",
    "Organization",
    "OutboxMessage",
    "Participation",
    "PartnershipDecision",
    "PasswordLink",
    "Plan",
    "PlanApproval",
    "Programme",
    "ProviderProfile",
    "Qualification",
    "Rating",
    "Review",
    "RoundTable",
    "RoundTableInvitee",
    "Score",
    "Target",
    "TargetRevision",
    "Tender",
    "TenderAmendment",
    "TenderInvitation",
    "TenderPolicy",
    "User",
    "WebhookEndpoint",
]
