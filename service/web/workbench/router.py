"""The broker's engagement page: stepper, candidates, history and the transitions, candidate
and selection forms; and the programme's tracking lists."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from service.accounts.models import Role
from service.engagements import access, service
from service.engagements.models import (
    CandidateCreate,
    EngagementTrigger,
    SelectionRequest,
    TransitionRequest,
)
from service.errors import Conflict, Forbidden, NotFound, ProblemError
from service.tracking import service as tracking
from service.tracking.models import Filters
from service.web import pages
from service.web.errors import MESSAGES
from service.web.reasons import all_translated
from service.web.sessions import FormViewerDep, Viewer, ViewerDep
from service.web.templating import gettext, render

router = APIRouter(include_in_schema=False)
Version = Annotated[int, Form()]
Optional = Annotated[str, Form()]


def _engagement(page: Viewer, engagement_id: uuid.UUID) -> Any:
    locking = page.request.method != "GET"
    return access.get_visible_engagement(page.session, page.user, engagement_id, locking)


def _show(page: Viewer, engagement_id: uuid.UUID, status: int = 200, **extra: Any) -> Response:
    engagement = _engagement(page, engagement_id)
    return render(
        page.request,
        "engagement.html",
        page.language,
        page,
        status=status,
        **pages.engagement_page(page, engagement),
        **extra,
    )


def _refused(page: Viewer, engagement_id: uuid.UUID, error: ProblemError) -> Response:
    """The engagement page again, read anew, with what refused the change in words."""
    page.session.rollback()
    reasons = error.extra.get("blocked_by") or []
    if isinstance(error, Conflict) and not reasons:
        reasons = [error.detail]
    return _show(
        page,
        engagement_id,
        status=error.status,
        error=gettext(page.language, MESSAGES.get(error.status, MESSAGES[500])),
        error_reasons=all_translated(reasons, page.language),
    )


def _invalid(page: Viewer, engagement_id: uuid.UUID) -> Response:
    page.session.rollback()
    message = gettext(page.language, MESSAGES[422])
    return _show(page, engagement_id, status=422, error=message, error_reasons=[])


@router.get("/engagements/{engagement_id}")
def engagement_page(engagement_id: uuid.UUID, page: ViewerDep) -> Response:
    """One engagement: where it stands, who takes part, what happened, what comes next."""
    if page.user.role not in (Role.admin, Role.broker, Role.buyer):
        raise NotFound("no such engagement")  # suppliers' and others' portals come later
    return _show(page, engagement_id)


@router.post("/engagements/{engagement_id}/transitions/{trigger}")
def fire(
    engagement_id: uuid.UUID,
    trigger: EngagementTrigger,
    page: FormViewerDep,
    version: Version,
    reason: Optional = "",
) -> Response:
    """Fire a trigger; refused, the page shows why in the user's language."""
    engagement = _engagement(page, engagement_id)
    try:
        access.require_action(page.user, engagement)
        data = TransitionRequest(reason=reason.strip() or None)
        service.transition_engagement(
            session=page.session,
            actor=page.user,
            engagement=engagement,
            trigger=trigger.value,
            reason=data.reason,
            version=version,
        )
    except ValidationError:
        return _invalid(page, engagement_id)
    except ProblemError as error:
        return _refused(page, engagement_id, error)
    return RedirectResponse(f"/engagements/{engagement_id}", status_code=303)


@router.post("/engagements/{engagement_id}/candidates")
def add_candidate(
    engagement_id: uuid.UUID,
    page: FormViewerDep,
    version: Version,
    supplier_id: Annotated[uuid.UUID, Form()],
    is_current_supplier: Optional = "",
) -> Response:
    """List a supplier as a candidate."""
    engagement = _engagement(page, engagement_id)
    try:
        access.require_action(page.user, engagement)
        data = CandidateCreate(
            supplier_id=supplier_id, is_current_supplier=bool(is_current_supplier)
        )
        service.add_candidate(
            session=page.session, actor=page.user, engagement=engagement, data=data, version=version
        )
    except ValidationError:
        return _invalid(page, engagement_id)
    except ProblemError as error:
        return _refused(page, engagement_id, error)
    return RedirectResponse(f"/engagements/{engagement_id}#candidates", status_code=303)


@router.post("/engagements/{engagement_id}/participations/{participation_id}/selection")
def record_selection(
    engagement_id: uuid.UUID,
    participation_id: uuid.UUID,
    page: FormViewerDep,
    version: Version,
    decision: Annotated[str, Form()],
    reason: Optional = "",
) -> Response:
    """Record a selection decision with its reason (broker, administrator or the buyer)."""
    engagement = _engagement(page, engagement_id)
    participation = access.get_visible_participation(
        page.session, page.user, engagement, participation_id
    )
    try:
        if not access.may_decide_selection(page.user, engagement):
            raise Forbidden("only the broker, an administrator or the buyer may decide selection")
        data = SelectionRequest.model_validate({"decision": decision, "reason": reason})
        service.record_selection(
            session=page.session,
            actor=page.user,
            engagement=engagement,
            participation=participation,
            decision=data.decision,
            reason=data.reason,
            version=version,
        )
    except ValidationError:
        return _invalid(page, engagement_id)
    except ProblemError as error:
        return _refused(page, engagement_id, error)
    return RedirectResponse(f"/engagements/{engagement_id}#candidates", status_code=303)


@router.get("/tracking")
def tracking_page(
    page: ViewerDep, broker_id: uuid.UUID | None = None, buyer_id: uuid.UUID | None = None
) -> Response:
    """Overdue actions and missed reviews across the programme, by broker or buyer."""
    if page.user.role not in (Role.admin, Role.broker):
        raise NotFound("no such page")
    filters = Filters(broker_id=broker_id, buyer_id=buyer_id)
    overdue = tracking.overdue_actions(
        session=page.session, user=page.user, filters=filters, cursor=None, limit=pages.LIST_LIMIT
    )
    missed = tracking.missed_reviews(session=page.session, user=page.user, filters=filters)
    return render(
        page.request,
        "tracking.html",
        page.language,
        page,
        overdue=overdue.items,
        missed=missed,
        brokers=pages.brokers(page.session, page.user),
        buyers=pages.organizations(page.session, page.user, pages.OrganizationKind.buyer),
        broker_id=broker_id,
        buyer_id=buyer_id,
    )
