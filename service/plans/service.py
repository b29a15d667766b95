"""Plan lifecycle use cases: open, change the window, submit, approve by every party, start,
finish and close on the final audit; each writes its Event and commits once."""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, delete, select

from service.accounts.models import User
from service.engagements.models import Engagement, Participation
from service.engagements.steps import follow
from service.errors import Conflict, NotFound
from service.guards import decide
from service.history import EventKind, SubjectKind, record_event
from service.plans.access import party_of
from service.plans.models import Plan, PlanApproval, PlanCreate
from service.plans.queries import actions_of, approvals_of, snapshot
from service.versioning import bump_version, check_version
from workflows import ParticipationState, Phase, PlanState, apply_to_plan
from workflows.plan_health import add_months

# What a plan's participation does when the plan reaches a state: (from, to, trigger), why.
FOLLOWS = {
    PlanState.in_progress: (
        (ParticipationState.planning, ParticipationState.implementing, "start_implementation"),
        "its improvement plan started",
    ),
    PlanState.closed: (
        (ParticipationState.implementing, ParticipationState.closed, "close"),
        "its improvement plan was closed after the final review",
    ),
}


def plan_event(
    session: Session,
    plan: Plan,
    actor: User,
    trigger: str,
    step: tuple[str | None, str | None] = (None, None),
    reason: str | None = None,
) -> None:
    """Record what happened to the plan; `step` is (from state, to state) for a transition."""
    record_event(
        session,
        actor_id=actor.id,
        programme_id=plan.programme_id,
        kind=EventKind.plan,
        subject=(SubjectKind.plan, plan.id),
        engagement_id=plan.engagement_id,
        participation_id=plan.participation_id,
        trigger=trigger,
        from_state=step[0],
        to_state=step[1],
        reason=reason,
    )


def require_state(plan: Plan, states: Iterable[PlanState], reason: str) -> None:
    """409 naming the plan's state unless it is one of `states`."""
    if plan.state not in set(states):
        raise Conflict(f"{reason}; the plan is {plan.state.value}", blocked_by=[reason])


def open_plan(*, session: Session, actor: User, engagement: Engagement, data: PlanCreate) -> Plan:
    """One plan per analysed supplier and one for the buyer, in the improvement_plans phase."""
    if engagement.phase != Phase.improvement_plans:
        reason = "plans are drawn up in phase improvement_plans"
        raise Conflict(reason, blocked_by=[reason])
    organization_id = _firm_of(session, engagement, data)
    existing = select(Plan.id).where(
        Plan.engagement_id == engagement.id, Plan.organization_id == organization_id
    )
    if session.exec(existing).first() is not None:
        raise Conflict("this firm already has a plan in this engagement", field="participation_id")
    plan = Plan(
        programme_id=engagement.programme_id,
        engagement_id=engagement.id,
        participation_id=data.participation_id,
        organization_id=organization_id,
        starts_on=data.starts_on,
        months=data.months,
        created_by=actor.id,
    )
    session.add(plan)
    session.flush()
    plan_event(session, plan, actor, "open_plan", (None, PlanState.draft.value))
    follow(
        session,
        actor,
        engagement,
        plan.participation_id,
        (ParticipationState.analysed, ParticipationState.planning, "start_planning"),
        "its improvement plan was opened",
    )
    session.commit()
    return plan


def _firm_of(session: Session, engagement: Engagement, data: PlanCreate) -> Any:
    """The firm the plan is for: the buyer, or an analysed supplier of the engagement."""
    if data.participation_id is None:
        return engagement.buyer_id
    participation = session.get(Participation, data.participation_id)
    if participation is None or participation.engagement_id != engagement.id:
        raise NotFound("no such participation in this engagement", field="participation_id")
    if participation.state != ParticipationState.analysed:
        raise Conflict(
            f"plans are for analysed suppliers; this one is {participation.state.value}",
            field="participation_id",
        )
    return participation.supplier_id


def change_window(
    *, session: Session, actor: User, plan: Plan, starts_on: date, months: int, version: int
) -> Plan:
    """Move or lengthen a draft plan; its actions must still fit. The window it has changes
    nothing."""
    check_version(plan.version, version)
    if (starts_on, months) == (plan.starts_on, plan.months):
        return plan
    require_state(plan, {PlanState.draft}, "only a draft plan's dates can change")
    end = add_months(starts_on, months)
    for action in actions_of(session, [plan.id]):
        if action.starts_on < starts_on or action.due_on > end:
            raise Conflict(
                f"action {action.title!r} ({action.starts_on} to {action.due_on}) would fall "
                f"outside the plan ({starts_on} to {end})",
                field="starts_on",
            )
    bump_version(session, Plan, plan.id, version, starts_on=starts_on, months=months)
    plan_event(session, plan, actor, "change_window", reason=f"{starts_on}, {months} months")
    session.commit()
    session.refresh(plan)
    return plan


def transition(
    *,
    session: Session,
    actor: User,
    engagement: Engagement,
    plan: Plan,
    trigger: str,
    reason: str | None,
    version: int,
) -> Plan:
    """Submit, return to draft (with a reason), start, finish or close; 409 lists what blocks."""
    check_version(plan.version, version)
    source = plan.state
    destination = decide(
        lambda: apply_to_plan(snapshot(session, plan, engagement), trigger, reason)
    )
    values: dict[str, Any] = {"state": destination}
    if destination == PlanState.closed:
        values["closed_at"] = datetime.now(ZoneInfo("UTC"))
    bump_version(session, Plan, plan.id, version, **values)
    plan_event(session, plan, actor, trigger, (source.value, destination.value), reason)
    if trigger == "return_to_draft":
        session.exec(delete(PlanApproval).where(col(PlanApproval.plan_id) == plan.id))
    if destination in FOLLOWS:
        step, why = FOLLOWS[destination]
        follow(session, actor, engagement, plan.participation_id, step, why)
    session.commit()
    session.refresh(plan)
    return plan


def approve(
    *, session: Session, actor: User, engagement: Engagement, plan: Plan, version: int
) -> Plan:
    """Record the caller's party's approval; the last one needed approves the plan."""
    check_version(plan.version, version)
    party = party_of(actor, engagement, plan)
    require_state(plan, {PlanState.submitted}, "only a submitted plan is approved")
    approved = {row.party for row in approvals_of(session, [plan.id])}
    if party in approved:
        raise Conflict(f"the {party.value} has already approved this plan", field="party")
    session.add(PlanApproval(plan_id=plan.id, party=party, user_id=actor.id))
    plan_event(session, plan, actor, "approve", reason=f"approved for the {party.value}")
    session.flush()
    facts = snapshot(session, plan, engagement)
    values: dict[str, Any] = {}
    if not facts.missing_approvals:
        decide(lambda: apply_to_plan(facts, "approve"))
        values["state"] = PlanState.approved
        step = (PlanState.submitted.value, PlanState.approved.value)
        plan_event(session, plan, actor, "approved", step, "approved by every party")
    bump_version(session, Plan, plan.id, version, **values)
    session.commit()
    session.refresh(plan)
    return plan
