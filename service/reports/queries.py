"""Reads of issued reports beyond a lookup."""

from typing import Any

from sqlmodel import Session, col

from service.accounts.models import User
from service.pagination import CREATED, CreationSort, Order, Page, Sorting
from service.reports.access import visible_reports
from service.reports.models import IssuedReport, ReportPublic

REPORTS = Sorting({"created_at": Order(col(IssuedReport.created_at), "created_at", CREATED)})


def report_page(
    session: Session,
    statement: Any,
    *,
    cursor: str | None,
    limit: int,
    sort: CreationSort = CreationSort.created_at_desc,
) -> Page[ReportPublic]:
    """One keyset page of the reports a statement selects, newest first unless `sort` says
    otherwise."""
    page = REPORTS.page(statement, sort, col(IssuedReport.id), cursor, limit)
    return REPORTS.page_of(list(session.exec(page).all()), limit, sort, cursor, ReportPublic)


def engagement_reports(
    session: Session, user: User, engagement_id: Any, *, cursor: str | None, limit: int
) -> Page[ReportPublic]:
    """One keyset page of an engagement's issued reports the user may see, newest first."""
    statement = visible_reports(user).where(IssuedReport.engagement_id == engagement_id)
    return report_page(session, statement, cursor=cursor, limit=limit)
