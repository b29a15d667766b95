"""Who may see which audit: unit staff all; firms their own, once reviewed."""

import uuid

from sqlmodel import Session

from service.accounts.models import Role, User
from service.audits.models import Audit
from service.engagements import access as engagement_access
from service.engagements.models import Engagement
from workflows import AuditState


def may_see(user: User, engagement: Engagement, audit: Audit) -> bool:
    """Buyers see their engagement's reviewed audits, suppliers their own reviewed ones."""
    if user.role in engagement_access.READS_ALL:
        return True
    if audit.state != AuditState.reviewed:
        return False
    if user.role == Role.buyer:
        return engagement.buyer_id == user.organization_id
    return user.role == Role.supplier and audit.organization_id == user.organization_id


def get_visible_audit(
    session: Session, user: User, audit_id: uuid.UUID, for_update: bool
) -> tuple[Audit, Engagement]:
    """The audit and its engagement, or 404 as if it did not exist."""
    return engagement_access.get_in_visible_engagement(
        session,
        user,
        Audit,
        audit_id,
        "audit",
        for_update,
        lambda engagement, audit: may_see(user, engagement, audit),
    )
