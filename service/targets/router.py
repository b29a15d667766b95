"""Routes for agreed targets: record, list, change with history."""

from fastapi import APIRouter, Response, status

from service.deps import READ, WRITE, CallerDep, EngagementDep, ParticipationDep, VersionDep, etag
from service.engagements import access as engagement_access
from service.errors import problems
from service.pagination import CursorQuery, LimitQuery, Page, page_after
from service.targets import queries, service, views
from service.targets.access import TargetDep
from service.targets.models import RevisionPublic, TargetChange, TargetCreate, TargetPublic

router = APIRouter(tags=["targets"])
BASE = "/engagements/{engagement_id}/participations/{participation_id}/targets"


@router.post(
    BASE,
    response_model=TargetPublic,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 404, 409, 422),
)
def record_target(
    data: TargetCreate,
    participation: ParticipationDep,
    engagement: EngagementDep,
    caller: CallerDep,
    response: Response,
) -> TargetPublic:
    """Record a target agreed at a round table: a KPI value, a section score, or a commitment."""
    engagement_access.require_action(caller.user, engagement)
    target = service.record_target(
        session=caller.session,
        actor=caller.user,
        engagement=engagement,
        participation=participation,
        data=data,
    )
    etag(response, target.version)
    return views.target_public(target)


@router.get(BASE, response_model=Page[TargetPublic], responses=READ)
def list_targets(
    participation: ParticipationDep,
    caller: CallerDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[TargetPublic]:
    """A participation's targets, oldest first (a supplier sees only its own)."""
    targets = queries.targets_of(caller.session, participation.id)
    return page_after(targets, cursor, limit, views.targets_public)


@router.get("/targets/{target_id}", response_model=TargetPublic, responses=READ)
def read_target(found: TargetDep, response: Response) -> TargetPublic:
    """One target; its ETag is the version for If-Match."""
    etag(response, found[0].version)
    return views.target_public(found[0])


@router.patch("/targets/{target_id}", response_model=TargetPublic, responses=WRITE)
def change_target(
    data: TargetChange, found: TargetDep, version: VersionDep, caller: CallerDep, response: Response
) -> TargetPublic:
    """Change a target; the previous value is kept with who changed it, when and why."""
    target, engagement = found
    engagement_access.require_action(caller.user, engagement)
    target = service.change_target(
        session=caller.session,
        actor=caller.user,
        engagement=engagement,
        target=target,
        data=data,
        version=version,
    )
    etag(response, target.version)
    return views.target_public(target)


@router.get("/targets/{target_id}/history", response_model=Page[RevisionPublic], responses=READ)
def target_history(
    found: TargetDep, caller: CallerDep, cursor: CursorQuery = None, limit: LimitQuery = 50
) -> Page[RevisionPublic]:
    """Every previous value of the target, oldest first."""
    revisions = queries.revisions_of(caller.session, found[0])
    return page_after(
        revisions,
        cursor,
        limit,
        views.revisions_public,
        position=lambda row: (row.changed_at, row.id),
    )
