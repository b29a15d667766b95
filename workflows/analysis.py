"""The improvement-analysis machine: draft → approved, and reopening with a reason."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from workflows import machine
from workflows.machine import Guard, TriggerCheck, Workflow, unless


class AnalysisState(StrEnum):
    """Where an improvement analysis stands."""

    draft = "draft"
    approved = "approved"


@dataclass(frozen=True)
class AnalysisSnapshot:
    """What the analysis guards read."""

    firm: str
    state: AnalysisState
    findings: int = 0
    missing_baselines: tuple[str, ...] = ()  # targeted KPIs without a baseline value
    in_analysis_phase: bool = True


def _complete(s: AnalysisSnapshot) -> list[str]:
    reasons = unless(s.findings > 0, f"the analysis of {s.firm} has no finding")
    if s.missing_baselines:
        count = len(s.missing_baselines)
        noun = "targeted KPI has" if count == 1 else "targeted KPIs have"
        reasons.append(f"{count} {noun} no baseline: {', '.join(s.missing_baselines)}")
    return reasons


findings_and_baselines = Guard[AnalysisSnapshot](
    "findings_and_baselines",
    "at least one finding, and a baseline for every targeted KPI",
    _complete,
)
in_analysis_phase = Guard[AnalysisSnapshot](
    "in_analysis_phase",
    "the engagement is in phase improvement_analysis",
    lambda s: unless(s.in_analysis_phase, "the engagement is not in phase improvement_analysis"),
)

TRANSITIONS: list[dict[str, Any]] = [
    {
        "trigger": "approve",
        "source": AnalysisState.draft,
        "dest": AnalysisState.approved,
        "conditions": [in_analysis_phase, findings_and_baselines],
    },
    {
        "trigger": "reopen",
        "source": AnalysisState.approved,
        "dest": AnalysisState.draft,
        "conditions": [],
    },
]

ANALYSIS: Workflow[AnalysisState, AnalysisSnapshot] = Workflow(
    name="analysis",
    states=AnalysisState,
    initial=AnalysisState.draft,
    terminal=frozenset(),
    table=TRANSITIONS,
    requires_reason=frozenset({"reopen"}),
    state_of=lambda s: s.state,
    subject_of=lambda s: f"the analysis of {s.firm}",
    state_noun="state",
)


def available_for_analysis(snapshot: AnalysisSnapshot) -> list[TriggerCheck[AnalysisState]]:
    """Every analysis trigger: allowed or not, and why not."""
    return machine.available(ANALYSIS, snapshot)


def apply_to_analysis(
    snapshot: AnalysisSnapshot, trigger: str, reason: str | None = None
) -> AnalysisState:
    """The state the trigger leads to; raises TransitionRefused, ReasonRequired, UnknownTrigger."""
    return machine.apply(ANALYSIS, snapshot, trigger, reason)
