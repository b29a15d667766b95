"""Routes for engagements, their candidates, transitions and history."""

import uuid
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status

from service.accounts.models import Role
from service.deps import CallerDep
from service.engagements import access, service, views
from service.engagements.facts import engagement_snapshot
from service.engagements.models import (
    Engagement,
    EngagementCreate,
    EngagementPublic,
    EngagementUpdate,
    Participation,
    TransitionRequest,
    TriggerPublic,
)
from service.errors import Forbidden, PreconditionRequired, problems
from service.pagination import CursorQuery, LimitQuery, Page, paginate
from workflows import Phase, available, describe, mermaid

router = APIRouter(tags=["engagements"])

EngagementTrigger = StrEnum(  # type: ignore[misc]
    "EngagementTrigger",
    {row["trigger"]: row["trigger"] for row in describe()["engagement"]["transitions"]},
)
ParticipationTrigger = StrEnum(  # type: ignore[misc]
    "ParticipationTrigger",
    {row["trigger"]: row["trigger"] for row in describe()["participation"]["transitions"]},
)
READ = problems(401, 404, 422)
IF_MATCH_PATTERN = r'^(W/)?"[0-9]{1,9}"$'
WRITE = problems(401, 403, 404, 409, 412, 422, 428)


def if_match(
    value: Annotated[
        str | None,
        Header(
            alias="If-Match",
            pattern=IF_MATCH_PATTERN,
            description='The ETag you read, e.g. "3"; required for every change',
        ),
    ] = None,
) -> int:
    """The version the client read; 428 when it sent none."""
    if value is None:
        raise PreconditionRequired('send If-Match with the ETag you read, e.g. If-Match: "3"')
    return int(value.removeprefix("W/").strip('"'))


VersionDep = Annotated[int, Depends(if_match)]


def engagement_dep(request: Request, engagement_id: uuid.UUID, caller: CallerDep) -> Engagement:
    """The engagement if the caller may see it (404 otherwise), locked when it will change."""
    locking = request.method not in {"GET", "HEAD"}
    return access.get_visible_engagement(caller.session, caller.user, engagement_id, locking)


EngagementDep = Annotated[Engagement, Depends(engagement_dep)]


def participation_dep(
    participation_id: uuid.UUID, engagement: EngagementDep, caller: CallerDep
) -> Participation:
    """One of the engagement's participations the caller may see, else 404."""
    return access.get_visible_participation(
        caller.session, caller.user, engagement, participation_id
    )


ParticipationDep = Annotated[Participation, Depends(participation_dep)]


def etag(response: Response, version: int) -> None:
    response.headers["ETag"] = f'"{version}"'


@router.post(
    "/engagements",
    response_model=EngagementPublic,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 404, 409, 422),
)
def create_engagement(
    data: EngagementCreate, caller: CallerDep, response: Response
) -> EngagementPublic:
    """Enrol a buyer in a new engagement (administrators)."""
    if not caller.has_role(Role.admin):
        raise Forbidden("only a programme administrator may open engagements")
    engagement = service.create_engagement(session=caller.session, actor=caller.user, data=data)
    etag(response, engagement.version)
    return views.engagement_public(caller.session, engagement)


@router.get("/engagements", response_model=Page[EngagementPublic], responses=problems(401, 422))
def list_engagements(
    caller: CallerDep,
    phase: Annotated[Phase | None, Query()] = None,
    buyer_id: Annotated[uuid.UUID | None, Query()] = None,
    broker_id: Annotated[uuid.UUID | None, Query()] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[EngagementPublic]:
    """The engagements the caller may see, by phase, buyer or broker, oldest first."""
    statement = access.visible_engagements(caller.user)
    if phase is not None:
        statement = statement.where(Engagement.phase == phase)
    if buyer_id is not None:
        statement = statement.where(Engagement.buyer_id == buyer_id)
    if broker_id is not None:
        statement = statement.where(Engagement.broker_id == broker_id)
    rows = list(
        caller.session.execute(
            paginate(views.with_buyer_name(statement), Engagement, cursor, limit)
        ).all()
    )
    return views.engagement_page(rows, limit)


@router.get("/engagements/{engagement_id}", response_model=EngagementPublic, responses=READ)
def read_engagement(
    engagement: EngagementDep, caller: CallerDep, response: Response
) -> EngagementPublic:
    """One engagement; its ETag is the version to send back in If-Match."""
    etag(response, engagement.version)
    return views.engagement_public(caller.session, engagement)


@router.patch("/engagements/{engagement_id}", response_model=EngagementPublic, responses=WRITE)
def update_engagement(
    data: EngagementUpdate,
    engagement: EngagementDep,
    version: VersionDep,
    caller: CallerDep,
    response: Response,
) -> EngagementPublic:
    """Rename the engagement or assign its broker (administrators)."""
    if not caller.has_role(Role.admin):
        raise Forbidden("only a programme administrator may change an engagement")
    engagement = service.update_engagement(
        session=caller.session, actor=caller.user, engagement=engagement, data=data, version=version
    )
    etag(response, engagement.version)
    return views.engagement_public(caller.session, engagement)


@router.get(
    "/engagements/{engagement_id}/transitions", response_model=list[TriggerPublic], responses=READ
)
def engagement_transitions(engagement: EngagementDep, caller: CallerDep) -> list[TriggerPublic]:
    """Every trigger, whether it is allowed now, and what blocks it."""
    access.require_unit_view(caller.user)
    return views.triggers(available(engagement_snapshot(caller.session, engagement)))


@router.post(
    "/engagements/{engagement_id}/transitions/{trigger}",
    response_model=EngagementPublic,
    responses=WRITE,
)
def transition_engagement(
    trigger: EngagementTrigger,
    engagement: EngagementDep,
    version: VersionDep,
    caller: CallerDep,
    response: Response,
    data: TransitionRequest | None = None,
) -> EngagementPublic:
    """Fire a trigger; 409 lists every unmet condition in `blocked_by`."""
    access.require_action(caller.user, engagement)
    engagement = service.transition_engagement(
        session=caller.session,
        actor=caller.user,
        engagement=engagement,
        trigger=trigger.value,
        reason=data.reason if data else None,
        version=version,
    )
    etag(response, engagement.version)
    return views.engagement_public(caller.session, engagement)


@router.get("/workflows", tags=["workflows"], responses=problems(401))
def read_workflows(caller: CallerDep) -> dict[str, Any]:
    """Both state machines: states, triggers and their guards in words, and a Mermaid diagram."""
    description = describe()
    for name in description:
        description[name]["mermaid"] = mermaid(name)
    return description
