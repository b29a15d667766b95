"""The audit machine: draft → submitted → reviewed, and reopening with a reason."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from workflows import machine
from workflows.machine import Guard, TriggerCheck, Workflow, unless


class AuditState(StrEnum):
    """Where an audit stands."""

    draft = "draft"
    submitted = "submitted"
    reviewed = "reviewed"


@dataclass(frozen=True)
class AuditSnapshot:
    """What the audit guards read: the state and what is still missing, in words."""

    firm: str
    state: AuditState
    missing_answers: tuple[str, ...] = ()  # question ids without an answer or N/A
    missing_evidence: tuple[str, ...] = ()  # question ids whose required evidence is absent
    engagement_active: bool = True


def _complete(s: AuditSnapshot) -> list[str]:
    reasons = []
    if s.missing_answers:
        count = len(s.missing_answers)
        noun = "question has" if count == 1 else "questions have"
        reasons.append(f"{count} {noun} no answer: {', '.join(s.missing_answers)}")
    if s.missing_evidence:
        count = len(s.missing_evidence)
        noun = "question lacks" if count == 1 else "questions lack"
        reasons.append(f"{count} {noun} required evidence: {', '.join(s.missing_evidence)}")
    return reasons


every_answer_given = Guard[AuditSnapshot](
    "every_answer_given",
    "every question is answered or marked not applicable, with its required evidence",
    _complete,
)
engagement_active = Guard[AuditSnapshot](
    "engagement_active",
    "the engagement is active",
    lambda s: unless(s.engagement_active, "the engagement is not active"),
)

TRANSITIONS: list[dict[str, Any]] = [
    {
        "trigger": "submit",
        "source": AuditState.draft,
        "dest": AuditState.submitted,
        "conditions": [engagement_active, every_answer_given],
    },
    {
        "trigger": "review",
        "source": AuditState.submitted,
        "dest": AuditState.reviewed,
        "conditions": [engagement_active],
    },
    {
        "trigger": "reopen",
        "source": [AuditState.submitted, AuditState.reviewed],
        "dest": AuditState.draft,
        "conditions": [],
    },
]

AUDIT: Workflow[AuditState, AuditSnapshot] = Workflow(
    name="audit",
    states=AuditState,
    initial=AuditState.draft,
    terminal=frozenset(),
    table=TRANSITIONS,
    requires_reason=frozenset({"reopen"}),
    state_of=lambda s: s.state,
    subject_of=lambda s: f"the audit of {s.firm}",
    state_noun="state",
)


def available_for_audit(snapshot: AuditSnapshot) -> list[TriggerCheck[AuditState]]:
    """Every audit trigger: allowed or not, and why not."""
    return machine.available(AUDIT, snapshot)


def apply_to_audit(snapshot: AuditSnapshot, trigger: str, reason: str | None = None) -> AuditState:
    """The state the trigger leads to; raises TransitionRefused, ReasonRequired, UnknownTrigger."""
    return machine.apply(AUDIT, snapshot, trigger, reason)
