"""Routes for round tables: schedule, list, read, reschedule, hold, cancel, calendar file."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from sqlalchemy import false
from sqlmodel import Session, col, select

from service.accounts.models import Role, User
from service.deps import READ, WRITE, CallerDep, EngagementDep, VersionDep, etag
from service.engagements import access as engagement_access
from service.engagements.models import Engagement
from service.engagements.views import organization_names
from service.errors import problems
from service.programmes.models import Organization
from service.roundtables import service
from service.roundtables.ics import calendar_file
from service.roundtables.models import (
    Cancellation,
    HoldRecord,
    InviteePublic,
    Reschedule,
    RoundTable,
    RoundTableCreate,
    RoundTableInvitee,
    RoundTablePublic,
)

router = APIRouter(tags=["round tables"])


def visible_round_tables(user: User, engagement: Engagement) -> Any:
    """The engagement's round tables the user may see: unit staff and the buyer every one, a
    supplier those it was invited to."""
    statement = select(RoundTable).where(RoundTable.engagement_id == engagement.id)
    if user.role in engagement_access.READS_ALL or user.role == Role.buyer:
        return statement
    if user.role != Role.supplier:
        return statement.where(false())
    invited = select(RoundTableInvitee.round_table_id).where(
        RoundTableInvitee.organization_id == user.organization_id
    )
    return statement.where(col(RoundTable.id).in_(invited))


def may_see(session: Session, user: User, engagement: Engagement, round_table: RoundTable) -> bool:
    """Whether the round table is one of the visible ones (unit staff and the buyer see every
    one without asking the database)."""
    if user.role in engagement_access.READS_ALL or user.role == Role.buyer:
        return True
    statement = visible_round_tables(user, engagement).where(RoundTable.id == round_table.id)
    return session.exec(statement).first() is not None


def round_table_dep(
    request: Request, round_table_id: uuid.UUID, caller: CallerDep
) -> tuple[RoundTable, Engagement]:
    """The round table and its engagement if the caller may see them, else 404."""
    return engagement_access.get_in_visible_engagement(
        caller.session,
        caller.user,
        RoundTable,
        round_table_id,
        "round table",
        request.method not in {"GET", "HEAD"},
        lambda engagement, row: may_see(caller.session, caller.user, engagement, row),
    )


RoundTableDep = Annotated[tuple[RoundTable, Engagement], Depends(round_table_dep)]


def publics(session: Session, round_tables: list[RoundTable]) -> list[RoundTablePublic]:
    """Round tables with their invitees' names, kinds and attendance, in three queries."""
    rows = service.invitees_of_all(session, [round_table.id for round_table in round_tables])
    names = organization_names(session, (row.organization_id for row in rows))
    kinds = (
        dict(
            session.exec(
                select(Organization.id, Organization.kind).where(
                    col(Organization.id).in_([r.organization_id for r in rows])
                )
            ).all()
        )
        if rows
        else {}
    )
    return [
        RoundTablePublic.build(
            round_table,
            [
                InviteePublic(
                    organization_id=row.organization_id,
                    organization_name=names.get(row.organization_id, ""),
                    kind=str(kinds.get(row.organization_id, "")),
                    attended=row.attended,
                    attendees=row.attendees,
                )
                for row in rows
                if row.round_table_id == round_table.id
            ],
        )
        for round_table in round_tables
    ]


def public(session: Session, round_table: RoundTable) -> RoundTablePublic:
    return publics(session, [round_table])[0]


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
    return public(caller.session, round_table)


@router.get(
    "/engagements/{engagement_id}/round-tables",
    response_model=list[RoundTablePublic],
    responses=READ,
)
def list_round_tables(engagement: EngagementDep, caller: CallerDep) -> list[RoundTablePublic]:
    """The engagement's round tables the caller may see, by start time."""
    statement = visible_round_tables(caller.user, engagement).order_by(col(RoundTable.starts_at))
    return publics(caller.session, list(caller.session.exec(statement).all()))


@router.get("/round-tables/{round_table_id}", response_model=RoundTablePublic, responses=READ)
def read_round_table(
    found: RoundTableDep, caller: CallerDep, response: Response
) -> RoundTablePublic:
    """One round table with its invitees and attendance; its ETag is the version for If-Match."""
    etag(response, found[0].version)
    return public(caller.session, found[0])


@router.get(
    "/round-tables/{round_table_id}/calendar.ics",
    responses={200: {"content": {"text/calendar": {}}}, **READ},
)
def round_table_calendar(found: RoundTableDep, caller: CallerDep) -> Response:
    """The round table as an RFC 5545 calendar file for invitees."""
    round_table, engagement = found
    buyer = organization_names(caller.session, [engagement.buyer_id]).get(engagement.buyer_id, "")
    return Response(
        calendar_file(round_table, buyer),
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
    return public(caller.session, round_table)


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
    return public(caller.session, round_table)


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
    return public(caller.session, round_table)
