"""The guard facts the workflows read, computed from the database.

Each phase's exit condition is a fact here: audits, round tables, targets, analyses, plans
and partnership decisions each answer for their own.
"""

from sqlmodel import Session, select

from service.analyses.queries import approved_firms
from service.audits.queries import reviewed_evaluations
from service.engagements.models import Engagement, Participation
from service.plans.queries import closed_firms, plan_states
from service.programmes.models import Organization
from service.roundtables.queries import attended_organizations, held_with_minutes
from service.targets.queries import with_targets
from workflows import (
    EngagementSnapshot,
    ParticipationFacts,
    ParticipationSnapshot,
    ParticipationState,
    PlanState,
)

# Participations whose partnership decision is recorded.
DECIDED = frozenset(
    {
        ParticipationState.partner,
        ParticipationState.conditional_partner,
        ParticipationState.no_partnership,
    }
)
# Plan states at or past approval.
APPROVED_PLAN = frozenset(
    {PlanState.approved, PlanState.in_progress, PlanState.final_review, PlanState.closed}
)


def supplier_names(session: Session, engagement: Engagement) -> list[tuple[Participation, str]]:
    """The engagement's participations with their suppliers' names, oldest first."""
    statement = (
        select(Participation, Organization.name)
        .join(Organization, Organization.id == Participation.supplier_id)  # type: ignore[arg-type]
        .where(Participation.engagement_id == engagement.id)
        .order_by(Participation.created_at, Participation.id)  # type: ignore[arg-type]
    )
    return [(participation, name) for participation, name in session.exec(statement).all()]


def engagement_snapshot(session: Session, engagement: Engagement) -> EngagementSnapshot:
    """Everything the engagement guards need, in one plain snapshot."""

    buyer = session.get(Organization, engagement.buyer_id)
    evaluated = reviewed_evaluations(session, engagement.id)
    attended = attended_organizations(session, engagement.id)
    targeted = with_targets(session, engagement.id)
    analysed = approved_firms(session, engagement.id)
    closed = closed_firms(session, engagement.id)
    participations = tuple(
        ParticipationFacts(
            name=name,
            state=participation.state,
            has_reviewed_evaluation_audit=participation.id in evaluated,
            attended_round_table=participation.supplier_id in attended,
            has_agreed_targets=participation.id in targeted,
            has_approved_analysis=participation.supplier_id in analysed,
            plan_closed=participation.supplier_id in closed,
            has_partnership_decision=participation.state in DECIDED,
        )
        for participation, name in supplier_names(session, engagement)
    )
    return EngagementSnapshot(
        phase=engagement.phase,
        held_phase=engagement.held_phase,
        buyer_name=buyer.name if buyer else "the buyer",
        has_broker=engagement.broker_id is not None,
        participations=participations,
        round_table_held_with_minutes=held_with_minutes(session, engagement.id),
        buyer_attended_round_table=engagement.buyer_id in attended,
        buyer_has_approved_analysis=engagement.buyer_id in analysed,
        buyer_plan_closed=engagement.buyer_id in closed,
    )


def participation_snapshot(
    session: Session, engagement: Engagement, participation: Participation
) -> ParticipationSnapshot:
    """Everything the participation guards need about one supplier."""

    supplier = session.get(Organization, participation.supplier_id)
    plan = plan_states(session, engagement.id).get(participation.supplier_id)
    return ParticipationSnapshot(
        name=supplier.name if supplier else "the supplier",
        state=participation.state,
        engagement_phase=engagement.phase,
        has_reviewed_evaluation_audit=participation.id
        in reviewed_evaluations(session, engagement.id),
        plan_approved=plan in APPROVED_PLAN,
        plan_closed=plan == PlanState.closed,
    )
