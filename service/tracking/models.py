"""Tracking has no tables of its own: it reads the plans'. Its inputs are the filters of the
programme-wide lists, and the plan and action states those lists follow."""

import uuid
from dataclasses import dataclass
from enum import StrEnum

from workflows import PlanState
from workflows.plan_health import ActionStatus

# Plans whose actions and reviews are being carried out.
UNDER_WAY = (PlanState.approved, PlanState.in_progress)
OPEN_ACTION = (ActionStatus.planned, ActionStatus.in_progress)


@dataclass(frozen=True)
class Filters:
    """Narrow a programme-wide list to one broker's engagements, one buyer's, or the plans
    one provider delivers actions to."""

    broker_id: uuid.UUID | None = None
    buyer_id: uuid.UUID | None = None
    provider_id: uuid.UUID | None = None


class OverdueSort(StrEnum):
    """Orders of the overdue actions: by due date (oldest first, the default) or by folded
    title; `-` descends."""

    due_on = "due_on"
    due_on_desc = "-due_on"
    by_title = "title"  # not `title`: str.title is a method
    by_title_desc = "-title"
