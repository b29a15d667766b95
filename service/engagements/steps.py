"""Inner steps on participations that other use cases compose. They never commit: the
use case that calls them commits once, with everything else it changed."""

import uuid

from sqlmodel import Session

from service.accounts.models import User
from service.engagements.facts import participation_snapshot
from service.engagements.models import Engagement, Participation
from service.guards import decide
from service.history import EventKind, SubjectKind, record_event
from service.versioning import bump_version
from workflows import ParticipationState, apply_to_participation


def move_participation(
    *,
    session: Session,
    actor: User,
    engagement: Engagement,
    participation: Participation,
    trigger: str,
    reason: str | None,
) -> ParticipationState:
    """Fire a participation trigger if its guards allow, with its event; 409 otherwise."""
    snapshot = participation_snapshot(session, engagement, participation)
    destination = decide(lambda: apply_to_participation(snapshot, trigger, reason))
    step = (participation.state, destination, trigger)
    _write_move(session, actor, engagement, participation, step, reason, None)
    return destination


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
    participation = session.get(Participation, participation_id) if participation_id else None
    if participation is None or participation.state != step[0]:
        return
    _write_move(session, actor, engagement, participation, step, reason, audit_id)


def _write_move(
    session: Session,
    actor: User,
    engagement: Engagement,
    participation: Participation,
    step: tuple[ParticipationState, ParticipationState, str],
    reason: str | None,
    audit_id: uuid.UUID | None,
) -> None:
    source, dest, trigger = step
    bump_version(session, Participation, participation.id, participation.version, state=dest)
    record_event(
        session,
        actor_id=actor.id,
        programme_id=engagement.programme_id,
        kind=EventKind.transition,
        subject=(SubjectKind.participation, participation.id),
        engagement_id=engagement.id,
        participation_id=participation.id,
        audit_id=audit_id,
        trigger=trigger,
        from_state=source,
        to_state=dest,
        reason=reason,
    )
