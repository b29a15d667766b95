"""Engagement use cases: decide with `workflows`, write the change and its Event, commit once."""

import uuid
from typing import Any

from sqlmodel import Session, select

from service.accounts.models import Role, User
from service.engagements.facts import engagement_snapshot
from service.engagements.models import (
    CandidateCreate,
    Engagement,
    EngagementCreate,
    EngagementUpdate,
    Participation,
    SelectionDecision,
)
from service.engagements.steps import move_participation
from service.errors import Conflict, NotFound
from service.guards import decide
from service.history import EventKind, SubjectKind, record_event
from service.plans.settlement import settle_if_dropped
from service.programmes.models import Organization, OrganizationKind
from service.versioning import bump_version, check_version
from workflows import apply, candidate_addition_blocked_by, held_phase_after


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


def _event(
    session: Session,
    engagement: Engagement,
    actor: User,
    kind: EventKind,
    participation_id: uuid.UUID | None = None,
    **fields: Any,
) -> None:
    subject = (SubjectKind.engagement, engagement.id)
    if participation_id is not None:
        subject = (SubjectKind.participation, participation_id)
    record_event(
        session,
        actor_id=actor.id,
        programme_id=engagement.programme_id,
        kind=kind,
        subject=subject,
        engagement_id=engagement.id,
        participation_id=participation_id,
        **fields,
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
    _event(session, engagement, actor, EventKind.created, to_state=engagement.phase)
    session.commit()
    return engagement


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
        _event(
            session, engagement, actor, EventKind.broker_assigned, reason=str(changes["broker_id"])
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
    _event(
        session,
        engagement,
        actor,
        EventKind.transition,
        trigger=trigger,
        from_state=source,
        to_state=destination,
        reason=reason,
    )
    session.commit()
    session.refresh(engagement)
    return engagement


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
    _event(
        session,
        engagement,
        actor,
        EventKind.candidate_added,
        participation_id=participation.id,
        to_state=participation.state,
        reason=supplier.name,
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
    destination = move_participation(
        session=session,
        actor=actor,
        engagement=engagement,
        participation=participation,
        trigger=trigger,
        reason=reason,
    )
    settle_if_dropped(
        session, actor=actor, participation=participation, state=destination, reason=reason
    )
    session.commit()
    session.refresh(participation)
    return participation


def record_selection(
    *,
    session: Session,
    actor: User,
    engagement: Engagement,
    participation: Participation,
    decision: SelectionDecision,
    reason: str,
    version: int,
) -> Participation:
    """Select an evaluated candidate, or not, with the reason, in one commit."""
    check_version(participation.version, version)
    move_participation(
        session=session,
        actor=actor,
        engagement=engagement,
        participation=participation,
        trigger="select" if decision == SelectionDecision.selected else "not_select",
        reason=reason,
    )
    session.commit()
    session.refresh(participation)
    return participation
