"""Routes for reports: issue one (rendered off the event loop, a few at a time), list what
the caller may see, and fetch the stored bytes again, identical."""

import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter, Query, Response, status
from sqlalchemy import false
from sqlmodel import Field, col, select

from service.accounts.models import Role, User
from service.deps import CallerDep
from service.engagements import access
from service.engagements.models import Engagement
from service.errors import NotFound, Unprocessable, problems
from service.pagination import CursorQuery, LimitQuery, Page, page_of, paginate
from service.reports import service, store
from service.reports.models import IssuedReport, ReportKind, ReportPublic
from service.settings import get_settings
from service.types import Day, InputModel, Language

router = APIRouter(tags=["reports"])
# Kinds a supplier may receive about itself; the buyer receives every kind of its engagements.
FIRM_KINDS = (ReportKind.audit, ReportKind.analysis, ReportKind.plan)


class ReportRequest(InputModel):
    """Which report, about what: the id of the audit, engagement (`comparison`, `monthly`,
    `final`), round table, analysis or plan, or the programme's id for `programme`. The
    programme report covers a reporting period, by default from the programme's first
    engagement to today."""

    kind: ReportKind
    subject_id: uuid.UUID
    period_from: Day = Field(default=None)
    period_to: Day = Field(default=None)


@router.post(
    "/reports",
    response_model=ReportPublic,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 404, 409, 422),
)
def issue_report(
    data: ReportRequest,
    caller: CallerDep,
    response: Response,
    lang: Language | None = Query(default=None, description="en, es or fr; else yours"),
) -> IssuedReport:
    """Render a report as PDF, keep its bytes with their sha256, and describe it; fetch the
    bytes at `/api/v1/reports/{id}/pdf`. A final report of an unfinished engagement is
    refused (409, listing what is missing)."""
    period = _period(data)
    report = service.issue(
        session=caller.session,
        user=caller.user,
        kind=data.kind,
        subject_id=data.subject_id,
        lang=lang,
        period=period,
    )
    response.headers["Location"] = f"/api/v1/reports/{report.id}/pdf"
    return report


def _period(data: ReportRequest) -> dict[str, date | None]:
    """The reporting period, for the programme report only, with its start before its end."""
    given: dict[str, date | None] = {"period_from": data.period_from, "period_to": data.period_to}
    for name, value in given.items():
        if value is not None and data.kind != ReportKind.programme:
            raise Unprocessable(f"{name} applies to the programme report only", field=name)
    if data.period_from and data.period_to and data.period_from > data.period_to:
        raise Unprocessable("period_from is after period_to", field="period_from")
    return given


def visible_reports(user: User) -> Any:
    """Reports the user may see: the unit all of its programme's; the buyer those of its
    engagements; a supplier those about itself; observers the programme reports."""
    statement = select(IssuedReport).where(IssuedReport.programme_id == user.programme_id)
    if user.role in access.READS_ALL:
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


@router.get("/reports", response_model=Page[ReportPublic], responses=problems(401, 422))
def list_reports(
    caller: CallerDep,
    kind: ReportKind | None = None,
    engagement_id: uuid.UUID | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[ReportPublic]:
    """Issued reports the caller may see, oldest first; filter by kind or engagement."""
    statement = visible_reports(caller.user)
    if kind is not None:
        statement = statement.where(IssuedReport.kind == kind)
    if engagement_id is not None:
        statement = statement.where(IssuedReport.engagement_id == engagement_id)
    rows = caller.session.exec(paginate(statement, IssuedReport, cursor, limit)).all()
    return page_of(list(rows), limit, ReportPublic)


def _visible(caller: Any, report_id: uuid.UUID) -> IssuedReport:
    report = caller.session.exec(
        visible_reports(caller.user).where(IssuedReport.id == report_id)
    ).first()
    if report is None:
        raise NotFound("no such report")
    return report


@router.get("/reports/{report_id}", response_model=ReportPublic, responses=problems(401, 404, 422))
def read_report(report_id: uuid.UUID, caller: CallerDep) -> IssuedReport:
    """What an issued report is, for whom, when and its sha256."""
    return _visible(caller, report_id)


@router.get(
    "/reports/{report_id}/pdf",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "The report, as issued"},
        **problems(401, 404, 422),
    },
)
def download_report(report_id: uuid.UUID, caller: CallerDep) -> Response:
    """The issued report's bytes, identical to the day it was issued."""
    report = _visible(caller, report_id)
    pdf = store.read(get_settings().reports_dir, report.storage_key)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": service.content_disposition(caller.session, report),
            "ETag": f'"{report.sha256}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
