"""Routes for reports: issue one (rendered off the event loop, a few at a time), list what
the caller may see, and fetch the stored bytes again, identical."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from service.deps import CallerDep
from service.errors import Gone, problems
from service.pagination import SORT_HELP, CreationSort, LimitQuery, Page, sorted_cursor_query
from service.reports import access, queries, service, store
from service.reports.models import IssuedReport, ReportKind, ReportPublic, ReportRequest
from service.storage import FileMissing
from service.types import LanguageTag

router = APIRouter(tags=["reports"])
ReportCursor = Annotated[str | None, sorted_cursor_query(queries.REPORTS)]


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
    lang: LanguageTag | None = Query(
        default=None, description="en, es or fr (es-NI and ES mean es); else yours"
    ),
) -> IssuedReport:
    """Render a report as PDF, keep its bytes with their sha256, and describe it; fetch the
    bytes at `/api/v1/reports/{id}/pdf`. A final report of an unfinished engagement is
    refused (409, listing what is missing)."""
    period = service.reporting_period(data)
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


@router.get("/reports", response_model=Page[ReportPublic], responses=problems(401, 422))
def list_reports(
    caller: CallerDep,
    kind: ReportKind | None = None,
    engagement_id: uuid.UUID | None = None,
    sort: Annotated[CreationSort, Query(description=SORT_HELP)] = CreationSort.created_at_desc,
    cursor: ReportCursor = None,
    limit: LimitQuery = 50,
) -> Page[ReportPublic]:
    """Issued reports the caller may see, newest first unless `sort` says otherwise; filter
    by kind or engagement."""
    statement = access.visible_reports(caller.user)
    if kind is not None:
        statement = statement.where(IssuedReport.kind == kind)
    if engagement_id is not None:
        statement = statement.where(IssuedReport.engagement_id == engagement_id)
    return queries.report_page(caller.session, statement, cursor=cursor, limit=limit, sort=sort)


@router.get("/reports/{report_id}", response_model=ReportPublic, responses=problems(401, 404, 422))
def read_report(report_id: uuid.UUID, caller: CallerDep) -> IssuedReport:
    """What an issued report is, for whom, when and its sha256."""
    return access.get_visible_report(caller.session, caller.user, report_id)


@router.get(
    "/reports/{report_id}/pdf",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "The report, as issued"},
        **problems(401, 404, 410, 422),
    },
)
def download_report(report_id: uuid.UUID, caller: CallerDep) -> Response:
    """The issued report's bytes, identical to the day it was issued."""
    report = access.get_visible_report(caller.session, caller.user, report_id)
    try:
        pdf = store.read(report.storage_key)
    except FileMissing as error:
        raise Gone(
            f"the file of report {report.id} is missing from storage; restore it from a backup "
            "(`supplierdev check` lists every missing file)"
        ) from error
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": service.content_disposition(caller.session, report),
            "ETag": f'"{report.sha256}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
