"""Routes for engagements, their candidates, transitions and history."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from service.accounts.models import Role
from service.deps import READ, WRITE, CallerDep, EngagementDep, VersionDep, etag
from service.engagements import access, service, views
from service.engagements.facts import engagement_snapshot
from service.engagements.models import (
    Engagement,
    EngagementCreate,
    EngagementPublic,
    EngagementTrigger,
    EngagementUpdate,
    TransitionRequest,
    TriggerPublic,
)
from service.errors import Forbidden, problems
from service.pagination import CursorQuery, LimitQuery, Page, paginate
from workflows import Phase, available, describe, mermaid

router = APIRouter(tags=["engagements"])


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
