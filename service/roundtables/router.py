"""Routes for round tables: schedule, list, read, reschedule, hold, cancel, calendar file."""

from fastapi import APIRouter, Response, status

from service.deps import READ, WRITE, CallerDep, EngagementDep, VersionDep, etag
from service.engagements import access as engagement_access
from service.errors import problems
from service.pagination import CursorQuery, LimitQuery, Page, page_after
from service.roundtables import queries, service, views
from service.roundtables.access import RoundTableDep
from service.roundtables.models import (
    Cancellation,
    HoldRecord,
    Reschedule,
    RoundTableCreate,
    RoundTablePublic,
)

router = APIRouter(tags=["round tables"])


@router.post(
    "/engagements/{engagement_id}/round-tables",
    response_model=RoundTablePublic,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 404, 409, 422),
)
def schedule_round_table(
    data: RoundTableCreate, engagement: EngagementDep, caller: CallerDep, response: Response
) -> RoundTablePublic:
    """Schedule a round table; the buyer and every selected supplier are invited."""
    engagement_access.require_action(caller.user, engagement)
    round_table = service.schedule(
        session=caller.session, actor=caller.user, engagement=engagement, data=data
    )
    etag(response, round_table.version)
    return views.public(caller.session, round_table)


@router.get(
    "/engagements/{engagement_id}/round-tables",
    response_model=Page[RoundTablePublic],
    responses=READ,
)
def list_round_tables(
    engagement: EngagementDep, caller: CallerDep, cursor: CursorQuery = None, limit: LimitQuery = 50
) -> Page[RoundTablePublic]:
    """The engagement's round tables the caller may see, by start time."""
    round_tables = queries.round_tables_of(caller.session, caller.user, engagement)
    return page_after(
        round_tables,
        cursor,
        limit,
        lambda rows: views.publics(caller.session, rows),
        position=lambda row: (row.starts_at, row.id),
    )


@router.get("/round-tables/{round_table_id}", response_model=RoundTablePublic, responses=READ)
def read_round_table(
    found: RoundTableDep, caller: CallerDep, response: Response
) -> RoundTablePublic:
    """One round table with its invitees and attendance; its ETag is the version for If-Match."""
    etag(response, found[0].version)
    return views.public(caller.session, found[0])


@router.get(
    "/round-tables/{round_table_id}/calendar.ics",
    responses={200: {"content": {"text/calendar": {}}}, **READ},
)
def round_table_calendar(found: RoundTableDep, caller: CallerDep) -> Response:
    """The round table as an RFC 5545 calendar file for invitees."""
    round_table, engagement = found
    return Response(
        views.calendar(caller.session, round_table, engagement),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="round-table-{round_table.id}.ics"'},
    )


@router.post(
    "/round-tables/{round_table_id}/reschedule", response_model=RoundTablePublic, responses=WRITE
)
def reschedule_round_table(
    data: Reschedule,
    found: RoundTableDep,
    version: VersionDep,
    caller: CallerDep,
    response: Response,
) -> RoundTablePublic:
    """Move a scheduled round table; the history keeps the old time and the reason."""
    engagement_access.require_action(caller.user, found[1])
    round_table = service.reschedule(
        session=caller.session, actor=caller.user, round_table=found[0], data=data, version=version
    )
    etag(response, round_table.version)
    return views.public(caller.session, round_table)


@router.post(
    "/round-tables/{round_table_id}/hold", response_model=RoundTablePublic, responses=WRITE
)
def hold_round_table(
    data: HoldRecord,
    found: RoundTableDep,
    version: VersionDep,
    caller: CallerDep,
    response: Response,
) -> RoundTablePublic:
    """Mark the round table held, with its minutes and who attended."""
    engagement_access.require_action(caller.user, found[1])
    round_table = service.hold(
        session=caller.session, actor=caller.user, round_table=found[0], data=data, version=version
    )
    etag(response, round_table.version)
    return views.public(caller.session, round_table)


@router.post(
    "/round-tables/{round_table_id}/cancel", response_model=RoundTablePublic, responses=WRITE
)
def cancel_round_table(
    data: Cancellation,
    found: RoundTableDep,
    version: VersionDep,
    caller: CallerDep,
    response: Response,
) -> RoundTablePublic:
    """Cancel a scheduled round table, with the reason."""
    engagement_access.require_action(caller.user, found[1])
    round_table = service.cancel(
        session=caller.session, actor=caller.user, round_table=found[0], data=data, version=version
    )
    etag(response, round_table.version)
    return views.public(caller.session, round_table)
