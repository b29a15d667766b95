"""Workflow refusals as API problems: a refused trigger answers 409 listing what blocks it."""

from collections.abc import Callable
from typing import TypeVar

from service.errors import Conflict
from workflows import ReasonRequired, TransitionRefused

T = TypeVar("T")


def decide(decision: Callable[[], T]) -> T:
    """Run a workflow decision; its refusal becomes a 409 with every unmet condition."""
    try:
        return decision()
    except ReasonRequired as error:
        # Every decision carries its reason: a missing one blocks the transition like a guard.
        blocked = f"{error.trigger} needs a reason"
        raise Conflict(blocked, field="reason", blocked_by=[blocked]) from error
    except TransitionRefused as error:
        raise Conflict(
            f"{error.trigger} is refused: " + "; ".join(error.blocked_by),
            blocked_by=list(error.blocked_by),
        ) from error
