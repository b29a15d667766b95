"""Routes for agreed targets: record, list, change with history."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from service.deps import READ, WRITE, CallerDep, EngagementDep, ParticipationDep, VersionDep, etag
from service.engagements import access as engagement_access
from service.engagements.models import Engagement, Participation
from service.errors import problems
from service.targets import service
from service.targets.models import RevisionPublic, Target, TargetChange, TargetCreate, TargetPublic

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
) -> Target:
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
    return target


@router.get(BASE, response_model=list[TargetPublic], responses=READ)
def list_targets(participation: ParticipationDep, caller: CallerDep) -> list[Target]:
    """A participation's targets (a supplier sees only its own)."""
    return service.targets_of(caller.session, participation.id)


def target_dep(
    request: Request, target_id: uuid.UUID, caller: CallerDep
) -> tuple[Target, Engagement]:
    """The target if the caller may see its participation, else 404."""

    def sees_participation(engagement: Engagement, target: Target) -> bool:
        visible = engagement_access.visible_participations(caller.user, engagement)
        statement = visible.where(Participation.id == target.participation_id)
        return caller.session.exec(statement).first() is not None

    return engagement_access.get_in_visible_engagement(
        caller.session,
        caller.user,
        Target,
        target_id,
        "target",
        request.method not in {"GET", "HEAD"},
        sees_participation,
    )


TargetDep = Annotated[tuple[Target, Engagement], Depends(target_dep)]


@router.get("/targets/{target_id}", response_model=TargetPublic, responses=READ)
def read_target(found: TargetDep, response: Response) -> Target:
    """One target; its ETag is the version for If-Match."""
    etag(response, found[0].version)
    return found[0]


@router.patch("/targets/{target_id}", response_model=TargetPublic, responses=WRITE)
def change_target(
    data: TargetChange, found: TargetDep, version: VersionDep, caller: CallerDep, response: Response
) -> Target:
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
    return target


@router.get("/targets/{target_id}/history", response_model=list[RevisionPublic], responses=READ)
def target_history(found: TargetDep, caller: CallerDep) -> list[RevisionPublic]:
    """Every previous value of the target, oldest first."""
    return [
        RevisionPublic.model_validate(row, from_attributes=True)
        for row in service.revisions_of(caller.session, found[0])
    ]
