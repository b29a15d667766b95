"""Reads of issued reports beyond a lookup."""

from typing import Any

from sqlmodel import Session

from service.accounts.models import User
from service.pagination import Page, page_of, paginate_newest
from service.reports.access import visible_reports
from service.reports.models import IssuedReport, ReportPublic


def report_page(
    session: Session, statement: Any, *, cursor: str | None, limit: int
) -> Page[ReportPublic]:
    """One keyset page of the reports a statement selects, newest first."""
    rows = session.exec(paginate_newest(statement, IssuedReport, cursor, limit)).all()
    return page_of(list(rows), limit, ReportPublic)


def engagement_reports(
    session: Session, user: User, engagement_id: Any, *, cursor: str | None, limit: int
) -> Page[ReportPublic]:
    """One keyset page of an engagement's issued reports the user may see, newest first."""
    statement = visible_reports(user).where(IssuedReport.engagement_id == engagement_id)
    return report_page(session, statement, cursor=cursor, limit=limit)
