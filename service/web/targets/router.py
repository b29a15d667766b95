"""Target pages: each selected supplier's KPI, section and commitment targets with their
history, the forms that agree one at a round table, and the change form that carries the
version it was read at (a stale save keeps the input and shows the newer values)."""

import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from service.accounts.models import Role
from service.engagements import access as engagement_access
from service.engagements.models import Engagement
from service.errors import NotFound, PreconditionFailed, ProblemError
from service.kpis import kpi_catalogue
from service.targets import service
from service.targets.models import Target
from service.web.errors import MESSAGES
from service.web.forms import MESSAGES as FORM_MESSAGES
from service.web.reasons import all_translated
from service.web.sessions import FormViewerDep, Viewer, ViewerDep
from service.web.targets import views
from service.web.templating import gettext, render

router = APIRouter(include_in_schema=False)
UNIT = (Role.admin, Role.broker)


def _unit(page: Viewer) -> None:
    if page.user.role not in UNIT:
        raise NotFound("no such page")  # firms see their targets in their portals


def _engagement(page: Viewer, engagement_id: uuid.UUID) -> Engagement:
    _unit(page)
    locking = page.request.method != "GET"
    return engagement_access.get_visible_engagement(page.session, page.user, engagement_id, locking)


def _show(page: Viewer, engagement: Engagement, status: int = 200, **extra: Any) -> Response:
    return render(
        page.request, "targets.html", page.language, page, status=status,
        **views.targets_page(page, engagement),
        failed=extra.pop("failed", None), stale=extra.pop("stale", None), **extra,
    )  # fmt: skip


def _refusal(page: Viewer, error: ProblemError) -> dict[str, Any]:
    reasons = error.extra.get("blocked_by") or []
    return {
        "error": gettext(page.language, MESSAGES.get(error.status, MESSAGES[500])),
        "error_reasons": all_translated(reasons, page.language),
    }


@router.get("/engagements/{engagement_id}/targets")
def targets(engagement_id: uuid.UUID, page: ViewerDep) -> Response:
    """Every selected supplier's targets, their history, and the forms that agree more."""
    return _show(page, _engagement(page, engagement_id))


@router.post("/engagements/{engagement_id}/targets")
def record(engagement_id: uuid.UUID, page: FormViewerDep) -> Response:
    """Agree a target with a selected supplier at a round table; invalid input comes back
    beside its fields."""
    engagement = _engagement(page, engagement_id)
    values = {name: page.form.get(name, "") for name in views.FIELDS}
    failed: dict[str, Any] = {"form": f"new-{values['kind']}", "values": values, "errors": {}}
    try:
        engagement_access.require_action(page.user, engagement)
        data = views.CREATE.validate_python(views.create_body(page.form))
        participation = engagement_access.get_visible_participation(
            page.session, page.user, engagement, uuid.UUID(values["participation_id"])
        )
        target = service.record_target(
            session=page.session, actor=page.user, engagement=engagement,
            participation=participation, data=data,
        )  # fmt: skip
    except ValidationError as error:
        page.session.rollback()
        kpi = kpi_catalogue().get(values["kpi"]) if values["kind"] == "kpi" else None
        failed["errors"] = views.errors_of(error, page.language, kpi)
        return _show(page, engagement, 422, failed=failed)
    except ValueError:  # not a participation's id
        page.session.rollback()
        failed["errors"] = {"participation_id": gettext(page.language, FORM_MESSAGES["enum"])}
        return _show(page, engagement, 422, failed=failed)
    except ProblemError as error:
        page.session.rollback()
        return _show(page, engagement, error.status, failed=failed, **_refusal(page, error))
    return RedirectResponse(
        f"/engagements/{engagement_id}/targets#target-{target.id}", status_code=303
    )


@router.post("/targets/{target_id}")
def change(target_id: uuid.UUID, page: FormViewerDep) -> Response:
    """Change a target with a reason, if nobody changed it meanwhile; else show what it is now
    and keep what the user typed."""
    _unit(page)
    target, engagement = engagement_access.get_in_visible_engagement(
        page.session, page.user, Target, target_id, "target", True
    )
    values = {name: page.form.get(name, "") for name in ("value", "due_on", "text", "reason")}
    form_id = f"change-{target_id}"
    try:
        engagement_access.require_action(page.user, engagement)
        version = int(page.form.get("version", ""))
        body = views.change_body(page.form, target.kind.value, target.kpi)
        data = views.CHANGE.validate_python(body)
        service.change_target(
            session=page.session, actor=page.user, engagement=engagement, target=target,
            data=data, version=version,
        )  # fmt: skip
    except PreconditionFailed:
        page.session.rollback()
        engagement = _engagement(page, engagement.id)
        failed = {"form": form_id, "values": values, "errors": {}}
        return _show(page, engagement, 412, failed=failed, stale=target_id)
    except ValidationError as error:
        page.session.rollback()
        kpi = kpi_catalogue().get(target.kpi or "")
        errors = views.errors_of(error, page.language, kpi)
        failed = {"form": form_id, "values": values, "errors": errors}
        return _show(page, _engagement(page, engagement.id), 422, failed=failed)
    except ValueError:
        page.session.rollback()
        return _show(
            page, _engagement(page, engagement.id), 422, error=gettext(page.language, MESSAGES[422])
        )
    except ProblemError as error:
        page.session.rollback()
        return _show(page, _engagement(page, engagement.id), error.status, **_refusal(page, error))
    return RedirectResponse(
        f"/engagements/{engagement.id}/targets#target-{target_id}", status_code=303
    )
