"""Administrator pages: the programme's organizations and users (create, edit, disable, set
a new password), the programme's settings and its history. Anyone else gets the not-found page."""

import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from service.accounts import access as user_access
from service.accounts.models import Role, UserCreate, UserUpdate
from service.errors import NotFound, ProblemError
from service.programmes import access, members, service
from service.programmes.models import (
    OrganizationCreate,
    OrganizationKind,
    OrganizationUpdate,
    Programme,
    ProgrammeUpdate,
)
from service.programmes.queries import EventFilter, event_history
from service.web import pages
from service.web.errors import MESSAGES
from service.web.forms import blank_to_none, field_errors, problem_errors
from service.web.sessions import FormViewerDep, Viewer, ViewerDep
from service.web.templating import gettext, render

router = APIRouter(include_in_schema=False)
ORGANIZATION_FIELDS = ("name", "kind", "country", "sector")
USER_FIELDS = ("email", "full_name", "role", "organization_id", "language", "password")


def _admin(page: Viewer) -> Programme:
    """The administrator's programme; the not-found page for anyone else."""
    if page.user.role != Role.admin or page.programme is None:
        raise NotFound("no such page")
    return page.programme


def _errors(page: Viewer, error: Exception) -> tuple[dict[str, str], int]:
    """Field messages and the status of a refused form."""
    page.session.rollback()
    if isinstance(error, ValidationError):
        return field_errors(error, page.language), 422
    assert isinstance(error, ProblemError)
    found = problem_errors(error, page.language)
    return found or {"form": gettext(page.language, MESSAGES.get(error.status, MESSAGES[500]))}, (
        error.status
    )


def _fields(page: Viewer, names: tuple[str, ...]) -> dict[str, str]:
    return {name: page.form.get(name, "") for name in names}


def _organizations_page(
    page: Viewer, values: dict[str, str], errors: dict[str, str], status: int
) -> Response:
    rows = pages.organizations(page.session, page.user, None)
    return render(
        page.request,
        "organizations.html",
        page.language,
        page,
        status=status,
        organizations=rows,
        values=values,
        errors=errors,
        kinds=list(OrganizationKind),
    )


@router.get("/admin/organizations")
def organizations(page: ViewerDep) -> Response:
    """The programme's organizations and the form that enrols one."""
    _admin(page)
    return _organizations_page(page, {"kind": "supplier"}, {}, 200)


@router.post("/admin/organizations")
def create_organization(page: FormViewerDep) -> Response:
    """Enrol a buyer, supplier, provider, financier or donor."""
    programme = _admin(page)
    values = _fields(page, ORGANIZATION_FIELDS)
    try:
        data = OrganizationCreate.model_validate(blank_to_none(values))
        service.create_organization(
            session=page.session, actor=page.user, programme_id=programme.id, data=data
        )
    except (ValidationError, ProblemError) as error:
        errors, status = _errors(page, error)
        return _organizations_page(page, values, errors, status)
    return RedirectResponse("/admin/organizations", status_code=303)


@router.get("/admin/organizations/{organization_id}")
def organization(organization_id: uuid.UUID, page: ViewerDep) -> Response:
    """One organization's details in a form."""
    _admin(page)
    row = access.get_visible_organization(page.session, page.user, organization_id)
    values = {name: getattr(row, name) or "" for name in ORGANIZATION_FIELDS}
    return render(
        page.request, "organization.html", page.language, page, row=row, values=values, errors={}
    )


@router.post("/admin/organizations/{organization_id}")
def update_organization(organization_id: uuid.UUID, page: FormViewerDep) -> Response:
    """Rename an organization or change its country or sector."""
    _admin(page)
    row = access.get_visible_organization(page.session, page.user, organization_id)
    values = _fields(page, ("name", "country", "sector"))
    changes: dict[str, Any] = {k: (v.strip() or None) for k, v in values.items()}
    try:
        data = OrganizationUpdate.model_validate(changes)
        service.update_organization(
            session=page.session, actor=page.user, organization=row, data=data
        )
    except (ValidationError, ProblemError) as error:
        errors, status = _errors(page, error)
        return render(
            page.request,
            "organization.html",
            page.language,
            page,
            status=status,
            row=row,
            values={**values, "kind": row.kind},
            errors=errors,
        )
    return RedirectResponse("/admin/organizations", status_code=303)


def _users_page(
    page: Viewer, values: dict[str, str], errors: dict[str, str], status: int
) -> Response:
    rows = pages.user_list(page.session, page.user)
    organizations = pages.organizations(page.session, page.user, None)
    return render(
        page.request,
        "users.html",
        page.language,
        page,
        status=status,
        users=rows,
        organizations=[(row.id, row.name) for row in organizations],
        names={row.id: row.name for row in organizations},
        values=values,
        errors=errors,
        roles=list(Role),
    )


@router.get("/admin/users")
def users(page: ViewerDep) -> Response:
    """The programme's users and the form that adds one."""
    _admin(page)
    return _users_page(page, {"role": "broker"}, {}, 200)


@router.post("/admin/users")
def create_user(page: FormViewerDep) -> Response:
    """Add a user in an organization that fits the role."""
    programme = _admin(page)
    values = _fields(page, USER_FIELDS)
    try:
        data = UserCreate.model_validate(blank_to_none(values))
        members.create_user(
            session=page.session, actor=page.user, programme_id=programme.id, data=data
        )
    except (ValidationError, ProblemError) as error:
        errors, status = _errors(page, error)
        return _users_page(page, {**values, "password": ""}, errors, status)
    return RedirectResponse("/admin/users", status_code=303)


def _user_page(
    page: Viewer, row: Any, values: dict[str, Any], errors: dict[str, str], status: int
) -> Response:
    organizations = pages.organizations(page.session, page.user, None)
    return render(
        page.request,
        "user.html",
        page.language,
        page,
        status=status,
        row=row,
        values=values,
        errors=errors,
        roles=list(Role),
        organizations=[(o.id, o.name) for o in organizations],
    )


@router.get("/admin/users/{user_id}")
def user(user_id: uuid.UUID, page: ViewerDep) -> Response:
    """One user in a form: name, role, organization, language, access and a new password."""
    _admin(page)
    row = user_access.get_visible_user(page.session, page.user, user_id)
    values = {name: getattr(row, name) or "" for name in USER_FIELDS if name != "password"}
    return _user_page(page, row, {**values, "is_active": row.is_active}, {}, 200)


@router.post("/admin/users/{user_id}")
def update_user(user_id: uuid.UUID, page: FormViewerDep) -> Response:
    """Change a user; disabling one or setting a new password ends their sessions."""
    _admin(page)
    row = user_access.get_visible_user(page.session, page.user, user_id)
    values = _fields(page, ("full_name", "role", "organization_id", "language", "password"))
    changes: dict[str, Any] = blank_to_none(values)
    changes["is_active"] = page.form.get("is_active") == "1"
    try:
        data = UserUpdate.model_validate(changes)
        members.update_user(session=page.session, actor=page.user, user=row, data=data)
    except (ValidationError, ProblemError) as error:
        errors, status = _errors(page, error)
        values = {**values, "password": "", "is_active": changes["is_active"]}
        return _user_page(page, row, values, errors, status)
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/programme")
def programme(page: ViewerDep) -> Response:
    """The programme's settings."""
    programme = _admin(page)
    return _programme_page(page, programme.model_dump(), {}, 200)


def _programme_page(
    page: Viewer, values: dict[str, Any], errors: dict[str, str], status: int
) -> Response:
    return render(
        page.request,
        "programme.html",
        page.language,
        page,
        status=status,
        values=values,
        errors=errors,
        request_saved=page.request.query_params.get("saved") == "1",
    )


@router.post("/admin/programme")
def update_programme(page: FormViewerDep) -> Response:
    """Change the programme's name, time zone, language, currency or paper size."""
    programme = _admin(page)
    values = _fields(page, ("name", "timezone", "language", "currency", "paper_size"))
    try:
        data = ProgrammeUpdate.model_validate(blank_to_none(values))
        service.update_programme(
            session=page.session,
            actor=page.user,
            programme=programme,
            data=data,
        )
    except (ValidationError, ProblemError) as error:
        errors, status = _errors(page, error)
        return _programme_page(page, values, errors, status)
    return RedirectResponse("/admin/programme?saved=1", status_code=303)


@router.get("/admin/history")
def history(page: ViewerDep, cursor: str | None = None) -> Response:
    """The programme's history, newest first."""
    programme = _admin(page)
    events = event_history(
        page.session,
        programme=programme,
        where=EventFilter(),
        cursor=cursor,
        limit=pages.LIST_LIMIT,
    )
    return render(
        page.request,
        "history.html",
        page.language,
        page,
        events=events.items,
        next_cursor=events.next_cursor,
    )
