"""Engagement use cases: decide with `workflows`, write the change and its Event, commit once."""

import uuid
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from service.accounts.models import Role, User
from service.engagements.facts import engagement_snapshot, participation_snapshot
from service.engagements.models import (
    CandidateCreate,
    Engagement,
    EngagementCreate,
    EngagementUpdate,
    Event,
    EventKind,
    Participation,
)
from service.errors import Conflict, NotFound, PreconditionFailed
from service.plans.settlement import settle_if_dropped
from service.programmes.models import Organization, OrganizationKind
from service.types import utcnow
from workflows import (
    ParticipationState,
    ReasonRequired,
    TransitionRefused,
    apply,
    apply_to_participation,
    candidate_addition_blocked_by,
    held_phase_after,
)


def _organization_of_kind(
    session: Session,
    programme_id: uuid.UUID,
    organization_id: uuid.UUID,
    kind: OrganizationKind,
    field: str,
) -> Organization:
    organization = session.get(Organization, organization_id)
    if organization is None or organization.programme_id != programme_id:
        raise NotFound("no such organization in this programme", field=field)
    if organization.kind != kind:
        raise Conflict(
            f"{organization.name} is a {organization.kind.value}, not a {kind.value}", field=field
        )
    return organization


def _broker(session: Session, programme_id: uuid.UUID, broker_id: uuid.UUID) -> User:
    broker = session.get(User, broker_id)
    if broker is None or broker.programme_id != programme_id:
        raise NotFound("no such user in this programme", field="broker_id")
    if broker.role != Role.broker or not broker.is_active:
        raise Conflict(f"{broker.full_name} is not an active broker", field="broker_id")
    return broker


def _event(engagement: Engagement, actor: User, kind: EventKind, **fields: object) -> Event:
    return Event(
        programme_id=engagement.programme_id,
        engagement_id=engagement.id,
        actor_id=actor.id,
        kind=kind,
        **fields,  # type: ignore[arg-type]
    )


def create_engagement(*, session: Session, actor: User, data: EngagementCreate) -> Engagement:
    """A new engagement at enrolment, for a buyer of the programme."""
    assert actor.programme_id is not None
    _organization_of_kind(
        session, actor.programme_id, data.buyer_id, OrganizationKind.buyer, "buyer_id"
    )
    if data.broker_id is not None:
        _broker(session, actor.programme_id, data.broker_id)
    engagement = Engagement(programme_id=actor.programme_id, **data.model_dump())
    session.add(engagement)
    session.flush()
    session.add(_event(engagement, actor, EventKind.created, to_state=engagement.phase.value))
    session.commit()
    return engagement


def check_version(current: int, expected: int) -> None:
    """412 when the client's If-Match names another version than the stored one."""
    if current != expected:
        raise PreconditionFailed(f"the version is now {current}, not {expected}; read it again")


def bump_version(
    session: Session,
    model: Any,
    row_id: uuid.UUID,
    version: int,
    **values: object,
) -> None:
    """Write only if nobody changed the row since it was read: exactly one writer wins."""
    statement = (
        update(model)
        .where(col(model.id) == row_id, col(model.version) == version)
        .values(version=version + 1, updated_at=utcnow(), **values)
    )
    if session.exec(statement).rowcount != 1:
        session.rollback()
        raise PreconditionFailed("the object was changed meanwhile; read it again")


def update_engagement(
    *, session: Session, actor: User, engagement: Engagement, data: EngagementUpdate, version: int
) -> Engagement:
    """A new title or broker; assigning a broker is an event."""
    check_version(engagement.version, version)
    changes = data.model_dump(exclude_unset=True)
    if "broker_id" in changes and engagement.programme_id:
        _broker(session, engagement.programme_id, changes["broker_id"])
    previous_broker = engagement.broker_id  # read before the update refreshes the object
    bump_version(session, Engagement, engagement.id, version, **changes)
    if "broker_id" in changes and changes["broker_id"] != previous_broker:
        session.add(
            _event(engagement, actor, EventKind.broker_assigned, reason=str(changes["broker_id"]))
        )
    session.commit()
    session.refresh(engagement)
    return engagement


def transition_engagement(
    *,
    session: Session,
    actor: User,
    engagement: Engagement,
    trigger: str,
    reason: str | None,
    version: int,
) -> Engagement:
    """Move the engagement by a trigger if its guards allow, with the event, in one commit."""
    check_version(engagement.version, version)
    snapshot = engagement_snapshot(session, engagement)
    destination = decide(lambda: apply(snapshot, trigger, reason))
    held = held_phase_after(snapshot, trigger)
    source = engagement.phase  # read before the update refreshes the object
    bump_version(session, Engagement, engagement.id, version, phase=destination, held_phase=held)
    session.add(
        _event(
            engagement,
            actor,
            EventKind.transition,
            trigger=trigger,
            from_state=source.value,
            to_state=destination.value,
            reason=reason,
        )
    )
    session.commit()
    session.refresh(engagement)
    return engagement


def decide(decide):
    try:
        return decide()
    except ReasonRequired as error:
        # Every decision carries its reason: a missing one blocks the transition like a guard.
        blocked = f"{error.trigger} needs a reason"
        raise Conflict(blocked, field="reason", blocked_by=[blocked]) from error
    except TransitionRefused as error:
        raise Conflict(
            f"{error.trigger} is refused: " + "; ".join(error.blocked_by),
            blocked_by=list(error.blocked_by),
        ) from error


def add_candidate(
    *, session: Session, actor: User, engagement: Engagement, data: CandidateCreate, version: int
) -> Participation:
    """List a supplier as a candidate, until round tables start."""
    check_version(engagement.version, version)
    blocked = candidate_addition_blocked_by(engagement.phase)
    if blocked is not None:
        raise Conflict(blocked, blocked_by=[blocked])
    supplier = _organization_of_kind(
        session, engagement.programme_id, data.supplier_id, OrganizationKind.supplier, "supplier_id"
    )
    taken = select(Participation.id).where(
        Participation.engagement_id == engagement.id, Participation.supplier_id == supplier.id
    )
    if session.exec(taken).first() is not None:
        raise Conflict(f"{supplier.name} is already a candidate", field="supplier_id")
    participation = Participation(engagement_id=engagement.id, **data.model_dump())
    bump_version(session, Engagement, engagement.id, version)
    session.add(participation)
    session.flush()
    session.add(
        _event(
            engagement,
            actor,
            EventKind.candidate_added,
            participation_id=participation.id,
            to_state=participation.state.value,
            reason=supplier.name,
        )
    )
    session.commit()
    return participation


def transition_participation(
    *,
    session: Session,
    actor: User,
    engagement: Engagement,
    participation: Participation,
    trigger: str,
    reason: str | None,
    version: int,
) -> Participation:
    """Move one supplier's participation by a trigger, with the event, in one commit."""
    check_version(participation.version, version)
    snapshot = participation_snapshot(session, engagement, participation)
    destination = decide(lambda: apply_to_participation(snapshot, trigger, reason))
    source = participation.state  # read before the update refreshes the object
    bump_version(session, Participation, participation.id, version, state=destination)
    session.add(
        _event(
            engagement,
            actor,
            EventKind.transition,
            participation_id=participation.id,
            trigger=trigger,
            from_state=source.value,
            to_state=destination.value,
            reason=reason,
        )
    )
    settle_if_dropped(
        session, actor=actor, participation=participation, state=destination, reason=reason
    )
    session.commit()
    session.refresh(participation)
    return participation


def follow(
    session: Session,
    actor: User,
    engagement: Engagement,
    participation_id: uuid.UUID | None,
    step: tuple[ParticipationState, ParticipationState, str],
    reason: str,
    audit_id: uuid.UUID | None = None,
) -> None:
    """Move a supplier's participation along with its audit, analysis or plan: `step` is
    (from, to, trigger), recorded as an event. Nothing happens when the participation is
    not at `from` (it moved on already, or was dropped)."""
    source, dest, trigger = step
    participation = session.get(Participation, participation_id) if participation_id else None
    if participation is None or participation.state != source:
        return
    bump_version(session, Participation, participation.id, participation.version, state=dest)
    session.add(
        Event(
            programme_id=engagement.programme_id,
            engagement_id=engagement.id,
            participation_id=participation.id,
            actor_id=actor.id,
            kind=EventKind.transition,
            trigger=trigger,
            from_state=source.value,
            to_state=dest.value,
            reason=reason,
            audit_id=audit_id,
        )
    )
