"""Who may see which audit: unit staff all; firms their own, once reviewed; and the audit's
load-or-404 dependencies."""

import uuid
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import false
from sqlmodel import Session, col, select

from service.accounts.models import Role, User
from service.audits.models import Audit, Evidence
from service.deps import CallerDep
from service.engagements import access as engagement_access
from service.engagements.models import Engagement
from service.errors import NotFound
from workflows import AuditState


def visible_audits(user: User) -> Any:
    """Audits the user may see: all of the programme (unit staff), the reviewed ones of its
    engagements (buyer) or of itself (supplier); none for other roles."""
    statement = select(Audit).where(Audit.programme_id == user.programme_id)
    if user.role in engagement_access.READS_ALL:
        return statement
    reviewed = statement.where(Audit.state == AuditState.reviewed)
    if user.role == Role.buyer:
        own = select(col(Engagement.id)).where(Engagement.buyer_id == user.organization_id)
        return reviewed.where(col(Audit.engagement_id).in_(own))
    if user.role == Role.supplier:
        return reviewed.where(Audit.organization_id == user.organization_id)
    return statement.where(false())


def may_see(user: User, engagement: Engagement, row: Audit) -> bool:
    """Buyers see their engagement's reviewed audits, suppliers their own reviewed ones."""
    if user.role in engagement_access.READS_ALL:
        return True
    if row.state != AuditState.reviewed:
        return False
    if user.role == Role.buyer:
        return engagement.buyer_id == user.organization_id
    return user.role == Role.supplier and row.organization_id == user.organization_id


def may_write(user: User, engagement: Engagement, row: Audit | None = None) -> bool:
    """Administrators and the engagement's broker change audits."""
    return engagement_access.may_act(user, engagement)


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


def audit_dep(request: Request, audit_id: uuid.UUID, caller: CallerDep) -> tuple[Audit, Engagement]:
    """The audit and its engagement if the caller may see them, else 404."""
    locking = request.method not in {"GET", "HEAD"}
    return get_visible_audit(caller.session, caller.user, audit_id, locking)


AuditDep = Annotated[tuple[Audit, Engagement], Depends(audit_dep)]


def unlocked_audit(audit_id: uuid.UUID, caller: CallerDep) -> tuple[Audit, Engagement]:
    """The audit for an upload: visible, but not locked while the file streams in."""
    return get_visible_audit(caller.session, caller.user, audit_id, for_update=False)


UnlockedAuditDep = Annotated[tuple[Audit, Engagement], Depends(unlocked_audit)]


def visible_evidence(audit_id: uuid.UUID, evidence_id: uuid.UUID, caller: CallerDep) -> Evidence:
    """One evidence file of an audit the caller may see, else 404."""
    audit, _engagement = get_visible_audit(caller.session, caller.user, audit_id, for_update=False)
    evidence = caller.session.get(Evidence, evidence_id)
    if evidence is None or evidence.audit_id != audit.id:
        raise NotFound("no such evidence")
    return evidence


EvidenceDep = Annotated[Evidence, Depends(visible_evidence)]
