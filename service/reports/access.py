"""Who may see which issued report (DESIGN §3): the unit all of its programme's; the buyer
those of its engagements; a supplier those about itself; observers the programme reports."""

import uuid
from typing import Any

from sqlalchemy import false
from sqlmodel import Session, col, select

from service.accounts.models import Role, User
from service.engagements import access as engagement_access
from service.engagements.models import Engagement
from service.errors import NotFound
from service.reports.models import IssuedReport, ReportKind

# Kinds a supplier may receive about itself; the buyer receives every kind of its engagements.
FIRM_KINDS = (ReportKind.audit, ReportKind.analysis, ReportKind.plan)


def visible_reports(user: User) -> Any:
    """Reports the user may see: the unit all of its programme's; the buyer those of its
    engagements; a supplier those about itself; observers the programme reports."""
    statement = select(IssuedReport).where(IssuedReport.programme_id == user.programme_id)
    if user.role in engagement_access.READS_ALL:
        return statement
    if user.role == Role.buyer:
        own = select(Engagement.id).where(Engagement.buyer_id == user.organization_id)
        return statement.where(col(IssuedReport.engagement_id).in_(own))
    if user.role == Role.supplier:
        return statement.where(
            IssuedReport.organization_id == user.organization_id,
            col(IssuedReport.kind).in_(FIRM_KINDS),
        )
    if user.role == Role.observer:
        return statement.where(IssuedReport.kind == ReportKind.programme)
    return statement.where(false())


def may_see(user: User, engagement: Engagement | None, row: IssuedReport) -> bool:
    """Whether the user may see an issued report (`visible_reports` as a predicate)."""
    if row.programme_id != user.programme_id:
        return False
    if user.role in engagement_access.READS_ALL:
        return True
    if user.role == Role.buyer:
        return engagement is not None and engagement.buyer_id == user.organization_id
    if user.role == Role.supplier:
        return row.organization_id == user.organization_id and row.kind in FIRM_KINDS
    return user.role == Role.observer and row.kind == ReportKind.programme


def may_write(user: User, engagement: Engagement | None, row: IssuedReport | None = None) -> bool:
    """Issued reports are never changed: they are the bytes a firm received."""
    return False


def get_visible_report(session: Session, user: User, report_id: uuid.UUID) -> IssuedReport:
    """An issued report the user may see, else 404."""
    statement = visible_reports(user).where(IssuedReport.id == report_id)
    report = session.exec(statement).first()
    if report is None:
        raise NotFound("no such report")
    return report
