"""The supplier development process, pure: states, transitions tables and explaining guards."""

from workflows.analysis import (
    AnalysisSnapshot,
    AnalysisState,
    apply_to_analysis,
    available_for_analysis,
)
from workflows.audit import AuditSnapshot, AuditState, apply_to_audit, available_for_audit
from workflows.description import describe, mermaid
from workflows.engagement import (
    EngagementSnapshot,
    ParticipationFacts,
    apply,
    available,
    can_add_candidate,
    candidate_addition_blocked_by,
    held_phase_after,
)
from workflows.machine import (
    ReasonRequired,
    TransitionRefused,
    TriggerCheck,
    UnknownTrigger,
    WorkflowError,
)
from workflows.participation import (
    ParticipationSnapshot,
    apply_to_participation,
    available_for_participation,
)
from workflows.plan import PlanSnapshot, PlanState, apply_to_plan, available_for_plan
from workflows.states import ParticipationState, Phase
from workflows.tender import TenderSnapshot, TenderState, apply_to_tender, available_for_tender

__all__ = [
    "AnalysisSnapshot",
    "AnalysisState",
    "AuditSnapshot",
    "AuditState",
    "EngagementSnapshot",
    "ParticipationFacts",
    "ParticipationSnapshot",
    "ParticipationState",
    "Phase",
    "PlanSnapshot",
    "PlanState",
    "ReasonRequired",
    "TenderSnapshot",
    "TenderState",
    "TransitionRefused",
    "TriggerCheck",
    "UnknownTrigger",
    "WorkflowError",
    "apply",
    "apply_to_analysis",
    "apply_to_audit",
    "apply_to_participation",
    "apply_to_plan",
    "apply_to_tender",
    "available",
    "available_for_analysis",
    "available_for_audit",
    "available_for_participation",
    "available_for_plan",
    "available_for_tender",
    "can_add_candidate",
    "candidate_addition_blocked_by",
    "describe",
    "held_phase_after",
    "mermaid",
]
