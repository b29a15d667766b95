"""Shared machinery: guards that explain themselves, and checking or applying a trigger."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from transitions import Machine, MachineError

StateT = TypeVar("StateT", bound=StrEnum)
SnapshotT = TypeVar("SnapshotT")


class WorkflowError(Exception):
    """Base class of every error raised by the workflows package."""


class TransitionRefused(WorkflowError):
    """The trigger is not possible now; blocked_by says why, in plain words."""

    def __init__(self, trigger: str, blocked_by: tuple[str, ...]) -> None:
        super().__init__(f"{trigger} is refused: " + "; ".join(blocked_by))
        self.trigger = trigger
        self.blocked_by = blocked_by


class ReasonRequired(WorkflowError, ValueError):
    """The trigger records a decision, so it needs a non-blank reason."""

    def __init__(self, trigger: str) -> None:
        super().__init__(f"{trigger} requires a reason")
        self.trigger = trigger


class UnknownTrigger(WorkflowError, ValueError):
    """The trigger is not in the machine's table."""

    def __init__(self, trigger: str, known: tuple[str, ...]) -> None:
        super().__init__(f"unknown trigger {trigger!r}; known triggers: {', '.join(known)}")
        self.trigger = trigger
        self.known = known


@dataclass(frozen=True)
class Guard(Generic[SnapshotT]):
    """A condition on a snapshot that lists, in words, what is missing for it to hold."""

    name: str
    description: str
    explain: Callable[[SnapshotT], list[str]]

    def reasons(self, snapshot: SnapshotT) -> list[str]:
        """Every unmet part of this condition; empty when it holds."""
        return self.explain(snapshot)

    def __call__(self, snapshot: SnapshotT) -> bool:
        # transitions calls each condition with the trigger's argument, the snapshot.
        return not self.explain(snapshot)


@dataclass(frozen=True)
class TriggerCheck(Generic[StateT]):
    """Whether a trigger is possible now, where it leads, and what blocks it."""

    trigger: str
    allowed: bool
    dest: StateT | None
    blocked_by: tuple[str, ...]
    requires_reason: bool


@dataclass(frozen=True)
class Workflow(Generic[StateT, SnapshotT]):
    """One machine: its states, its transitions table and how to read a snapshot."""

    name: str
    states: type[StateT]
    initial: StateT
    terminal: frozenset[StateT]
    table: list[dict[str, Any]]
    requires_reason: frozenset[str]
    state_of: Callable[[SnapshotT], StateT]
    subject_of: Callable[[SnapshotT], str]
    state_noun: str

    @property
    def triggers(self) -> tuple[str, ...]:
        """Every trigger once, in table order."""
        return tuple(dict.fromkeys(row["trigger"] for row in self.table))


_PLURAL_VERBS = {"has": "have", "is": "are"}


def shortfall(noun: str, predicate: str, names: list[str]) -> list[str]:
    """One reason naming the firms concerned, e.g. "2 candidates have no ...: A, B"."""
    if not names:
        return []
    if len(names) > 1:
        verb, _, rest = predicate.partition(" ")
        noun, predicate = f"{noun}s", f"{_PLURAL_VERBS[verb]} {rest}"
    return [f"{len(names)} {noun} {predicate}: {', '.join(names)}"]


def unless(condition: bool, reason: str) -> list[str]:
    """No reason when the condition holds, else the one reason given."""
    return [] if condition else [reason]


def sources_of(row: dict[str, Any]) -> tuple[Any, ...]:
    """The source states of one table row, whether written as one state or a list."""
    source = row["source"]
    return tuple(source) if isinstance(source, list | tuple) else (source,)


def check(
    workflow: Workflow[StateT, SnapshotT], snapshot: SnapshotT, trigger: str
) -> TriggerCheck[StateT]:
    """Evaluate one trigger against a snapshot, collecting every unmet condition."""
    rows = _rows_for(workflow, trigger)
    state = workflow.state_of(snapshot)
    needs_reason = trigger in workflow.requires_reason
    here = [row for row in rows if state in sources_of(row)]
    if not here:
        wrong_source = _wrong_source_reason(workflow, snapshot, trigger, rows)
        return TriggerCheck(trigger, False, None, (wrong_source,), needs_reason)
    blocked: list[str] = []
    for row in here:  # rows from one source are alternatives, as in transitions
        reasons = [reason for guard in row["conditions"] for reason in guard.reasons(snapshot)]
        if not reasons:
            return TriggerCheck(trigger, True, row["dest"], (), needs_reason)
        blocked.extend(reason for reason in reasons if reason not in blocked)
    dest = here[0]["dest"] if len(here) == 1 else None
    return TriggerCheck(trigger, False, dest, tuple(blocked), needs_reason)


def available(
    workflow: Workflow[StateT, SnapshotT], snapshot: SnapshotT
) -> list[TriggerCheck[StateT]]:
    """Check every trigger of the machine, in table order."""
    return [check(workflow, snapshot, trigger) for trigger in workflow.triggers]


def apply(
    workflow: Workflow[StateT, SnapshotT],
    snapshot: SnapshotT,
    trigger: str,
    reason: str | None = None,
) -> StateT:
    """Run the trigger on a fresh transitions.Machine and return the destination state."""
    _rows_for(workflow, trigger)
    if trigger in workflow.requires_reason and not (reason and reason.strip()):
        raise ReasonRequired(trigger)
    verdict = check(workflow, snapshot, trigger)
    dest = _run_machine(workflow, snapshot, trigger)
    if verdict.allowed and dest is not None and dest == verdict.dest:
        return dest
    if not verdict.allowed and dest is None:
        raise TransitionRefused(trigger, verdict.blocked_by)
    # Unreachable while guards are both the conditions and the explanation; fail loudly if not.
    raise RuntimeError(f"{workflow.name} table and guard explanations disagree on {trigger}")


class _Model:
    """The plain object a machine drives; never a database row, which refuses `trigger`."""

    state: Any


def _run_machine(
    workflow: Workflow[StateT, SnapshotT], snapshot: SnapshotT, trigger: str
) -> StateT | None:
    model = _Model()
    Machine(
        model=model,
        states=workflow.states,
        transitions=workflow.table,
        initial=workflow.state_of(snapshot),
        auto_transitions=False,
    )
    try:
        moved = getattr(model, trigger)(snapshot)
    except MachineError:  # the trigger does not start from the current state
        return None
    return workflow.states(model.state) if moved else None


def _rows_for(workflow: Workflow[StateT, SnapshotT], trigger: str) -> list[dict[str, Any]]:
    rows = [row for row in workflow.table if row["trigger"] == trigger]
    if not rows:
        raise UnknownTrigger(trigger, workflow.triggers)
    return rows


def _wrong_source_reason(
    workflow: Workflow[StateT, SnapshotT],
    snapshot: SnapshotT,
    trigger: str,
    rows: Iterable[dict[str, Any]],
) -> str:
    sources = {source for row in rows for source in sources_of(row)}
    listed = [state.value for state in workflow.states if state in sources]
    noun = workflow.state_noun if len(listed) == 1 else workflow.state_noun + "s"
    return (
        f"{trigger} is only possible in {noun} {', '.join(listed)}; "
        f"{workflow.subject_of(snapshot)} is in {workflow.state_of(snapshot)}"
    )
