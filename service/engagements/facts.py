"""The guard facts the workflows read, computed from the database.

Each phase's exit condition is a fact here: audits, round tables, targets, analyses, plans
and partnership decisions each answer for their own.
"""

import uuid
from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlmodel import Session, col, select

from service.analyses.queries import approved_firms_in
from service.audits.queries import reviewed_evaluations, reviewed_evaluations_in
from service.engagements.models import Engagement, EngagementPublic, Participation
from service.plans.queries import closed_firms_in, plan_states
from service.programmes.models import Organization
from service.roundtables.queries import attended_organizations_in, held_with_minutes_in
from service.targets.queries import with_targets_in
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
    return _supplier_names(session, [engagement.id]).get(engagement.id, [])


def _supplier_names(
    session: Session, engagement_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[Participation, str]]]:
    statement = (
        select(Participation, Organization.name)
        .join(Organization, Organization.id == Participation.supplier_id)  # type: ignore[arg-type]
        .where(col(Participation.engagement_id).in_(engagement_ids))
        .order_by(Participation.created_at, Participation.id)  # type: ignore[arg-type]
    )
    found: dict[uuid.UUID, list[tuple[Participation, str]]] = {}
    for participation, name in session.exec(statement).all():
        found.setdefault(participation.engagement_id, []).append((participation, name))
    return found


def engagement_snapshot(session: Session, engagement: Engagement) -> EngagementSnapshot:
    """Everything the engagement guards need, in one plain snapshot."""
    return engagement_snapshots(session, [engagement])[engagement.id]


def engagement_snapshots(
    session: Session, engagements: Sequence[Engagement | EngagementPublic]
) -> dict[uuid.UUID, EngagementSnapshot]:
    """The guard snapshots of many engagements, in as many statements as for one."""
    ids = [engagement.id for engagement in engagements]
    buyers = dict(
        session.exec(
            select(Organization.id, Organization.name).where(
                col(Organization.id).in_([engagement.buyer_id for engagement in engagements])
            )
        ).all()
    )
    evaluated = reviewed_evaluations_in(session, ids)
    attended = attended_organizations_in(session, ids)
    targeted = with_targets_in(session, ids)
    analysed = approved_firms_in(session, ids)
    closed = closed_firms_in(session, ids)
    held = held_with_minutes_in(session, ids)
    suppliers = _supplier_names(session, ids)
    return {
        engagement.id: _snapshot(
            engagement,
            buyers.get(engagement.buyer_id),
            suppliers.get(engagement.id, []),
            Facts(
                evaluated.get(engagement.id, set()),
                attended.get(engagement.id, set()),
                targeted.get(engagement.id, set()),
                analysed.get(engagement.id, set()),
                closed.get(engagement.id, set()),
                engagement.id in held,
            ),
        )
        for engagement in engagements
    }


class Facts(NamedTuple):
    """What one engagement's rows say, read for many engagements at once."""

    evaluated: set[Any]
    attended: set[Any]
    targeted: set[Any]
    analysed: set[Any]
    closed: set[Any]
    held_with_minutes: bool


def _snapshot(
    engagement: Engagement | EngagementPublic,
    buyer: str | None,
    suppliers: list[tuple[Participation, str]],
    facts: Facts,
) -> EngagementSnapshot:
    participations = tuple(
        ParticipationFacts(
            name=name,
            state=participation.state,
            has_reviewed_evaluation_audit=participation.id in facts.evaluated,
            attended_round_table=participation.supplier_id in facts.attended,
            has_agreed_targets=participation.id in facts.targeted,
            has_approved_analysis=participation.supplier_id in facts.analysed,
            plan_closed=participation.supplier_id in facts.closed,
            has_partnership_decision=participation.state in DECIDED,
        )
        for participation, name in suppliers
    )
    return EngagementSnapshot(
        phase=engagement.phase,
        held_phase=engagement.held_phase,
        buyer_name=buyer if buyer is not None else "the buyer",
        has_broker=engagement.broker_id is not None,
        participations=participations,
        round_table_held_with_minutes=facts.held_with_minutes,
        buyer_attended_round_table=engagement.buyer_id in facts.attended,
        buyer_has_approved_analysis=engagement.buyer_id in facts.analysed,
        buyer_plan_closed=engagement.buyer_id in facts.closed,
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
