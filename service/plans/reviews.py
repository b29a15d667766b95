"""Monthly review and KPI use cases: the broker's review of a started plan with progress per
action, and the KPI values measured during the plan or at its end."""

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session

from service.accounts.models import User
from service.analyses.models import KpiSource, KpiValue
from service.errors import NotFound, Unprocessable
from service.plans.models import Action, ActionStatus, Plan, Review, ReviewCreate
from service.plans.queries import actions_of
from service.plans.service import plan_event, require_state
from service.programmes.calendar import today_in
from service.types import number_text
from service.versioning import bump_version, check_version
from workflows import PlanState


def add_review(
    *, session: Session, actor: User, plan: Plan, data: ReviewCreate, version: int
) -> Review:
    """A monthly review: the broker's notes and next steps, and progress per action."""
    check_version(plan.version, version)
    require_state(
        plan, {PlanState.in_progress, PlanState.final_review}, "reviews follow a started plan"
    )
    today = today_in(session, plan.programme_id)
    if data.held_on > today:
        raise Unprocessable(f"a review is recorded once held; today is {today}", field="held_on")
    actions = {str(action.id): action for action in actions_of(session, [plan.id])}
    for n, item in enumerate(data.progress):
        if str(item.action_id) not in actions:
            raise NotFound("no such action in this plan", field=f"progress.{n}.action_id")
    review = Review(
        plan_id=plan.id,
        held_on=data.held_on,
        broker_id=actor.id,
        notes=data.notes,
        next_steps=data.next_steps,
        progress={str(item.action_id): item.progress for item in data.progress},
    )
    session.add(review)
    for item in data.progress:
        _report_progress(session, actions[str(item.action_id)], item.progress)
    session.add_all(_kpi_values(plan, actor, data.kpis, KpiSource.review))
    bump_version(session, Plan, plan.id, version)
    plan_event(session, plan, actor, "review", reason=f"monthly review of {data.held_on}")
    session.commit()
    session.refresh(review)
    return review


def _report_progress(session: Session, action: Action, progress: int) -> None:
    """An open action takes the reviewed progress, and is under way once it has some."""
    if action.status in {ActionStatus.done, ActionStatus.cancelled}:
        return
    status = ActionStatus.in_progress if progress > 0 else action.status
    bump_version(session, Action, action.id, action.version, progress=progress, status=status)


def _kpi_values(
    plan: Plan, actor: User, readings: Iterable[Any], source: KpiSource
) -> list[KpiValue]:
    """The readings as the firm's KPI values in the plan's engagement."""
    return [
        KpiValue(
            engagement_id=plan.engagement_id,
            organization_id=plan.organization_id,
            kpi=reading.kpi,
            value=number_text(reading.value),
            measured_on=reading.measured_on,
            how_measured=reading.how_measured,
            source=source,
            recorded_by=actor.id,
        )
        for reading in readings
    ]


def record_kpis(
    *,
    session: Session,
    actor: User,
    plan: Plan,
    readings: list[Any],
    source: KpiSource,
    version: int,
) -> list[KpiValue]:
    """KPI values measured during the plan (review) or at its end (final)."""
    check_version(plan.version, version)
    states = {PlanState.in_progress, PlanState.final_review}
    if source == KpiSource.final:
        states = {PlanState.final_review}
    require_state(plan, states, f"{source.value} KPI values are recorded on a started plan")
    rows = _kpi_values(plan, actor, readings, source)
    session.add_all(rows)
    bump_version(session, Plan, plan.id, version)
    names = ", ".join(f"{row.kpi} = {row.value}" for row in rows)
    plan_event(session, plan, actor, f"record_{source.value}_kpis", reason=names)
    session.commit()
    for row in rows:
        session.refresh(row)
    return rows
