"""Action use cases: add an action with its funding shares, and report its progress, status
or actual cost; each bumps a version, writes the plan's Event and commits once."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, delete

from service.accounts.models import User
from service.errors import Conflict, Forbidden, NotFound, Unprocessable
from service.plans.models import (
    Action,
    ActionCreate,
    ActionStatus,
    ActionUpdate,
    FundingShare,
    Plan,
    ShareIn,
)
from service.plans.queries import findings_of_firm, shares_of
from service.plans.service import plan_event, require_state
from service.programmes.calendar import ends_on
from service.programmes.models import Organization, OrganizationKind
from service.versioning import bump_version, check_version
from workflows import PlanState

# Plans whose actions can still be added or changed.
OPEN_PLAN = frozenset(
    {PlanState.draft, PlanState.submitted, PlanState.approved, PlanState.in_progress}
)
# What an action is, as agreed in its plan: changed only while the plan is a draft.
EDITABLE = frozenset(
    {"category", "title", "description", "owner", "provider_id", "starts_on", "due_on",
     "estimated_cost"}
)  # fmt: skip
FROZEN = (
    "an action's title, description, person responsible, category, provider, dates, "
    "estimated cost and funding are frozen once its plan is submitted, because the parties "
    "approve the plan as it was submitted: return the plan to draft to change them"
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
    _add_funding(session, action.id, data.funding)
    bump_version(session, Plan, plan.id, version)
    plan_event(session, plan, actor, "add_action", reason=f"{data.category.value}: {data.title}")
    session.commit()
    session.refresh(action)
    return action


def _add_funding(session: Session, action_id: uuid.UUID, funding: list[ShareIn]) -> None:
    session.add_all(
        FundingShare(
            action_id=action_id,
            position=position,
            payer=share.payer,
            organization_id=share.organization_id,
            percent=Decimal(share.percent),
        )
        for position, share in enumerate(funding)
    )


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
    _check_dates(plan, data.title, data.starts_on, data.due_on)
    _check_funding(session, plan, data.title, data.funding)
    findings = {str(f.id) for f in findings_of_firm(session, plan)}
    for n, finding_id in enumerate(data.finding_ids):
        if str(finding_id) not in findings:
            raise NotFound("no finding of this firm's analysis", field=f"finding_ids.{n}")
    if data.provider_id is not None:
        _require_organization(session, plan, data.provider_id, "provider_id", provider=True)


def _check_dates(plan: Plan, title: str, starts_on: date, due_on: date) -> None:
    """An action starts and ends inside its plan's window, and ends after it starts."""
    end = ends_on(plan)
    where = repr(title)
    if starts_on < plan.starts_on:
        raise Unprocessable(
            f"action {where} starts before the plan ({plan.starts_on})", field="starts_on"
        )
    if due_on > end:
        raise Unprocessable(f"action {where} is due after the plan ends ({end})", field="due_on")
    if due_on < starts_on:
        raise Unprocessable(f"action {where} is due before it starts", field="due_on")


def _check_funding(session: Session, plan: Plan, title: str, funding: list[ShareIn]) -> None:
    """Shares adding up to exactly 100, paid by organizations of the programme."""
    total = sum((Decimal(share.percent) for share in funding), Decimal(0))
    if total != 100:
        raise Unprocessable(
            f"the funding shares of action {title!r} add up to {total} %, not 100 %",
            field="funding",
        )
    for n, share in enumerate(funding):
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
    *,
    session: Session,
    actor: User,
    plan: Plan,
    action: Action,
    data: ActionUpdate,
    version: int,
    may_edit: bool,
) -> Action:
    """Report progress, move the status on, or record the actual cost; while the plan is in
    draft, the caller who may write the plan also changes what the action is (EDITABLE).
    Values sent back as they were read change nothing (no new version, no event), even once
    the plan is settled."""
    check_version(action.version, version)
    changes = data.model_dump(exclude_unset=True, exclude={"funding"})
    if not changes and data.funding is None:
        raise Unprocessable(
            "nothing to change: send status, progress, actual_cost, cancel_reason or, while "
            "the plan is in draft, what the action is",
            field="status",
        )
    for money in ("actual_cost", "estimated_cost"):
        if changes.get(money) is not None:
            changes[money] = Decimal(changes[money])
    changes = {name: value for name, value in changes.items() if getattr(action, name) != value}
    funding = _new_funding(session, action, data.funding)
    if not changes and funding is None:
        return action
    edits = EDITABLE.intersection(changes) | ({"funding"} if funding is not None else set())
    if edits:
        _check_edit(session, plan, action, changes, funding, may_edit)
    require_state(plan, OPEN_PLAN, "actions of plans in final review or closed are settled")
    _check_status(action, changes)
    _check_done(action, changes)
    title = action.title  # the name it was known by, before a new title
    bump_version(session, Action, action.id, version, **changes)
    if funding is not None:
        session.execute(delete(FundingShare).where(col(FundingShare.action_id) == action.id))
        _add_funding(session, action.id, funding)
        changes["funding"] = ", ".join(f"{s.payer.value} {s.percent} %" for s in funding)
    detail = ", ".join(f"{name} {value}" for name, value in sorted(changes.items()))
    trigger = "edit_action" if edits else "update_action"
    plan_event(session, plan, actor, trigger, reason=f"{title}: {detail}")
    session.commit()
    session.refresh(action)
    return action


def _new_funding(
    session: Session, action: Action, funding: list[ShareIn] | None
) -> list[ShareIn] | None:
    """The shares sent, unless none were sent or they are the action's shares as they are."""
    if funding is None:
        return None
    held = [(s.payer, s.organization_id, s.percent) for s in shares_of(session, [action.id])]
    sent = [(s.payer, s.organization_id, Decimal(s.percent)) for s in funding]
    return None if sent == held else funding


def _check_edit(
    session: Session,
    plan: Plan,
    action: Action,
    changes: dict[str, Any],
    funding: list[ShareIn] | None,
    may_edit: bool,
) -> None:
    """What an action is changes only while its plan is a draft, by who may write the plan,
    and still fits the plan: dates inside it, shares adding up to 100, a known provider."""
    if not may_edit:
        raise Forbidden("only the broker, an administrator or the buyer for its own plan")
    require_state(plan, {PlanState.draft}, FROZEN)
    title = changes.get("title", action.title)
    starts_on = changes.get("starts_on", action.starts_on)
    _check_dates(plan, title, starts_on, changes.get("due_on", action.due_on))
    if funding is not None:
        _check_funding(session, plan, title, funding)
    if changes.get("provider_id") is not None:
        _require_organization(session, plan, changes["provider_id"], "provider_id", True)


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
