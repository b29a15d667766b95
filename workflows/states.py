"""The states of both machines: engagement phases and participation states."""

from enum import StrEnum


class Phase(StrEnum):
    """Where an engagement stands in the method."""

    enrolment = "enrolment"
    supplier_evaluation = "supplier_evaluation"
    round_tables = "round_tables"
    improvement_analysis = "improvement_analysis"
    improvement_plans = "improvement_plans"
    completed = "completed"
    on_hold = "on_hold"
    withdrawn = "withdrawn"


class ParticipationState(StrEnum):
    """Where one supplier stands within its engagement."""

    candidate = "candidate"
    evaluated = "evaluated"
    selected = "selected"
    not_selected = "not_selected"
    analysed = "analysed"
    planning = "planning"
    implementing = "implementing"
    closed = "closed"
    partner = "partner"
    conditional_partner = "conditional_partner"
    no_partnership = "no_partnership"
    dropped = "dropped"


# The five phases of the method proper; hold and withdraw start from these.
ACTIVE_PHASES: tuple[Phase, ...] = (
    Phase.enrolment,
    Phase.supplier_evaluation,
    Phase.round_tables,
    Phase.improvement_analysis,
    Phase.improvement_plans,
)
TERMINAL_PHASES: frozenset[Phase] = frozenset({Phase.completed, Phase.withdrawn})

TERMINAL_PARTICIPATION_STATES: frozenset[ParticipationState] = frozenset(
    {
        ParticipationState.not_selected,
        ParticipationState.partner,
        ParticipationState.conditional_partner,
        ParticipationState.no_partnership,
        ParticipationState.dropped,
    }
)

# A supplier on this track was selected and is still in the programme (or finished it).
SELECTED_TRACK: frozenset[ParticipationState] = frozenset(
    {
        ParticipationState.selected,
        ParticipationState.analysed,
        ParticipationState.planning,
        ParticipationState.implementing,
        ParticipationState.closed,
        ParticipationState.partner,
        ParticipationState.conditional_partner,
        ParticipationState.no_partnership,
    }
)

# Candidates still waiting for the buyer and broker to decide on them.
UNDECIDED: frozenset[ParticipationState] = frozenset(
    {ParticipationState.candidate, ParticipationState.evaluated}
)
