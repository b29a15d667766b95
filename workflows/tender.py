"""The tender machine: a call for proposals is drafted, published until its deadline, closed
(the bids open together), evaluated, and then awarded, declared unsuccessful or cancelled.

The clock is passed in (`now`): the server's time decides the deadline and the standstill."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from workflows import machine
from workflows.machine import Guard, TriggerCheck, Workflow, shortfall, unless


class TenderState(StrEnum):
    """Where a tender stands."""

    draft = "draft"
    published = "published"
    closed = "closed"
    evaluated = "evaluated"
    awarded = "awarded"
    unsuccessful = "unsuccessful"
    cancelled = "cancelled"


@dataclass(frozen=True)
class TenderSnapshot:
    """What the tender guards read, computed by the caller; unmet by default."""

    title: str
    state: TenderState
    now: datetime
    deadline_at: datetime | None = None
    clarification_ends_at: datetime | None = None
    lots: int = 0
    empty_lots: tuple[str, ...] = ()  # lots without an action to tender
    criteria_weight: int = 0  # the weights of the criteria, added up
    has_price_criterion: bool = False
    open_to_all: bool = False
    invited: int = 0
    evaluators: int = 0
    undeclared_evaluators: tuple[str, ...] = ()  # no declaration of no conflict yet
    unscored_evaluators: tuple[str, ...] = ()  # have not submitted their scores
    undecided_lots: tuple[str, ...] = ()  # neither awarded nor declared unsuccessful
    awarded_lots: int = 0


def _publishable(s: TenderSnapshot) -> list[str]:
    reasons = unless(s.lots > 0, f"{s.title} has no lot")
    reasons += shortfall("lot", "has no action to tender", list(s.empty_lots))
    if s.deadline_at is None:
        reasons.append("the deadline is not set")
    elif s.deadline_at <= s.now:
        reasons.append(f"the deadline {s.deadline_at.isoformat()} has passed")
    if s.clarification_ends_at is None:
        reasons.append("the clarification period is not set")
    elif s.deadline_at is not None and s.clarification_ends_at >= s.deadline_at:
        reasons.append("the clarification period does not end before the deadline")
    reasons += unless(
        s.criteria_weight == 100,
        f"the criteria weights add up to {s.criteria_weight}, not 100",
    )
    reasons += unless(s.has_price_criterion, "there is no price criterion")
    reasons += unless(s.open_to_all or s.invited > 0, "no provider is invited")
    return reasons


def _evaluated(s: TenderSnapshot) -> list[str]:
    reasons = unless(s.evaluators > 0, "no evaluator is assigned")
    reasons += shortfall(
        "evaluator", "has not declared no conflict of interest", list(s.undeclared_evaluators)
    )
    reasons += shortfall("evaluator", "has not submitted scores", list(s.unscored_evaluators))
    return reasons


ready_to_publish = Guard[TenderSnapshot](
    "ready_to_publish",
    "lots with actions, a future deadline after the clarification period, criteria weighing "
    "100 with a price criterion, and invited providers or an open call",
    _publishable,
)
deadline_passed = Guard[TenderSnapshot](
    "deadline_passed",
    "the deadline has passed by the server's clock",
    lambda s: unless(
        s.deadline_at is not None and s.now >= s.deadline_at,
        f"bids are sealed until the deadline {s.deadline_at.isoformat() if s.deadline_at else ''}",
    ),
)
scores_submitted = Guard[TenderSnapshot](
    "scores_submitted",
    "assigned evaluators, each declared without conflict, have all submitted their scores",
    _evaluated,
)
every_lot_decided = Guard[TenderSnapshot](
    "every_lot_decided",
    "every lot is awarded or declared unsuccessful, and at least one is awarded",
    lambda s: (
        shortfall("lot", "is not decided", list(s.undecided_lots))
        + unless(s.awarded_lots > 0 or bool(s.undecided_lots), "no lot is awarded")
    ),
)
no_lot_awarded = Guard[TenderSnapshot](
    "no_lot_awarded",
    "no lot is awarded",
    lambda s: unless(s.awarded_lots == 0, f"{s.awarded_lots} lot(s) are awarded"),
)

TRANSITIONS: list[dict[str, Any]] = [
    {
        "trigger": "publish",
        "source": TenderState.draft,
        "dest": TenderState.published,
        "conditions": [ready_to_publish],
    },
    {
        "trigger": "close",
        "source": TenderState.published,
        "dest": TenderState.closed,
        "conditions": [deadline_passed],
    },
    {
        "trigger": "complete_evaluation",
        "source": TenderState.closed,
        "dest": TenderState.evaluated,
        "conditions": [scores_submitted],
    },
    {
        "trigger": "award",
        "source": TenderState.evaluated,
        "dest": TenderState.awarded,
        "conditions": [every_lot_decided],
    },
    {
        "trigger": "declare_unsuccessful",
        "source": [TenderState.closed, TenderState.evaluated],
        "dest": TenderState.unsuccessful,
        "conditions": [no_lot_awarded],
    },
    {
        "trigger": "cancel",
        "source": [TenderState.draft, TenderState.published, TenderState.closed],
        "dest": TenderState.cancelled,
        "conditions": [],
    },
]

TENDER: Workflow[TenderState, TenderSnapshot] = Workflow(
    name="tender",
    states=TenderState,
    initial=TenderState.draft,
    terminal=frozenset({TenderState.awarded, TenderState.unsuccessful, TenderState.cancelled}),
    table=TRANSITIONS,
    requires_reason=frozenset({"declare_unsuccessful", "cancel"}),
    state_of=lambda s: s.state,
    subject_of=lambda s: s.title,
    state_noun="state",
)


def available_for_tender(snapshot: TenderSnapshot) -> list[TriggerCheck[TenderState]]:
    """Every tender trigger: allowed or not, and why not."""
    return machine.available(TENDER, snapshot)


def apply_to_tender(
    snapshot: TenderSnapshot, trigger: str, reason: str | None = None
) -> TenderState:
    """The state the trigger leads to; raises TransitionRefused, ReasonRequired, UnknownTrigger."""
    return machine.apply(TENDER, snapshot, trigger, reason)
