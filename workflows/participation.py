"""The participation machine: one supplier's track through an engagement."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from workflows import machine
from workflows.machine import Guard, TriggerCheck, Workflow
from workflows.states import (
    ACTIVE_PHASES,
    TERMINAL_PARTICIPATION_STATES,
    ParticipationState,
    Phase,
)


@dataclass(frozen=True)
class ParticipationSnapshot:
    """Everything the participation guards read, computed by the caller; unmet by default."""

    name: str  # the supplier firm's name, used in reasons
    state: ParticipationState
    engagement_phase: Phase
    has_reviewed_evaluation_audit: bool = False
    has_approved_analysis: bool = False
    plan_approved: bool = False
    plan_closed: bool = False


# Why a participation cannot move while its engagement is not in an active phase.
_ENGAGEMENT_STOPPED = {
    Phase.on_hold: "the engagement is on hold",
    Phase.withdrawn: "the engagement has been withdrawn",
    Phase.completed: "the engagement is completed",
}


def _engagement_stopped(s: ParticipationSnapshot) -> list[str]:
    if s.engagement_phase in ACTIVE_PHASES:
        return []
    return [_ENGAGEMENT_STOPPED.get(s.engagement_phase, f"the engagement is {s.engagement_phase}")]


def _guard(
    name: str, description: str, explain: Callable[[ParticipationSnapshot], list[str]]
) -> Guard[ParticipationSnapshot]:
    return Guard[ParticipationSnapshot](name, description, explain)


def _fact(
    name: str, description: str, missing: str, met: Callable[[ParticipationSnapshot], bool]
) -> Guard[ParticipationSnapshot]:
    """A guard on one fact of the supplier; `missing` follows the firm's name in the reason."""
    return _guard(name, description, lambda s: [] if met(s) else [f"{s.name} {missing}"])


engagement_active = _guard(
    "engagement_active",
    "the engagement is in an active phase (not on hold, withdrawn or completed)",
    _engagement_stopped,
)


def engagement_in(phase: Phase) -> Guard[ParticipationSnapshot]:
    """The engagement is in `phase`; an engagement that stopped says so instead."""

    def explain(s: ParticipationSnapshot) -> list[str]:
        stopped = _engagement_stopped(s)
        if stopped or s.engagement_phase == phase:
            return stopped
        return [f"the engagement is in {s.engagement_phase}, not {phase}"]

    return _guard(f"engagement_in_{phase}", f"the engagement is in {phase}", explain)


evaluation_audit_reviewed = _fact(
    "evaluation_audit_reviewed",
    "the supplier has a reviewed evaluation audit",
    "has no reviewed evaluation audit",
    lambda s: s.has_reviewed_evaluation_audit,
)
analysis_approved = _fact(
    "analysis_approved",
    "the supplier has an approved analysis",
    "has no approved analysis",
    lambda s: s.has_approved_analysis,
)
plan_approved = _fact(
    "plan_approved",
    "the supplier's plan is approved",
    "has no approved plan",
    lambda s: s.plan_approved,
)
plan_closed = _fact(
    "plan_closed",
    "the supplier's plan is closed",
    "has no closed plan",
    lambda s: s.plan_closed,
)

S = ParticipationState
_in_evaluation = engagement_in(Phase.supplier_evaluation)
_in_plans = engagement_in(Phase.improvement_plans)

TRANSITIONS: list[dict[str, Any]] = [
    {
        "trigger": "evaluate",
        "source": S.candidate,
        "dest": S.evaluated,
        "conditions": [engagement_active, evaluation_audit_reviewed],
    },
    {
        "trigger": "select",
        "source": S.evaluated,
        "dest": S.selected,
        "conditions": [_in_evaluation],
    },
    {
        "trigger": "not_select",
        "source": S.evaluated,
        "dest": S.not_selected,
        "conditions": [_in_evaluation],
    },
    {
        "trigger": "analyse",
        "source": S.selected,
        "dest": S.analysed,
        "conditions": [engagement_active, analysis_approved],
    },
    {
        "trigger": "start_planning",
        "source": S.analysed,
        "dest": S.planning,
        "conditions": [_in_plans],
    },
    {
        "trigger": "start_implementation",
        "source": S.planning,
        "dest": S.implementing,
        "conditions": [engagement_active, plan_approved],
    },
    {
        "trigger": "close",
        "source": S.implementing,
        "dest": S.closed,
        "conditions": [engagement_active, plan_closed],
    },
    {
        "trigger": "record_partnership",
        "source": S.closed,
        "dest": S.partner,
        "conditions": [_in_plans],
    },
    {
        "trigger": "record_conditional_partnership",
        "source": S.closed,
        "dest": S.conditional_partner,
        "conditions": [_in_plans],
    },
    {
        "trigger": "record_no_partnership",
        "source": S.closed,
        "dest": S.no_partnership,
        "conditions": [_in_plans],
    },
    {
        "trigger": "drop",
        "source": [state for state in S if state not in TERMINAL_PARTICIPATION_STATES],
        "dest": S.dropped,
        "conditions": [engagement_active],
    },
]

PARTICIPATION: Workflow[ParticipationState, ParticipationSnapshot] = Workflow(
    name="participation",
    states=ParticipationState,
    initial=ParticipationState.candidate,
    terminal=TERMINAL_PARTICIPATION_STATES,
    table=TRANSITIONS,
    # Selection and partnership decisions, and drops, always carry their rationale.
    requires_reason=frozenset(
        {
            "select",
            "not_select",
            "record_partnership",
            "record_conditional_partnership",
            "record_no_partnership",
            "drop",
        }
    ),
    state_of=lambda s: s.state,
    subject_of=lambda s: s.name,
    state_noun="state",
)


def available_for_participation(
    snapshot: ParticipationSnapshot,
) -> list[TriggerCheck[ParticipationState]]:
    """Every participation trigger in table order: allowed or not, and why not."""
    return machine.available(PARTICIPATION, snapshot)


def apply_to_participation(
    snapshot: ParticipationSnapshot, trigger: str, reason: str | None = None
) -> ParticipationState:
    """The state the trigger leads to; raises TransitionRefused, ReasonRequired, UnknownTrigger."""
    return machine.apply(PARTICIPATION, snapshot, trigger, reason)
