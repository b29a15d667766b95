"""Analysis pages: the engagement's firms and their analyses; one analysis with its summary,
findings linked to audit answers and evidence, baselines within the KPI's bounds, and its
approval (refused, it shows what is missing) or reopening. Every form carries the version."""

import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from pydantic import TypeAdapter, ValidationError

from service.accounts.models import Role
from service.analyses import service
from service.analyses.access import may_see
from service.analyses.models import (
    Analysis,
    AnalysisCreate,
    AnalysisTrigger,
    AnalysisUpdate,
    BaselineCreate,
    FindingCreate,
)
from service.engagements import access as engagement_access
from service.engagements.models import Engagement
from service.errors import Forbidden, NotFound, PreconditionFailed, ProblemError
from service.kpis import kpi_catalogue
from service.web.analyses import views
from service.web.errors import MESSAGES
from service.web.reasons import all_translated
from service.web.sessions import FormViewerDep, Viewer, ViewerDep
from service.web.targets.views import errors_of
from service.web.templating import gettext, render

router = APIRouter(include_in_schema=False)
UNIT = (Role.admin, Role.broker)
BASELINE = TypeAdapter(BaselineCreate)
FINDING_FIELDS = ("area", "description", "severity", "root_cause", "links")
BASELINE_FIELDS = ("kpi", "value", "measured_on", "how_measured")


def _unit(page: Viewer) -> None:
    if page.user.role not in UNIT:
        raise NotFound("no such page")  # firms see their analyses in their portals


def _analysis(page: Viewer, analysis_id: uuid.UUID) -> tuple[Analysis, Engagement]:
    _unit(page)
    found: tuple[Analysis, Engagement] = engagement_access.get_in_visible_engagement(
        page.session, page.user, Analysis, analysis_id, "analysis",
        page.request.method != "GET", lambda e, a: may_see(page.user, e, a),
    )  # fmt: skip
    return found


@router.get("/engagements/{engagement_id}/analyses")
def analyses(engagement_id: uuid.UUID, page: ViewerDep) -> Response:
    """The buyer and each selected supplier with its analysis, or the button that opens it."""
    _unit(page)
    engagement = engagement_access.get_visible_engagement(
        page.session, page.user, engagement_id, False
    )
    return render(
        page.request, "analyses.html", page.language, page, **views.analyses_page(page, engagement)
    )


@router.post("/engagements/{engagement_id}/analyses")
def open_analysis(engagement_id: uuid.UUID, page: FormViewerDep) -> Response:
    """Open the analysis of a selected supplier, or of the buyer (no participation)."""
    _unit(page)
    engagement = engagement_access.get_visible_engagement(
        page.session, page.user, engagement_id, True
    )
    try:
        engagement_access.require_action(page.user, engagement)
        data = AnalysisCreate.model_validate(
            {"participation_id": page.form.get("participation_id") or None}
        )
        analysis = service.open_analysis(
            session=page.session, actor=page.user, engagement=engagement, data=data
        )
    except (ValueError, ProblemError) as error:
        page.session.rollback()
        status = error.status if isinstance(error, ProblemError) else 422
        return render(
            page.request, "analyses.html", page.language, page, status=status,
            error=gettext(page.language, MESSAGES.get(status, MESSAGES[500])),
            **views.analyses_page(page, engagement),
        )  # fmt: skip
    return RedirectResponse(f"/analyses/{analysis.id}", status_code=303)


def _show(page: Viewer, analysis_id: uuid.UUID, status: int = 200, **extra: Any) -> Response:
    analysis, engagement = _analysis(page, analysis_id)
    return render(
        page.request, "analysis.html", page.language, page, status=status,
        **views.analysis_page(page, analysis, engagement),
        failed=extra.pop("failed", None), **extra,
    )  # fmt: skip


@router.get("/analyses/{analysis_id}")
def analysis(analysis_id: uuid.UUID, page: ViewerDep) -> Response:
    """One analysis with its findings, baselines and approval."""
    return _show(page, analysis_id)


@router.post("/analyses/{analysis_id}/{part}")
def change(analysis_id: uuid.UUID, part: str, page: FormViewerDep) -> Response:
    """Save the summary, add a finding or a baseline; refused, stale or invalid, the page shows
    why beside the form and keeps what the user typed."""
    found, engagement = _analysis(page, analysis_id)
    fields = {"summary": ("summary",), "findings": FINDING_FIELDS, "baselines": BASELINE_FIELDS}
    if part not in fields:
        raise NotFound("no such page")
    values = dict(page.form)
    failed: dict[str, Any] = {"form": part, "values": values, "errors": {}}
    try:
        engagement_access.require_action(page.user, engagement)
        version = int(page.form.get("version", ""))
        _apply(page, found, part, version)
    except PreconditionFailed:
        page.session.rollback()
        return _show(page, analysis_id, 412, failed={**failed, "stale": True})
    except ValidationError as error:
        page.session.rollback()
        kpi = kpi_catalogue().get(page.form.get("kpi", ""))
        failed["errors"] = errors_of(error, page.language, kpi, fields[part])
        return _show(page, analysis_id, 422, failed=failed)
    except (ValueError, ProblemError) as error:
        page.session.rollback()
        status = error.status if isinstance(error, ProblemError) else 422
        reasons = (error.extra.get("blocked_by") or []) if isinstance(error, ProblemError) else []
        return _show(
            page, analysis_id, status, failed=failed,
            error=gettext(page.language, MESSAGES.get(status, MESSAGES[500])),
            error_reasons=all_translated(reasons, page.language),
        )  # fmt: skip
    return RedirectResponse(f"/analyses/{analysis_id}#{part}", status_code=303)


def _apply(page: Viewer, analysis: Analysis, part: str, version: int) -> None:
    common: dict[str, Any] = {"session": page.session, "analysis": analysis, "version": version}
    if part == "summary":
        data = AnalysisUpdate.model_validate({"summary": page.form.get("summary", "")})
        service.update_summary(summary=data.summary, **common)
    elif part == "findings":
        finding = FindingCreate.model_validate(views.finding_body(page.form))
        service.add_finding(actor=page.user, data=finding, **common)
    else:
        baseline = BASELINE.validate_python(views.baseline_body(page.form))
        service.add_baseline(actor=page.user, data=baseline, **common)


@router.post("/analyses/{analysis_id}/transitions/{trigger}")
def transition(analysis_id: uuid.UUID, trigger: AnalysisTrigger, page: FormViewerDep) -> Response:
    """Approve (refused, the page lists what is missing) or reopen (administrators, with a
    reason)."""
    found, engagement = _analysis(page, analysis_id)
    try:
        if not engagement_access.may_act(page.user, engagement):
            raise Forbidden("only an administrator or the engagement's broker may do this")
        service.transition(
            session=page.session, actor=page.user, engagement=engagement, analysis=found,
            trigger=trigger.value, reason=page.form.get("reason", "").strip() or None,
            version=int(page.form.get("version", "")),
        )  # fmt: skip
    except (ValueError, ProblemError) as error:
        page.session.rollback()
        status = error.status if isinstance(error, ProblemError) else 422
        reasons = (error.extra.get("blocked_by") or []) if isinstance(error, ProblemError) else []
        return _show(
            page, analysis_id, status,
            error=gettext(page.language, MESSAGES.get(status, MESSAGES[500])),
            error_reasons=all_translated(reasons, page.language),
        )  # fmt: skip
    return RedirectResponse(f"/analyses/{analysis_id}", status_code=303)
