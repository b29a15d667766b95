"""The partnership decisions page: at the end of the improvement plans, the buyer's decision
on each supplier whose plan is closed (partnership, conditional or declined) with its
rationale, recorded by the buyer, the broker or an administrator; and the decisions made."""

import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from pydantic import TypeAdapter, ValidationError

from service.accounts.models import Role
from service.engagements import access as engagement_access
from service.engagements import queries as engagement_queries
from service.engagements import views as engagement_views
from service.engagements.models import Engagement
from service.errors import NotFound, PreconditionFailed, ProblemError
from service.history_views import actor_names
from service.partnerships import access, queries, service
from service.partnerships.models import DecisionCreate
from service.web.errors import MESSAGES
from service.web.labels import N_
from service.web.reasons import all_translated
from service.web.sessions import FormViewerDep, Viewer, ViewerDep
from service.web.targets.views import errors_of
from service.web.templating import gettext, render
from workflows import ParticipationState

router = APIRouter(include_in_schema=False)
DECISION = TypeAdapter(DecisionCreate)
OUTCOMES = {
    "partnership": N_("Partnership"),
    "conditional": N_("Conditional partnership"),
    "declined": N_("No partnership"),
}
FIELDS = ("outcome", "conditions", "rationale")
DECIDED = (
    ParticipationState.closed,
    ParticipationState.partner,
    ParticipationState.conditional_partner,
    ParticipationState.no_partnership,
)


def _engagement(page: Viewer, engagement_id: uuid.UUID) -> Engagement:
    if page.user.role not in (Role.admin, Role.broker, Role.buyer):
        raise NotFound("no such page")
    locking = page.request.method != "GET"
    return engagement_access.get_visible_engagement(page.session, page.user, engagement_id, locking)


def _show(page: Viewer, engagement: Engagement, status: int = 200, **extra: Any) -> Response:
    session = page.session
    rows = engagement_queries.participations_of(session, page.user, engagement)
    firms = [row for row in engagement_views.participations(session, rows) if row.state in DECIDED]
    decisions = {row.participation_id: row for row in queries.decisions_of(session, engagement.id)}
    return render(
        page.request, "decisions.html", page.language, page, status=status,
        engagement=engagement, firms=firms, decisions=decisions, outcomes=OUTCOMES,
        names=actor_names(session, [row.decided_by for row in decisions.values()]),
        may_decide=access.may_write(page.user, engagement, None),
        failed=extra.pop("failed", None), **extra,
    )  # fmt: skip


@router.get("/engagements/{engagement_id}/decisions")
def decisions(engagement_id: uuid.UUID, page: ViewerDep) -> Response:
    """The suppliers whose plans are closed, each with its decision or the form that records it."""
    return _show(page, _engagement(page, engagement_id))


@router.post("/engagements/{engagement_id}/participations/{participation_id}/decision")
def decide(engagement_id: uuid.UUID, participation_id: uuid.UUID, page: FormViewerDep) -> Response:
    """Record the buyer's decision; stale, refused or invalid, the page keeps the input."""
    engagement = _engagement(page, engagement_id)
    participation = engagement_access.get_visible_participation(
        page.session, page.user, engagement, participation_id
    )
    values = {name: page.form.get(name, "") for name in FIELDS}
    failed: dict[str, Any] = {"form": str(participation_id), "values": values, "errors": {}}
    body: dict[str, Any] = {"outcome": values["outcome"], "rationale": values["rationale"]}
    if values["outcome"] == "conditional":
        body["conditions"] = values["conditions"]
    try:
        access.require_write(page.user, engagement)
        version = int(page.form.get("version", ""))
        service.decide_partnership(
            session=page.session, actor=page.user, engagement=engagement,
            participation=participation, data=DECISION.validate_python(body), version=version,
        )  # fmt: skip
    except PreconditionFailed:
        page.session.rollback()
        return _show(page, _engagement(page, engagement_id), 412, failed={**failed, "stale": True})
    except ValidationError as error:
        page.session.rollback()
        failed["errors"] = errors_of(error, page.language, None, FIELDS)
        return _show(page, _engagement(page, engagement_id), 422, failed=failed)
    except (ValueError, ProblemError) as error:
        page.session.rollback()
        status = error.status if isinstance(error, ProblemError) else 422
        reasons = (error.extra.get("blocked_by") or []) if isinstance(error, ProblemError) else []
        return _show(
            page, _engagement(page, engagement_id), status, failed=failed,
            error=gettext(page.language, MESSAGES.get(status, MESSAGES[500])),
            error_reasons=all_translated(reasons, page.language),
        )  # fmt: skip
    return RedirectResponse(
        f"/engagements/{engagement_id}/decisions#firm-{participation_id}", status_code=303
    )
