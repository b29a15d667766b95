"""Routes for programmes (platform superusers) and their organizations (administrators)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from sqlmodel import select

from service.accounts.models import Role
from service.deps import CallerDep, ProgrammeDep
from service.errors import Forbidden, problems
from service.pagination import CursorQuery, LimitQuery, Page, page_of, paginate
from service.programmes import service
from service.programmes.models import (
    Organization,
    OrganizationCreate,
    OrganizationKind,
    OrganizationPublic,
    OrganizationUpdate,
    Programme,
    ProgrammeCreate,
    ProgrammePublic,
    ProgrammeUpdate,
)

router = APIRouter()


@router.post(
    "/programmes",
    response_model=ProgrammePublic,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 409, 422),
    tags=["programmes"],
)
def create_programme(data: ProgrammeCreate, caller: CallerDep) -> Programme:
    """Open a programme with its unit and first administrator (platform superusers only)."""
    if not caller.user.is_superuser:
        raise Forbidden("only a platform superuser may open programmes")
    return service.create_programme(session=caller.session, data=data)


@router.get(
    "/programmes",
    response_model=Page[ProgrammePublic],
    responses=problems(401, 422),
    tags=["programmes"],
)
def list_programmes(
    caller: CallerDep, cursor: CursorQuery = None, limit: LimitQuery = 50
) -> Page[ProgrammePublic]:
    """The caller's programme, or every programme for a superuser."""
    statement = select(Programme)
    if not caller.user.is_superuser:
        statement = statement.where(Programme.id == caller.user.programme_id)
    rows = list(caller.session.exec(paginate(statement, Programme, cursor, limit)).all())
    return page_of(rows, limit, ProgrammePublic)


@router.get(
    "/programmes/{programme_id}",
    response_model=ProgrammePublic,
    responses=problems(401, 404, 422),
    tags=["programmes"],
)
def read_programme(programme: ProgrammeDep) -> Programme:
    """One programme."""
    return programme


@router.patch(
    "/programmes/{programme_id}",
    response_model=ProgrammePublic,
    responses=problems(401, 403, 404, 422),
    tags=["programmes"],
)
def update_programme(
    data: ProgrammeUpdate, programme: ProgrammeDep, caller: CallerDep
) -> Programme:
    """Change the programme's settings (its administrators, or a superuser)."""
    if not (caller.user.is_superuser or caller.has_role(Role.admin)):
        raise Forbidden("only a programme administrator may change the programme")
    return service.update_programme(session=caller.session, programme=programme, data=data)


def visible_organization(organization_id: uuid.UUID, caller: CallerDep) -> Organization:
    """An organization the caller may see, else 404."""
    return service.get_visible_organization(caller.session, caller.user, organization_id)


OrganizationDep = Annotated[Organization, Depends(visible_organization)]


@router.get(
    "/organizations",
    response_model=Page[OrganizationPublic],
    responses=problems(401, 422),
    tags=["organizations"],
)
def list_organizations(
    caller: CallerDep,
    kind: Annotated[OrganizationKind | None, Query()] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[OrganizationPublic]:
    """The organizations the caller may see, optionally of one kind."""
    statement = paginate(
        service.organizations_query(caller.user, kind), Organization, cursor, limit
    )
    return page_of(list(caller.session.exec(statement).all()), limit, OrganizationPublic)


@router.post(
    "/organizations",
    response_model=OrganizationPublic,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 409, 422),
    tags=["organizations"],
)
def create_organization(data: OrganizationCreate, caller: CallerDep) -> Organization:
    """Enrol a buyer, supplier, provider, financier or donor (administrators only)."""
    if not caller.has_role(Role.admin) or caller.user.programme_id is None:
        raise Forbidden("only a programme administrator may add organizations")
    return service.create_organization(
        session=caller.session, programme_id=caller.user.programme_id, data=data
    )


@router.get(
    "/organizations/{organization_id}",
    response_model=OrganizationPublic,
    responses=problems(401, 404, 422),
    tags=["organizations"],
)
def read_organization(organization: OrganizationDep) -> Organization:
    """One organization."""
    return organization


@router.patch(
    "/organizations/{organization_id}",
    response_model=OrganizationPublic,
    responses=problems(401, 403, 404, 409, 422),
    tags=["organizations"],
)
def update_organization(
    data: OrganizationUpdate, organization: OrganizationDep, caller: CallerDep
) -> Organization:
    """Rename an organization or change its details (administrators only)."""
    if not caller.has_role(Role.admin):
        raise Forbidden("only a programme administrator may change organizations")
    return service.update_organization(session=caller.session, organization=organization, data=data)
