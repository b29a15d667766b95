"""Routes for engagements, their candidates, transitions and history."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from service.accounts.models import Role
from service.deps import (
    READ,
    WRITE,
    CallerDep,
    EngagementDep,
    ParticipationDep,
    VersionDep,
    created_under_parent,
    etag,
    parent_etag,
)
from service.engagements import access, queries, service, views
from service.engagements.facts import engagement_snapshot, participation_snapshot
from service.engagements.models import (
    CandidateCreate,
    EngagementCreate,
    EngagementPublic,
    EngagementSort,
    EngagementTrigger,
    EngagementUpdate,
    ParticipationPublic,
    ParticipationTrigger,
    SelectionRequest,
    TransitionRequest,
)
from service.engagements.views import TriggerPublic
from service.errors import Forbidden, problems
from service.history import EventPublic
from service.pagination import (
    SORT_HELP,
    CursorQuery,
    LimitQuery,
    Page,
    SearchQuery,
    page_after,
    sorted_cursor_query,
)
from workflows import Phase, available, available_for_participation, describe, mermaid

router = APIRouter(tags=["engagements"])
PARTICIPATIONS = "/engagements/{engagement_id}/participations"
PARTICIPATION = PARTICIPATIONS + "/{participation_id}"
EngagementCursor = Annotated[str | None, sorted_cursor_query(queries.ENGAGEMENTS)]


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
    q: SearchQuery = None,
    sort: Annotated[EngagementSort, Query(description=SORT_HELP)] = EngagementSort.created_at,
    cursor: EngagementCursor = None,
    limit: LimitQuery = 50,
) -> Page[EngagementPublic]:
    """The engagements the caller may see, by phase, buyer or broker, or whose title or
    buyer's name holds `q` (case, accents and spacing aside); oldest first unless `sort`
    says otherwise."""
    return queries.engagement_page(
        caller.session,
        caller.user,
        phase=phase,
        buyer_id=buyer_id,
        broker_id=broker_id,
        cursor=cursor,
        limit=limit,
        q=q,
        sort=sort,
    )


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


@router.get(PARTICIPATIONS, response_model=Page[ParticipationPublic], responses=READ)
def list_participations(
    engagement: EngagementDep, caller: CallerDep, cursor: CursorQuery = None, limit: LimitQuery = 50
) -> Page[ParticipationPublic]:
    """The engagement's candidates, oldest first (a supplier sees only its own)."""
    rows = queries.participations_of(caller.session, caller.user, engagement)
    return page_after(rows, cursor, limit, lambda page: views.participations(caller.session, page))


@router.post(
    PARTICIPATIONS,
    response_model=ParticipationPublic,
    status_code=status.HTTP_201_CREATED,
    responses={**WRITE, **created_under_parent(child_etag=True)},
)
def add_candidate(
    data: CandidateCreate,
    engagement: EngagementDep,
    version: VersionDep,
    caller: CallerDep,
    response: Response,
) -> ParticipationPublic:
    """List a supplier as a candidate (until round tables start); If-Match is the engagement's."""
    access.require_action(caller.user, engagement)
    participation = service.add_candidate(
        session=caller.session, actor=caller.user, engagement=engagement, data=data, version=version
    )
    etag(response, participation.version)
    parent_etag(response, version + 1)
    return views.participation_public(caller.session, participation)


@router.get(PARTICIPATION, response_model=ParticipationPublic, responses=READ)
def read_participation(
    participation: ParticipationDep, caller: CallerDep, response: Response
) -> ParticipationPublic:
    """One participation; its ETag is the version to send in If-Match."""
    etag(response, participation.version)
    return views.participation_public(caller.session, participation)


@router.get(PARTICIPATION + "/transitions", response_model=list[TriggerPublic], responses=READ)
def participation_transitions(
    participation: ParticipationDep, engagement: EngagementDep, caller: CallerDep
) -> list[TriggerPublic]:
    """Every participation trigger, whether it is allowed now, and what blocks it."""
    snapshot = participation_snapshot(caller.session, engagement, participation)
    return views.triggers(available_for_participation(snapshot))


@router.post(
    PARTICIPATION + "/transitions/{trigger}", response_model=ParticipationPublic, responses=WRITE
)
def transition_participation(
    trigger: ParticipationTrigger,
    participation: ParticipationDep,
    engagement: EngagementDep,
    version: VersionDep,
    caller: CallerDep,
    response: Response,
    data: TransitionRequest | None = None,
) -> ParticipationPublic:
    """Fire a participation trigger (drop needs a reason); 409 lists what blocks it."""
    access.require_action(caller.user, engagement)
    participation = service.transition_participation(
        session=caller.session,
        actor=caller.user,
        engagement=engagement,
        participation=participation,
        trigger=trigger.value,
        reason=data.reason if data else None,
        version=version,
    )
    etag(response, participation.version)
    return views.participation_public(caller.session, participation)


@router.post(PARTICIPATION + "/selection", response_model=ParticipationPublic, responses=WRITE)
def record_selection(
    data: SelectionRequest,
    participation: ParticipationDep,
    engagement: EngagementDep,
    version: VersionDep,
    caller: CallerDep,
    response: Response,
) -> ParticipationPublic:
    """Record the selection decision for an evaluated candidate, with its reason."""
    if not access.may_decide_selection(caller.user, engagement):
        raise Forbidden("only the broker, an administrator or the buyer may decide selection")
    participation = service.record_selection(
        session=caller.session,
        actor=caller.user,
        engagement=engagement,
        participation=participation,
        decision=data.decision,
        reason=data.reason,
        version=version,
    )
    etag(response, participation.version)
    return views.participation_public(caller.session, participation)


@router.get(
    "/engagements/{engagement_id}/events",
    response_model=Page[EventPublic],
    responses=problems(401, 404, 422),
)
def list_events(
    engagement: EngagementDep,
    caller: CallerDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[EventPublic]:
    """The history of every state change and decision: actor, time, from, to, trigger, reason."""
    return queries.event_page(caller.session, caller.user, engagement, cursor=cursor, limit=limit)
