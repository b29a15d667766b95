"""Who may see which audit: unit staff all; firms their own, once reviewed."""

import uuid

from sqlmodel import Session

from service.accounts.models import Role, User
from service.audits.models import Audit
from service.engagements import access as engagement_access
from service.engagements.models import Engagement
from service.errors import NotFound
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
    audit = session.get(Audit, audit_id)
    if audit is None or audit.programme_id != user.programme_id:
        raise NotFound("no such audit")
    try:
        engagement = engagement_access.get_visible_engagement(
            session, user, audit.engagement_id, for_update
        )
    except NotFound as error:
        raise NotFound("no such audit") from error
    if not may_see(user, engagement, audit):
        raise NotFound("no such audit")
    return audit, engagement
