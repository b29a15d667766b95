"""Reads of issued reports beyond a lookup."""

from typing import Any

from sqlmodel import Session, col

from service.pagination import CREATED, CreationSort, Order, Page, Sorting
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
