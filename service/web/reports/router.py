"""Report pages: an engagement's issued reports, newest first, the form that issues one of
the reports it offers in a chosen language, and the download of a report's PDF as issued."""

import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from service.accounts.models import Role
from service.engagements import access as engagement_access
from service.engagements.models import Engagement
from service.errors import Gone, NotFound, ProblemError
from service.i18n import supported
from service.reports import access, service, store
from service.reports.models import ReportKind
from service.storage import FileMissing
from service.types import Language
from service.web.errors import MESSAGES
from service.web.reasons import all_translated
from service.web.reports import views
from service.web.sessions import FormViewerDep, Viewer, ViewerDep
from service.web.templating import gettext, render

router = APIRouter(include_in_schema=False)
UNIT = (Role.admin, Role.broker)


def _engagement(page: Viewer, engagement_id: uuid.UUID) -> Engagement:
    if page.user.role not in UNIT:
        raise NotFound("no such page")  # firms get their reports in their portals
    return engagement_access.get_visible_engagement(page.session, page.user, engagement_id, False)


def _show(page: Viewer, engagement: Engagement, status: int = 200, **extra: Any) -> Response:
    return render(
        page.request, "reports.html", page.language, page, status=status,
        **views.reports_page(page, engagement),
        chosen=extra.pop("chosen", {"language": page.language}), **extra,
    )  # fmt: skip


@router.get("/engagements/{engagement_id}/reports")
def reports(engagement_id: uuid.UUID, page: ViewerDep) -> Response:
    """The engagement's issued reports, newest first, and the form that issues another."""
    return _show(page, _engagement(page, engagement_id))


@router.post("/engagements/{engagement_id}/reports")
def issue(engagement_id: uuid.UUID, page: FormViewerDep) -> Response:
    """Issue a report in the chosen language; refused (an unfinished engagement's final
    report), the page lists what is missing."""
    _engagement(page, engagement_id)
    chosen = {"subject": page.form.get("subject", ""), "language": page.form.get("language", "")}
    kind, _, subject_id = chosen["subject"].partition(":")
    language = supported(chosen["language"])
    try:
        if kind not in ReportKind.__members__ or language is None:
            raise ValueError("no such report or language")
        report = service.issue(
            session=page.session, user=page.user, kind=ReportKind(kind),
            subject_id=uuid.UUID(subject_id), lang=Language(language),
        )  # fmt: skip
    except (ValueError, ProblemError) as error:
        page.session.rollback()
        status = error.status if isinstance(error, ProblemError) else 422
        reasons = (error.extra.get("blocked_by") or []) if isinstance(error, ProblemError) else []
        return _show(
            page, _engagement(page, engagement_id), status, chosen=chosen,
            error=gettext(page.language, MESSAGES.get(status, MESSAGES[500])),
            error_reasons=all_translated(reasons, page.language),
        )  # fmt: skip
    return RedirectResponse(
        f"/engagements/{engagement_id}/reports?issued={report.id}#report-{report.id}",
        status_code=303,
    )


@router.get("/reports/{report_id}/pdf")
def download(report_id: uuid.UUID, page: ViewerDep) -> Response:
    """The issued report's bytes, identical to the day it was issued."""
    if page.user.role not in UNIT:
        raise NotFound("no such report")
    report = access.get_visible_report(page.session, page.user, report_id)
    try:
        pdf = store.read(report.storage_key)
    except FileMissing as error:
        raise Gone("the file of the report is missing from storage") from error
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": service.content_disposition(page.session, report),
            "X-Content-Type-Options": "nosniff",
        },
    )
