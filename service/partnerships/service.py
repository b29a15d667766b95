"""The partnership decision use case: the buyer's decision on a supplier whose plan is closed,
written with its Event and the participation's move in one commit."""

from sqlmodel import Session

from service.accounts.models import User
from service.engagements.models import Engagement, Participation
from service.engagements.steps import move_participation
from service.history import EventKind, SubjectKind, record_event
from service.partnerships.models import (
    ConditionalPartnership,
    Outcome,
    PartnershipDecided,
    PartnershipDecision,
    PartnershipDeclined,
)
from service.versioning import check_version

# The participation trigger each outcome fires.
OUTCOME_TRIGGERS = {
    Outcome.partnership: "record_partnership",
    Outcome.conditional: "record_conditional_partnership",
    Outcome.declined: "record_no_partnership",
}


def _reason(decision: PartnershipDecision) -> str:
    """The rationale, with the conditions of a conditional partnership."""
    if decision.conditions:
        return f"{decision.rationale} (conditions: {decision.conditions})"
    return decision.rationale


def decide_partnership(
    *,
    session: Session,
    actor: User,
    engagement: Engagement,
    participation: Participation,
    data: PartnershipDecided | ConditionalPartnership | PartnershipDeclined,
    version: int,
) -> PartnershipDecision:
    """The buyer's decision on a supplier whose plan is closed: partnership, conditional
    partnership (with its conditions) or declined, each with its rationale."""
    check_version(participation.version, version)
    outcome = Outcome(data.outcome)
    decision = PartnershipDecision(
        programme_id=engagement.programme_id,
        engagement_id=engagement.id,
        participation_id=participation.id,
        outcome=outcome,
        conditions=getattr(data, "conditions", None),
        rationale=data.rationale,
        decided_by=actor.id,
    )
    session.add(decision)
    reason = _reason(decision)
    session.flush()
    record_event(
        session,
        actor_id=actor.id,
        programme_id=engagement.programme_id,
        kind=EventKind.decision,
        subject=(SubjectKind.partnership_decision, decision.id),
        engagement_id=engagement.id,
        participation_id=participation.id,
        trigger="decide_partnership",
        to_state=outcome,
        reason=reason,
    )
    move_participation(
        session=session,
        actor=actor,
        engagement=engagement,
        participation=participation,
        trigger=OUTCOME_TRIGGERS[outcome],
        reason=reason,
    )
    session.commit()
    session.refresh(decision)
    return decision
