"""A dropped supplier settles its plan: the plan is cancelled, its open actions are cancelled
(their planned cost released, what they already cost kept), and it leaves tracking (overdue
actions, missed reviews and the monthly report's late list follow plans in progress only).
Steps of the participation's `drop`: they write, and the caller commits once."""

from sqlmodel import Session, col, select

from service.accounts.models import User
from service.engagements.models import Participation
from service.plans.models import Action, Plan
from service.plans.service import plan_event
from service.types import utcnow
from workflows import ParticipationState, PlanSnapshot, PlanState, apply_to_plan
from workflows.plan_health import ActionStatus

OPEN = (ActionStatus.planned, ActionStatus.in_progress)


def settle_if_dropped(
    session: Session,
    *,
    actor: User,
    participation: Participation,
    state: ParticipationState,
    reason: str | None,
) -> None:
    """When the participation moves to `dropped`: cancel its plans and their open actions,
    with their events."""
    if state != ParticipationState.dropped:
        return
    why = f"the supplier was dropped: {reason}" if reason else "the supplier was dropped"
    plans = session.exec(select(Plan).where(Plan.participation_id == participation.id)).all()
    for plan in plans:
        if plan.state in (PlanState.closed, PlanState.cancelled):
            continue
        snapshot = PlanSnapshot(
            firm="",
            state=plan.state,
            today=plan.starts_on,
            starts_on=plan.starts_on,
            ends_on=plan.starts_on,
            supplier_dropped=True,
        )
        destination = apply_to_plan(snapshot, "cancel", why)
        source, plan.state, plan.version = plan.state, destination, plan.version + 1
        session.add(plan)
        plan_event(session, plan, actor, "cancel", (source.value, destination.value), why)
        statement = select(Action).where(Action.plan_id == plan.id, col(Action.status).in_(OPEN))
        for action in session.exec(statement).all():
            action.status, action.cancel_reason = ActionStatus.cancelled, why
            action.version, action.updated_at = action.version + 1, utcnow()
            session.add(action)
            plan_event(session, plan, actor, "update_action", reason=f"{action.title}: {why}")
