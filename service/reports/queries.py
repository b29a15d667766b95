"""Reads of issued reports beyond a lookup."""

from typing import Any

from sqlmodel import Session

from service.pagination import Page, page_of, paginate_newest
from service.reports.models import IssuedReport, ReportPublic


def report_page(
    session: Session, statement: Any, *, cursor: str | None, limit: int
) -> Page[ReportPublic]:
    """One keyset page of the reports a statement selects, newest first."""
    rows = session.exec(paginate_newest(statement, IssuedReport, cursor, limit)).all()
    return page_of(list(rows), limit, ReportPublic)
