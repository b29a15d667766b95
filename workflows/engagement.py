"""The engagement machine: the facts its guards read, its transitions table and its API."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from workflows import machine
from workflows.machine import Guard, TriggerCheck, Workflow, shortfall, unless
from workflows.states import (
    ACTIVE_PHASES,
    SELECTED_TRACK,
    TERMINAL_PHASES,
    UNDECIDED,
    ParticipationState,
    Phase,
)


@dataclass(frozen=True)
class ParticipationFacts:
    """What the engagement guards need to know about one supplier; unmet by default."""

    name: str  # the supplier firm's name, used in reasons
    state: ParticipationState
    has_reviewed_evaluation_audit: bool = False
    attended_round_table: bool = False
    has_agreed_targets: bool = False
    has_approved_analysis: bool = False  # approved, >=1 finding, baselines for targeted KPIs
    plan_closed: bool = False
    has_partnership_decision: bool = False


@dataclass(frozen=True)
class EngagementSnapshot:
    """Everything the engagement guards read, computed by the caller; unmet by default."""

    phase: Phase
    held_phase: Phase | None = None
    buyer_name: str = "the buyer"
    has_broker: bool = False
    participations: tuple[ParticipationFacts, ...] = ()
    round_table_held_with_minutes: bool = False
    buyer_attended_round_table: bool = False
    buyer_has_approved_analysis: bool = False
    buyer_plan_closed: bool = False

    @property
    def active_candidates(self) -> list[ParticipationFacts]:
        """Participations that have not been dropped."""
        return [p for p in self.participations if p.state != ParticipationState.dropped]

    @property
    def selected_suppliers(self) -> list[ParticipationFacts]:
        """Participations on the selected track (dropped ones are not on it)."""
        return [p for p in self.participations if p.state in SELECTED_TRACK]

    @property
    def buyer(self) -> str:
        """The buyer as reasons name it: "the buyer Ron Caribe", or just "the buyer"."""
        name = self.buyer_name.strip()
        return "the buyer" if name in ("", "the buyer") else f"the buyer {name}"


def _guard(
    name: str, description: str, explain: Callable[[EngagementSnapshot], list[str]]
) -> Guard[EngagementSnapshot]:
    return Guard[EngagementSnapshot](name, description, explain)


broker_assigned = _guard(
    "broker_assigned",
    "a broker is assigned",
    lambda s: unless(s.has_broker, "no broker is assigned"),
)
candidate_listed = _guard(
    "candidate_listed",
    "at least one active candidate is listed",
    lambda s: unless(bool(s.active_candidates), "no active candidate is listed"),
)
all_candidates_evaluated = _guard(
    "all_candidates_evaluated",
    "every active candidate has a reviewed evaluation audit",
    lambda s: shortfall(
        "candidate",
        "has no reviewed evaluation audit",
        [p.name for p in s.active_candidates if not p.has_reviewed_evaluation_audit],
    ),
)
all_candidates_decided = _guard(
    "all_candidates_decided",
    "every active candidate has a selection decision",
    lambda s: shortfall(
        "candidate",
        "has no selection decision",
        [p.name for p in s.active_candidates if p.state in UNDECIDED],
    ),
)
supplier_selected = _guard(
    "supplier_selected",
    "at least one supplier is selected",
    lambda s: unless(bool(s.selected_suppliers), "no supplier is selected"),
)
round_table_held_with_minutes = _guard(
    "round_table_held_with_minutes",
    "a round table has been held with minutes",
    lambda s: unless(s.round_table_held_with_minutes, "no round table has been held with minutes"),
)
buyer_attended_round_table = _guard(
    "buyer_attended_round_table",
    "the buyer has attended a round table",
    lambda s: unless(s.buyer_attended_round_table, f"{s.buyer} has not attended a round table"),
)
all_selected_suppliers_attended = _guard(
    "all_selected_suppliers_attended",
    "every selected supplier has attended a round table",
    lambda s: shortfall(
        "selected supplier",
        "has not attended a round table",
        [p.name for p in s.selected_suppliers if not p.attended_round_table],
    ),
)
all_selected_suppliers_agreed_targets = _guard(
    "all_selected_suppliers_agreed_targets",
    "every selected supplier has agreed targets",
    lambda s: shortfall(
        "selected supplier",
        "has no agreed targets",
        [p.name for p in s.selected_suppliers if not p.has_agreed_targets],
    ),
)
all_selected_suppliers_analysed = _guard(
    "all_selected_suppliers_analysed",
    "every selected supplier has an approved analysis",
    lambda s: shortfall(
        "selected supplier",
        "has no approved analysis",
        [p.name for p in s.selected_suppliers if not p.has_approved_analysis],
    ),
)
buyer_analysed = _guard(
    "buyer_analysed",
    "the buyer has an approved analysis",
    lambda s: unless(s.buyer_has_approved_analysis, f"{s.buyer} has no approved analysis"),
)
all_selected_plans_closed = _guard(
    "all_selected_plans_closed",
    "every selected supplier's plan is closed",
    lambda s: shortfall(
        "selected supplier",
        "has no closed plan",
        [p.name for p in s.selected_suppliers if not p.plan_closed],
    ),
)
buyer_plan_closed = _guard(
    "buyer_plan_closed",
    "the buyer's plan is closed",
    lambda s: unless(s.buyer_plan_closed, f"{s.buyer} has no closed plan"),
)
all_partnerships_decided = _guard(
    "all_partnerships_decided",
    "every selected supplier has a partnership decision",
    lambda s: shortfall(
        "selected supplier",
        "has no partnership decision",
        [p.name for p in s.selected_suppliers if not p.has_partnership_decision],
    ),
)


def held_in(phase: Phase) -> Guard[EngagementSnapshot]:
    """The guard of the resume row that leads back to `phase`."""

    def explain(s: EngagementSnapshot) -> list[str]:
        if s.held_phase == phase:
            return []
        if s.held_phase is None:
            return ["no held phase is recorded to resume to"]
        if s.held_phase not in ACTIVE_PHASES:
            return [f"the held phase {s.held_phase} is not an active phase"]
        return [f"the engagement was held in {s.held_phase}, not {phase}"]

    return _guard(f"held_in_{phase}", f"the engagement was held in {phase}", explain)


# Rows for one trigger from one source are alternatives: resume has one row per held phase.
TRANSITIONS: list[dict[str, Any]] = [
    {
        "trigger": "start_evaluation",
        "source": Phase.enrolment,
        "dest": Phase.supplier_evaluation,
        "conditions": [broker_assigned, candidate_listed],
    },
    {
        "trigger": "convene_round_tables",
        "source": Phase.supplier_evaluation,
        "dest": Phase.round_tables,
        "conditions": [all_candidates_evaluated, all_candidates_decided, supplier_selected],
    },
    {
        "trigger": "start_analysis",
        "source": Phase.round_tables,
        "dest": Phase.improvement_analysis,
        "conditions": [
            supplier_selected,
            round_table_held_with_minutes,
            buyer_attended_round_table,
            all_selected_suppliers_attended,
            all_selected_suppliers_agreed_targets,
        ],
    },
    {
        "trigger": "start_plans",
        "source": Phase.improvement_analysis,
        "dest": Phase.improvement_plans,
        "conditions": [supplier_selected, all_selected_suppliers_analysed, buyer_analysed],
    },
    {
        "trigger": "complete",
        "source": Phase.improvement_plans,
        "dest": Phase.completed,
        "conditions": [
            supplier_selected,
            all_selected_plans_closed,
            buyer_plan_closed,
            all_partnerships_decided,
        ],
    },
    {"trigger": "hold", "source": list(ACTIVE_PHASES), "dest": Phase.on_hold, "conditions": []},
    *(
        {
            "trigger": "resume",
            "source": Phase.on_hold,
            "dest": phase,
            "conditions": [held_in(phase)],
        }
        for phase in ACTIVE_PHASES
    ),
    {
        "trigger": "withdraw",
        "source": [*ACTIVE_PHASES, Phase.on_hold],
        "dest": Phase.withdrawn,
        "conditions": [],
    },
]

ENGAGEMENT: Workflow[Phase, EngagementSnapshot] = Workflow(
    name="engagement",
    states=Phase,
    initial=Phase.enrolment,
    terminal=TERMINAL_PHASES,
    table=TRANSITIONS,
    requires_reason=frozenset({"hold", "withdraw"}),
    state_of=lambda s: s.phase,
    subject_of=lambda s: "the engagement",
    state_noun="phase",
)

# Candidates can be added until round tables start (DESIGN §2).
_CANDIDATE_PHASES = (Phase.enrolment, Phase.supplier_evaluation)


def available(snapshot: EngagementSnapshot) -> list[TriggerCheck[Phase]]:
    """Every engagement trigger in table order: allowed or not, and why not."""
    return machine.available(ENGAGEMENT, snapshot)


def apply(snapshot: EngagementSnapshot, trigger: str, reason: str | None = None) -> Phase:
    """The phase the trigger leads to; raises TransitionRefused, ReasonRequired, UnknownTrigger."""
    return machine.apply(ENGAGEMENT, snapshot, trigger, reason)


def held_phase_after(snapshot: EngagementSnapshot, trigger: str) -> Phase | None:
    """The held_phase to store after an applied trigger: set by hold, cleared by resume."""
    if trigger == "hold":
        return snapshot.phase
    if trigger == "resume":
        return None
    return snapshot.held_phase


def candidate_addition_blocked_by(phase: Phase) -> str | None:
    """Why no candidate can be added in this phase, or None when one can."""
    if phase in _CANDIDATE_PHASES:
        return None
    return (
        "candidates can only be added in phases enrolment, supplier_evaluation; "
        f"the engagement is in {phase}"
    )


def can_add_candidate(phase: Phase) -> bool:
    """Whether a candidate supplier can be added to an engagement in this phase."""
    return candidate_addition_blocked_by(phase) is None
