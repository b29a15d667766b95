"""Snapshots for the workflow tests: every condition met, unless a test says otherwise."""

from workflows import (
    EngagementSnapshot,
    ParticipationFacts,
    ParticipationSnapshot,
    ParticipationState,
    Phase,
)

LAGO = "Plásticos del Lago"
NORTE = "Etiquetas del Norte"
CAFE = "Café Altura"
BUYER = "Ron Caribe"


def supplier_with_everything_done(
    name: str, state: ParticipationState = ParticipationState.selected
) -> ParticipationFacts:
    """A supplier for whom every engagement fact is met."""
    return ParticipationFacts(
        name=name,
        state=state,
        has_reviewed_evaluation_audit=True,
        attended_round_table=True,
        has_agreed_targets=True,
        has_approved_analysis=True,
        plan_closed=True,
        has_partnership_decision=True,
    )


def ready_engagement(phase: Phase, held_phase: Phase | None = None) -> EngagementSnapshot:
    """An engagement in `phase` whose every guard is met."""
    return EngagementSnapshot(
        phase=phase,
        held_phase=held_phase,
        buyer_name=BUYER,
        has_broker=True,
        participations=(
            supplier_with_everything_done(LAGO),
            ParticipationFacts(
                NORTE, ParticipationState.not_selected, has_reviewed_evaluation_audit=True
            ),
        ),
        round_table_held_with_minutes=True,
        buyer_attended_round_table=True,
        buyer_has_approved_analysis=True,
        buyer_plan_closed=True,
    )


def ready_participation(
    state: ParticipationState, engagement_phase: Phase = Phase.supplier_evaluation
) -> ParticipationSnapshot:
    """Etiquetas del Norte in `state`, with every participation fact met."""
    return ParticipationSnapshot(
        name=NORTE,
        state=state,
        engagement_phase=engagement_phase,
        has_reviewed_evaluation_audit=True,
        has_approved_analysis=True,
        plan_approved=True,
        plan_closed=True,
    )
