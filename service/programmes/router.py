"""Routes for programmes and their history (superusers, unit staff), organizations and the
programme's users (administrators change them)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from service.accounts import access as user_access
from service.accounts import queries as user_queries
from service.accounts.models import Role, User, UserCreate, UserSort, UserUpdate
from service.accounts.views import UserPublic
from service.deps import CallerDep, ProgrammeDep
from service.errors import Forbidden, problems
from service.history import EventPublic, SubjectKind
from service.history_check import verify_programme
from service.history_views import InstantQuery
from service.pagination import (
    SORT_HELP,
    CursorQuery,
    LimitQuery,
    Page,
    SearchQuery,
    sorted_cursor_query,
)
from service.programmes import access, members, queries, service, views
from service.programmes.models import (
    Organization,
    OrganizationCreate,
    OrganizationKind,
    OrganizationSort,
    OrganizationUpdate,
    Programme,
    ProgrammeCreate,
    ProgrammeUpdate,
)
from service.programmes.views import HistoryVerification, OrganizationPublic, ProgrammePublic

router = APIRouter()
OrganizationCursor = Annotated[str | None, sorted_cursor_query(queries.ORGANIZATIONS)]
UserCursor = Annotated[str | None, sorted_cursor_query(user_queries.USERS)]


@router.post(
    "/programmes",
    response_model=ProgrammePublic,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 409, 422),
    tags=["programmes"],
)
def create_programme(data: ProgrammeCreate, caller: CallerDep) -> Programme:
    """Open a programme with its unit and first administrator (platform superusers only)."""
    access.require_superuser(caller.user)
    return service.open_programme(session=caller.session, actor=caller.user, data=data)


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
    return queries.programme_page(caller.session, viewer=caller.user, cursor=cursor, limit=limit)


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
    access.require_write(caller.user, programme, "change the programme")
    return service.update_programme(
        session=caller.session, actor=caller.user, programme=programme, data=data
    )


@router.get(
    "/programmes/{programme_id}/events",
    response_model=Page[EventPublic],
    responses=problems(401, 404, 422),
    tags=["programmes"],
)
def list_programme_events(
    programme: ProgrammeDep,
    caller: CallerDep,
    subject_kind: Annotated[SubjectKind | None, Query()] = None,
    actor_id: Annotated[uuid.UUID | None, Query()] = None,
    since: Annotated[InstantQuery | None, Query(description="From this instant on")] = None,
    until: Annotated[InstantQuery | None, Query(description="Before this instant")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[EventPublic]:
    """The programme's history, newest first: settings, organizations, users and every
    engagement's events (unit staff and superusers; 404 for anyone else)."""
    access.require_history_reader(caller.user, programme)
    where = queries.EventFilter(subject_kind, actor_id, since, until)
    return queries.event_history(
        caller.session, programme=programme, where=where, cursor=cursor, limit=limit
    )


@router.get(
    "/programmes/{programme_id}/history/verification",
    response_model=HistoryVerification,
    responses=problems(401, 404, 422),
    tags=["programmes"],
)
def verify_programme_history(programme: ProgrammeDep, caller: CallerDep) -> HistoryVerification:
    """Walk the programme's event chain: each event's hash over its content and the previous
    event's hash. Names the first event edited, deleted or moved in the database (unit staff
    and superusers; 404 for anyone else)."""
    access.require_history_reader(caller.user, programme)
    return views.history_verification(verify_programme(caller.session, programme.id))


def visible_organization(organization_id: uuid.UUID, caller: CallerDep) -> Organization:
    """An organization the caller may see, else 404."""
    return access.get_visible_organization(caller.session, caller.user, organization_id)


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
    q: SearchQuery = None,
    sort: Annotated[OrganizationSort, Query(description=SORT_HELP)] = OrganizationSort.created_at,
    cursor: OrganizationCursor = None,
    limit: LimitQuery = 50,
) -> Page[OrganizationPublic]:
    """The organizations the caller may see, optionally of one kind or whose name holds `q`
    (case, accents and spacing aside); by enrolment unless `sort` says otherwise."""
    return queries.organization_page(
        caller.session,
        viewer=caller.user,
        kind=kind,
        cursor=cursor,
        limit=limit,
        q=q,
        sort=sort,
    )


@router.post(
    "/organizations",
    response_model=OrganizationPublic,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 409, 422),
    tags=["organizations"],
)
def create_organization(data: OrganizationCreate, caller: CallerDep) -> Organization:
    """Enrol a buyer, supplier, provider, financier or donor (administrators only)."""
    programme_id = access.require_administrator(caller.user, "add organizations")
    return service.create_organization(
        session=caller.session, actor=caller.user, programme_id=programme_id, data=data
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
    access.require_write(caller.user, organization, "change organizations")
    return service.update_organization(
        session=caller.session, actor=caller.user, organization=organization, data=data
    )


def visible_user(user_id: uuid.UUID, caller: CallerDep) -> User:
    """Load a user the caller may see, else 404."""
    return user_access.get_visible_user(caller.session, caller.user, user_id)


UserDep = Annotated[User, Depends(visible_user)]


@router.get(
    "/users", response_model=Page[UserPublic], responses=problems(401, 422), tags=["accounts"]
)
def list_users(
    caller: CallerDep,
    role: Annotated[Role | None, Query()] = None,
    organization_id: Annotated[uuid.UUID | None, Query()] = None,
    q: SearchQuery = None,
    sort: Annotated[UserSort, Query(description=SORT_HELP)] = UserSort.created_at,
    cursor: UserCursor = None,
    limit: LimitQuery = 50,
) -> Page[UserPublic]:
    """The users the caller may see, optionally by role or organization, or whose full name
    or e-mail holds `q` (case, accents and spacing aside); by creation unless `sort` says
    otherwise."""
    return user_queries.user_page(
        caller.session,
        viewer=caller.user,
        role=role,
        organization_id=organization_id,
        cursor=cursor,
        limit=limit,
        q=q,
        sort=sort,
    )


@router.post(
    "/users",
    response_model=UserPublic,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 404, 409, 422),
    tags=["accounts"],
)
def create_user(data: UserCreate, caller: CallerDep) -> User:
    """Add a user to the caller's programme (admins only)."""
    programme_id = access.require_administrator(caller.user, "add users")
    return members.create_user(
        session=caller.session, actor=caller.user, programme_id=programme_id, data=data
    )


@router.get(
    "/users/{user_id}",
    response_model=UserPublic,
    responses=problems(401, 404, 422),
    tags=["accounts"],
)
def read_user(user: UserDep) -> User:
    """One user."""
    return user


@router.patch(
    "/users/{user_id}",
    response_model=UserPublic,
    responses=problems(401, 403, 404, 409, 422),
    tags=["accounts"],
)
def update_user(data: UserUpdate, user: UserDep, caller: CallerDep) -> User:
    """Change a user's name, role, organization, password or whether they may log in."""
    if not user_access.may_write(caller.user, None, user):
        raise Forbidden("only a programme administrator may change users")
    return members.update_user(session=caller.session, actor=caller.user, user=user, data=data)
