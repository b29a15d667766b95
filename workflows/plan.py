"""The integrated improvement plan machine: drafted, approved by every party, carried out
month by month, reviewed at the end and closed on a final audit."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from workflows import machine
from workflows.machine import Guard, TriggerCheck, Workflow, shortfall, unless


class PlanState(StrEnum):
    """Where an improvement plan stands."""

    draft = "draft"
    submitted = "submitted"
    approved = "approved"
    in_progress = "in_progress"
    final_review = "final_review"
    closed = "closed"
    cancelled = "cancelled"  # its supplier dropped out: settled, open actions cancelled


@dataclass(frozen=True)
class PlanSnapshot:
    """What the plan guards read, computed by the caller; unmet by default."""

    firm: str
    state: PlanState
    today: date
    starts_on: date
    ends_on: date
    has_training_or_assistance: bool = False
    unaddressed_major_findings: tuple[str, ...] = ()  # descriptions of major findings
    missing_approvals: tuple[str, ...] = ("the broker",)  # parties yet to approve
    final_audit_reviewed: bool = False
    missing_final_kpis: tuple[str, ...] = ()  # KPIs with a baseline but no final value
    in_plans_phase: bool = True
    supplier_dropped: bool = False  # its participation was dropped


def _ready(s: PlanSnapshot) -> list[str]:
    reasons = unless(
        s.has_training_or_assistance,
        f"the plan of {s.firm} has no training or technical assistance action",
    )
    reasons += shortfall(
        "major finding", "has no action addressing it", list(s.unaddressed_major_findings)
    )
    return reasons


def _final(s: PlanSnapshot) -> list[str]:
    reasons = unless(
        s.final_audit_reviewed,
        f"{s.firm} has no reviewed final audit with the template of its evaluation",
    )
    reasons += shortfall("KPI", "has a baseline but no final value", list(s.missing_final_kpis))
    return reasons


in_plans_phase = Guard[PlanSnapshot](
    "in_plans_phase",
    "the engagement is in phase improvement_plans",
    lambda s: unless(s.in_plans_phase, "the engagement is not in phase improvement_plans"),
)
ready_to_submit = Guard[PlanSnapshot](
    "ready_to_submit",
    "a training or technical-assistance action, and an action for every major finding",
    _ready,
)
approved_by_all = Guard[PlanSnapshot](
    "approved_by_all",
    "approved by the broker and the buyer, and by the supplier for a supplier's plan",
    lambda s: [f"{party} has not approved the plan" for party in s.missing_approvals],
)
started = Guard[PlanSnapshot](
    "started",
    "the plan's start date has come",
    lambda s: unless(s.today >= s.starts_on, f"the plan starts on {s.starts_on.isoformat()}"),
)
last_month_over = Guard[PlanSnapshot](
    "last_month_over",
    "the plan's last month is over",
    lambda s: unless(s.today >= s.ends_on, f"the plan runs until {s.ends_on.isoformat()}"),
)
supplier_dropped = Guard[PlanSnapshot](
    "supplier_dropped",
    "its supplier was dropped from the engagement (dropping the supplier cancels the plan)",
    lambda s: unless(s.supplier_dropped, f"the supplier of {s.firm} was not dropped"),
)
final_results = Guard[PlanSnapshot](
    "final_results",
    "a reviewed final audit with the evaluation's template, and final values of the baseline KPIs",
    _final,
)

TRANSITIONS: list[dict[str, Any]] = [
    {
        "trigger": "submit",
        "source": PlanState.draft,
        "dest": PlanState.submitted,
        "conditions": [in_plans_phase, ready_to_submit],
    },
    {
        "trigger": "return_to_draft",
        "source": PlanState.submitted,
        "dest": PlanState.draft,
        "conditions": [],
    },
    {
        "trigger": "approve",
        "source": PlanState.submitted,
        "dest": PlanState.approved,
        "conditions": [in_plans_phase, approved_by_all],
    },
    {
        "trigger": "start",
        "source": PlanState.approved,
        "dest": PlanState.in_progress,
        "conditions": [in_plans_phase, started],
    },
    {
        "trigger": "finish",
        "source": PlanState.in_progress,
        "dest": PlanState.final_review,
        "conditions": [in_plans_phase, last_month_over],
    },
    {
        "trigger": "close",
        "source": PlanState.final_review,
        "dest": PlanState.closed,
        "conditions": [in_plans_phase, final_results],
    },
    {
        # Only when its supplier is dropped (service/plans/settlement.py): never a route.
        "trigger": "cancel",
        "source": [
            PlanState.draft,
            PlanState.submitted,
            PlanState.approved,
            PlanState.in_progress,
            PlanState.final_review,
        ],
        "dest": PlanState.cancelled,
        "conditions": [supplier_dropped],
    },
]

PLAN: Workflow[PlanState, PlanSnapshot] = Workflow(
    name="plan",
    states=PlanState,
    initial=PlanState.draft,
    terminal=frozenset({PlanState.closed, PlanState.cancelled}),
    table=TRANSITIONS,
    requires_reason=frozenset({"return_to_draft", "cancel"}),
    state_of=lambda s: s.state,
    subject_of=lambda s: f"the plan of {s.firm}",
    state_noun="state",
)


def available_for_plan(snapshot: PlanSnapshot) -> list[TriggerCheck[PlanState]]:
    """Every plan trigger: allowed or not, and why not."""
    return machine.available(PLAN, snapshot)


def apply_to_plan(snapshot: PlanSnapshot, trigger: str, reason: str | None = None) -> PlanState:
    """The state the trigger leads to; raises TransitionRefused, ReasonRequired, UnknownTrigger."""
    return machine.apply(PLAN, snapshot, trigger, reason)
