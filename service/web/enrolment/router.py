"""Administrator pages that open an engagement for a buyer and assign or change its broker;
the change form carries the version it was read at, and a stale save keeps the input."""

import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from service.accounts.models import Role
from service.engagements import access, service, views
from service.engagements.models import EngagementCreate, EngagementUpdate
from service.errors import NotFound, PreconditionFailed, ProblemError
from service.programmes.models import OrganizationKind
from service.web import pages
from service.web.errors import MESSAGES
from service.web.forms import blank_to_none, field_errors, problem_errors
from service.web.sessions import FormViewerDep, Viewer, ViewerDep
from service.web.templating import gettext, render

router = APIRouter(include_in_schema=False)


def _admin(page: Viewer) -> None:
    if page.user.role != Role.admin:
        raise NotFound("no such page")


def _choices(page: Viewer) -> dict[str, Any]:
    buyers = pages.organizations(page.session, page.user, OrganizationKind.buyer)
    brokers = pages.brokers(page.session, page.user)
    return {
        "buyers": [(row.id, row.name) for row in buyers],
        "brokers": [(row.id, row.full_name) for row in brokers if row.is_active],
    }


@router.get("/admin/engagements/new")
def new_engagement(page: ViewerDep) -> Response:
    """The form that enrols a buyer in a new engagement."""
    _admin(page)
    return render(
        page.request,
        "engagement_new.html",
        page.language,
        page,
        values={},
        errors={},
        **_choices(page),
    )


@router.post("/admin/engagements")
def create_engagement(page: FormViewerDep) -> Response:
    """Open the engagement; invalid input comes back with each field's problem."""
    _admin(page)
    fields = {name: page.form.get(name, "") for name in ("buyer_id", "broker_id", "title")}
    try:
        data = EngagementCreate.model_validate(blank_to_none(fields))
        engagement = service.create_engagement(session=page.session, actor=page.user, data=data)
    except (ValidationError, ProblemError) as error:
        page.session.rollback()
        errors = (
            field_errors(error, page.language)
            if isinstance(error, ValidationError)
            else problem_errors(error, page.language)
        )
        status = 422 if isinstance(error, ValidationError) else error.status
        return render(
            page.request,
            "engagement_new.html",
            page.language,
            page,
            status=status,
            values=fields,
            errors=errors or {"form": gettext(page.language, MESSAGES[status])},
            **_choices(page),
        )
    return RedirectResponse(f"/engagements/{engagement.id}", status_code=303)


@router.get("/engagements/{engagement_id}/edit")
def edit_engagement(engagement_id: uuid.UUID, page: ViewerDep) -> Response:
    """The engagement's title and broker, with the version they were read at."""
    _admin(page)
    engagement = access.get_visible_engagement(page.session, page.user, engagement_id, False)
    values = {"title": engagement.title, "broker_id": str(engagement.broker_id or "")}
    return _edit_page(page, engagement, values, errors={}, changed=None, status=200)


def _edit_page(
    page: Viewer,
    engagement: Any,
    values: dict[str, str],
    errors: dict[str, str],
    changed: dict[str, str] | None,
    status: int,
) -> Response:
    return render(
        page.request,
        "engagement_edit.html",
        page.language,
        page,
        status=status,
        engagement=views.engagement_public(page.session, engagement),
        values=values,
        errors=errors,
        changed=changed,
        **_choices(page),
    )


@router.post("/engagements/{engagement_id}/edit")
def save_engagement(engagement_id: uuid.UUID, page: FormViewerDep) -> Response:
    """Save the title and broker if nobody changed them meanwhile; else show what changed
    and keep what the user typed."""
    _admin(page)
    engagement = access.get_visible_engagement(page.session, page.user, engagement_id, True)
    values = {name: page.form.get(name, "") for name in ("title", "broker_id")}
    try:
        version = int(page.form.get("version", ""))
        data = EngagementUpdate.model_validate(blank_to_none(values))
        service.update_engagement(
            session=page.session, actor=page.user, engagement=engagement, data=data, version=version
        )
    except ValueError as error:  # a ValidationError, or a version that is not a number
        page.session.rollback()
        errors = field_errors(error, page.language) if isinstance(error, ValidationError) else {}
        return _edit_page(page, engagement, values, errors, None, 422)
    except PreconditionFailed:
        page.session.rollback()
        engagement = access.get_visible_engagement(page.session, page.user, engagement_id, False)
        names = dict(_choices(page)["brokers"])
        changed = {"title": engagement.title, "broker": names.get(engagement.broker_id, "—")}
        return _edit_page(page, engagement, values, {}, changed, 412)
    return RedirectResponse(f"/engagements/{engagement_id}", status_code=303)
