"""Action use cases: add an action with its funding shares, and report its progress, status
or actual cost; each bumps a version, writes the plan's Event and commits once."""

import uuid
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from service.accounts.models import User
from service.errors import Conflict, NotFound, Unprocessable
from service.plans.models import (
    Action,
    ActionCreate,
    ActionStatus,
    ActionUpdate,
    FundingShare,
    Plan,
)
from service.plans.queries import findings_of_firm
from service.plans.service import plan_event, require_state
from service.programmes.calendar import ends_on
from service.programmes.models import Organization, OrganizationKind
from service.versioning import bump_version, check_version
from workflows import PlanState

# Plans whose actions can still be added or changed.
OPEN_PLAN = frozenset(
    {PlanState.draft, PlanState.submitted, PlanState.approved, PlanState.in_progress}
)
# Where each action status may go next.
NEXT_STATUS = {
    ActionStatus.planned: {ActionStatus.in_progress, ActionStatus.done, ActionStatus.cancelled},
    ActionStatus.in_progress: {ActionStatus.done, ActionStatus.cancelled},
    ActionStatus.done: set(),
    ActionStatus.cancelled: set(),
}


def add_action(
    *, session: Session, actor: User, plan: Plan, data: ActionCreate, version: int
) -> Action:
    """An action with its funding shares; the plan's version moves on."""
    check_version(plan.version, version)
    require_state(plan, OPEN_PLAN, "actions are added to plans not yet in final review")
    _check_action(session, plan, data)
    action = _new_action(plan, data)
    session.add(action)
    session.flush()
    session.add_all(
        FundingShare(
            action_id=action.id,
            position=position,
            payer=share.payer,
            organization_id=share.organization_id,
            percent=Decimal(share.percent),
        )
        for position, share in enumerate(data.funding)
    )
    bump_version(session, Plan, plan.id, version)
    plan_event(session, plan, actor, "add_action", reason=f"{data.category.value}: {data.title}")
    session.commit()
    session.refresh(action)
    return action


def _new_action(plan: Plan, data: ActionCreate) -> Action:
    """The action as asked for, in the plan."""
    return Action(
        programme_id=plan.programme_id,
        plan_id=plan.id,
        category=data.category,
        title=data.title,
        description=data.description,
        finding_ids=[str(finding_id) for finding_id in data.finding_ids],
        owner=data.owner,
        provider_id=data.provider_id,
        starts_on=data.starts_on,
        due_on=data.due_on,
        estimated_cost=Decimal(data.estimated_cost),
    )


def _check_action(session: Session, plan: Plan, data: ActionCreate) -> None:
    """Dates inside the plan window, shares adding up to 100, known findings and payers."""
    end = ends_on(plan)
    where = repr(data.title)
    if data.starts_on < plan.starts_on:
        raise Unprocessable(
            f"action {where} starts before the plan ({plan.starts_on})", field="starts_on"
        )
    if data.due_on > end:
        raise Unprocessable(f"action {where} is due after the plan ends ({end})", field="due_on")
    if data.due_on < data.starts_on:
        raise Unprocessable(f"action {where} is due before it starts", field="due_on")
    total = sum((Decimal(share.percent) for share in data.funding), Decimal(0))
    if total != 100:
        raise Unprocessable(
            f"the funding shares of action {where} add up to {total} %, not 100 %",
            field="funding",
        )
    findings = {str(f.id) for f in findings_of_firm(session, plan)}
    for n, finding_id in enumerate(data.finding_ids):
        if str(finding_id) not in findings:
            raise NotFound("no finding of this firm's analysis", field=f"finding_ids.{n}")
    if data.provider_id is not None:
        _require_organization(session, plan, data.provider_id, "provider_id", provider=True)
    for n, share in enumerate(data.funding):
        if share.organization_id is not None:
            _require_organization(
                session, plan, share.organization_id, f"funding.{n}.organization_id"
            )


def _require_organization(
    session: Session, plan: Plan, organization_id: uuid.UUID, field: str, provider: bool = False
) -> None:
    organization = session.get(Organization, organization_id)
    if organization is None or organization.programme_id != plan.programme_id:
        raise NotFound("no such organization in this programme", field=field)
    if provider and organization.kind != OrganizationKind.provider:
        raise NotFound("no such provider in this programme", field=field)


def update_action(
    *, session: Session, actor: User, plan: Plan, action: Action, data: ActionUpdate, version: int
) -> Action:
    """Report progress, move the status on, or record the actual cost. Values sent back as
    they were read change nothing (no new version, no event), even once the plan is settled."""
    check_version(action.version, version)
    changes = data.model_dump(exclude_unset=True)
    if not changes:
        raise Unprocessable(
            "nothing to change: send status, progress, actual_cost or cancel_reason",
            field="status",
        )
    if "actual_cost" in changes and changes["actual_cost"] is not None:
        changes["actual_cost"] = Decimal(changes["actual_cost"])
    changes = {name: value for name, value in changes.items() if getattr(action, name) != value}
    if not changes:
        return action
    require_state(plan, OPEN_PLAN, "actions of plans in final review or closed are settled")
    _check_status(action, changes)
    _check_done(action, changes)
    bump_version(session, Action, action.id, version, **changes)
    detail = ", ".join(f"{name} {value}" for name, value in sorted(changes.items()))
    plan_event(session, plan, actor, "update_action", reason=f"{action.title}: {detail}")
    session.commit()
    session.refresh(action)
    return action


def _check_done(action: Action, changes: dict[str, Any]) -> None:
    """A done action is finished (progress 100) and its actual cost is known: a contradiction
    is refused rather than silently corrected."""
    if changes.get("status", action.status) != ActionStatus.done:
        return
    progress = changes.get("progress", 100 if "status" in changes else action.progress)
    if progress != 100:
        raise Unprocessable(
            f"a done action has progress 100, not {progress}: send progress 100 or leave it out",
            field="progress",
        )
    changes["progress"] = 100
    if changes.get("actual_cost", action.actual_cost) is None:
        raise Unprocessable(
            "an action is done with its actual cost: send actual_cost with status done",
            field="actual_cost",
        )


def _check_status(action: Action, changes: dict[str, Any]) -> None:
    """The status moves only forward, and a cancellation carries its reason."""
    status = changes.get("status", action.status)
    if status != action.status and status not in NEXT_STATUS[action.status]:
        raise Conflict(
            f"an action that is {action.status.value} cannot become {status}",
            field="status",
        )
    if status == ActionStatus.cancelled and not (
        changes.get("cancel_reason") or action.cancel_reason
    ):
        raise Unprocessable("a cancelled action needs cancel_reason", field="cancel_reason")
    if changes.get("cancel_reason") is not None and status != ActionStatus.cancelled:
        raise Unprocessable("cancel_reason goes with status cancelled", field="cancel_reason")
