"""Round-table use cases: schedule, reschedule, hold with minutes and attendance, cancel."""

import uuid
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from service.accounts.models import User
from service.engagements.facts import supplier_names
from service.engagements.models import Engagement
from service.errors import Conflict, NotFound, Unprocessable
from service.history import EventKind, SubjectKind, record_event
from service.programmes.models import Organization, OrganizationKind
from service.roundtables.models import (
    Cancellation,
    HoldRecord,
    Reschedule,
    RoundTable,
    RoundTableCreate,
    RoundTableInvitee,
    RoundTableState,
)
from service.types import utcnow
from service.versioning import bump_version, check_version
from workflows import Phase
from workflows.states import SELECTED_TRACK

# Besides the buyer and its selected suppliers, these kinds may be invited.
GUEST_KINDS = frozenset(
    {
        OrganizationKind.provider,
        OrganizationKind.financier,
        OrganizationKind.donor,
        OrganizationKind.unit,
    }
)


def _event(
    session: Session,
    round_table: RoundTable,
    actor: User,
    trigger: str,
    source: str | None,
    dest: str,
    reason: str | None,
) -> None:
    record_event(
        session,
        actor_id=actor.id,
        programme_id=round_table.programme_id,
        kind=EventKind.round_table,
        subject=(SubjectKind.round_table, round_table.id),
        engagement_id=round_table.engagement_id,
        trigger=trigger,
        from_state=source,
        to_state=dest,
        reason=f"{round_table.title}: {reason}" if reason else round_table.title,
    )


def _guests(session: Session, engagement: Engagement, ids: list[uuid.UUID]) -> list[uuid.UUID]:
    for organization_id in ids:
        guest = session.get(Organization, organization_id)
        if guest is None or guest.programme_id != engagement.programme_id:
            raise NotFound("no such organization in this programme", field="also_invite")
        if guest.kind not in GUEST_KINDS:
            raise Conflict(
                f"{guest.name} is a {guest.kind.value}; guests are providers, financiers, "
                "donors or the unit",
                field="also_invite",
            )
    return ids


def schedule(
    *, session: Session, actor: User, engagement: Engagement, data: RoundTableCreate
) -> RoundTable:
    """A round table in the round-tables phase, inviting the buyer and every selected supplier."""
    if engagement.phase != Phase.round_tables:
        phase = engagement.phase.value
        reason = f"round tables are scheduled in phase round_tables; the engagement is in {phase}"
        raise Conflict(reason, blocked_by=[reason])
    selected = [
        p.supplier_id
        for p, _name in supplier_names(session, engagement)
        if p.state in SELECTED_TRACK
    ]
    if data.held is None:
        _require_future(data.starts_at)
    invited = dict.fromkeys(
        [engagement.buyer_id, *selected, *_guests(session, engagement, data.also_invite)]
    )
    round_table = RoundTable(
        programme_id=engagement.programme_id,
        engagement_id=engagement.id,
        created_by=actor.id,
        **data.model_dump(exclude={"also_invite", "starts_at", "held"}),
        starts_at=data.starts_at.astimezone(UTC),
    )
    session.add(round_table)
    session.flush()
    for organization_id in invited:
        session.add(
            RoundTableInvitee(round_table_id=round_table.id, organization_id=organization_id)
        )
    _event(session, round_table, actor, "schedule", None, "scheduled", data.starts_at.isoformat())
    if data.held is not None:
        _record_held(session, actor, round_table, data.held, round_table.version)
    session.commit()
    session.refresh(round_table)
    return round_table


def _require_future(starts_at: datetime) -> None:
    """A round table is scheduled ahead; one that already took place is recorded as held."""
    if starts_at.astimezone(UTC) <= utcnow():
        raise Unprocessable(
            f"{starts_at.isoformat()} is in the past: schedule a round table ahead, or record "
            "one that already took place with `held` (its minutes and attendance)",
            field="starts_at",
        )


def _require_scheduled(round_table: RoundTable, action: str) -> None:
    if round_table.state != RoundTableState.scheduled:
        reason = f"a {round_table.state.value} round table cannot be {action}"
        raise Conflict(reason, blocked_by=[reason])


def reschedule(
    *, session: Session, actor: User, round_table: RoundTable, data: Reschedule, version: int
) -> RoundTable:
    """Move a scheduled round table; the event keeps the old and new times."""
    check_version(round_table.version, version)
    _require_scheduled(round_table, "rescheduled")
    _require_future(data.starts_at)
    old = round_table.starts_at.isoformat()
    values: dict[str, object] = {"starts_at": data.starts_at.astimezone(UTC)}
    if data.timezone is not None:
        values["timezone"] = data.timezone
    bump_version(session, RoundTable, round_table.id, version, **values)
    _event(
        session,
        round_table,
        actor,
        "reschedule",
        old,
        "scheduled",
        f"moved to {data.starts_at.isoformat()}: {data.reason}",
    )
    session.commit()
    session.refresh(round_table)
    return round_table


def hold(
    *, session: Session, actor: User, round_table: RoundTable, data: HoldRecord, version: int
) -> RoundTable:
    """Mark held with minutes and attendance; only invited organizations can have attended."""
    check_version(round_table.version, version)
    _record_held(session, actor, round_table, data, version)
    session.commit()
    session.refresh(round_table)
    return round_table


def _record_held(
    session: Session, actor: User, round_table: RoundTable, data: HoldRecord, version: int
) -> None:
    """Mark held with its minutes and attendance (the step of `hold`; does not commit)."""
    _require_scheduled(round_table, "held")
    if round_table.starts_at > utcnow():
        starts = round_table.starts_at.isoformat()
        reason = f"the round table starts at {starts}; it cannot be held before"
        raise Conflict(reason, blocked_by=[reason])
    invitees = {row.organization_id: row for row in invitees_of(session, round_table)}
    for n, item in enumerate(data.attendance):
        if item.organization_id not in invitees:
            raise NotFound(
                f"organization {item.organization_id} was not invited to this round table",
                field=f"attendance.{n}.organization_id",
            )
    came = {item.organization_id: item.attendees for item in data.attendance}
    for organization_id, row in invitees.items():
        row.attended, row.attendees = organization_id in came, came.get(organization_id, [])
        session.add(row)
    bump_version(
        session,
        RoundTable,
        round_table.id,
        version,
        state=RoundTableState.held,
        minutes=data.minutes,
        held_at=utcnow(),
    )
    _event(
        session,
        round_table,
        actor,
        "hold",
        "scheduled",
        "held",
        f"{len(came)} of {len(invitees)} organizations attended",
    )


def cancel(
    *, session: Session, actor: User, round_table: RoundTable, data: Cancellation, version: int
) -> RoundTable:
    """Cancel a scheduled round table, with its reason."""
    check_version(round_table.version, version)
    _require_scheduled(round_table, "cancelled")
    bump_version(
        session,
        RoundTable,
        round_table.id,
        version,
        state=RoundTableState.cancelled,
        cancel_reason=data.reason,
    )
    _event(session, round_table, actor, "cancel", "scheduled", "cancelled", data.reason)
    session.commit()
    session.refresh(round_table)
    return round_table


def invitees_of(session: Session, round_table: RoundTable) -> list[RoundTableInvitee]:
    """The invitees of one round table."""
    return invitees_of_all(session, [round_table.id])


def invitees_of_all(session: Session, round_table_ids: list[uuid.UUID]) -> list[RoundTableInvitee]:
    """The invitees of many round tables in one query."""
    statement = select(RoundTableInvitee).where(
        col(RoundTableInvitee.round_table_id).in_(round_table_ids)
    )
    return list(session.exec(statement.order_by(col(RoundTableInvitee.id))).all())


def starts_local(round_table: RoundTable) -> datetime:
    """The start in the round table's own time zone."""
    from zoneinfo import ZoneInfo

    return round_table.starts_at.astimezone(ZoneInfo(round_table.timezone))
