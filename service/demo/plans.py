"""Demo improvement plans carried out: each firm's plan opened, its actions added, submitted,
approved by every party, started, then reviewed every month and its actions settled, all
through the plan use cases."""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pydantic import TypeAdapter
from sqlmodel import select

from service.accounts.models import Role, User
from service.analyses.models import BaselineCreate, KpiSource, KpiValue, Severity
from service.demo.cast import DONOR, add_user
from service.demo.plan_specs import MONTHS, DemoAction, DemoFirm
from service.demo.scene import Scene
from service.kpis import kpi_catalogue
from service.plans.actions import add_action, update_action
from service.plans.models import (
    Action,
    ActionCreate,
    ActionStatus,
    ActionUpdate,
    Payer,
    Plan,
    PlanCreate,
    ReviewCreate,
    ReviewProgress,
    ShareIn,
)
from service.plans.queries import findings_of_firm
from service.plans.reviews import add_review
from service.plans.service import approve, open_plan, transition

READINGS = TypeAdapter(list[BaselineCreate])


def contacts(scene: Scene, firms: tuple[DemoFirm, ...], start: date) -> dict[str, User]:
    """The person at each firm who approves its plan, a month before it starts (no one knows
    their password until an administrator sets one)."""
    made = {}
    for firm in firms:
        scene.clock.now_is(start - timedelta(days=30), 9)
        role = Role.buyer if firm.name == scene.buyer_name else Role.supplier
        made[firm.name] = add_user(scene.session, scene.cast, firm.contact[::-1], role, firm.name)
    return made


def carry_out(scene: Scene, firm: DemoFirm, start: date, people: dict[str, User]) -> Plan:
    """The firm's plan from its opening, eighteen days before `start`, to its last review."""
    participation = None if firm.name == scene.buyer_name else scene.participation(firm.name)
    scene.clock.now_is(start - timedelta(days=18), 9)
    plan = open_plan(
        session=scene.session,
        actor=scene.broker,
        engagement=scene.engagement,
        data=PlanCreate(
            participation_id=participation.id if participation else None,
            starts_on=start,
            months=MONTHS,
        ),
    )
    actions = [_add(scene, plan, spec, people[firm.name], n) for n, spec in enumerate(firm.actions)]
    parties = [scene.broker, people[scene.buyer_name]]
    parties += [people[firm.name]] if participation else []
    _approve(scene, plan, parties)
    # The month told in order: reviews (at 17h) and actions settled (at 15h), day by day.
    steps = [(day, 17, n) for n, day in enumerate(firm.reviews, start=1)]
    steps += [(spec.settled_on, 15, n) for n, spec in enumerate(firm.actions) if spec.settled_on]
    for day, hour, n in sorted(steps):
        scene.clock.now_is(start + timedelta(days=day), hour)
        if hour == 17:
            _review(scene, plan, firm, actions, n, people[firm.name])
        else:
            _settle(scene, plan, actions[n], firm.actions[n])
    return plan


def _add(scene: Scene, plan: Plan, spec: DemoAction, owner: User, number: int) -> Action:
    """An action with its funding, added while the plan is a draft, two a day."""
    scene.clock.now_is(plan.starts_on - timedelta(days=17 - number // 2), 11)
    findings = {f.severity: f.id for f in findings_of_firm(scene.session, plan)}
    data = ActionCreate(
        category=spec.category,
        title=spec.title,
        description=spec.description,
        finding_ids=[findings[Severity(spec.finding)]] if spec.finding else [],
        owner=owner.full_name,
        provider_id=scene.cast.organization(spec.provider) if spec.provider else None,
        starts_on=plan.starts_on + timedelta(days=spec.days[0]),
        due_on=plan.starts_on + timedelta(days=spec.days[1]),
        estimated_cost=str(spec.cost),
        funding=[
            ShareIn(payer=payer, organization_id=_payer(scene, plan, payer), percent=str(share))
            for payer, share in spec.funding
        ],
    )
    version = scene.version(plan)
    return add_action(
        session=scene.session, actor=scene.broker, plan=plan, data=data, version=version
    )


def _payer(scene: Scene, plan: Plan, payer: Payer) -> Any:
    """The organization paying a share: the firm, the buyer or the donor by name."""
    if payer == Payer.firm:
        return plan.organization_id
    if payer == Payer.buyer:
        return scene.engagement.buyer_id
    return scene.cast.organization(DONOR[0]) if payer == Payer.donor else None


def _approve(scene: Scene, plan: Plan, parties: list[User]) -> None:
    """Submitted twelve days before its start, approved by each party two days apart, started
    on its first day."""
    day = plan.starts_on - timedelta(days=12)
    shift(scene, plan, "submit", (day, 10))
    for user in parties:
        day += timedelta(days=2)
        scene.clock.now_is(day, 11)
        approve(
            session=scene.session,
            actor=user,
            engagement=scene.engagement,
            plan=plan,
            version=scene.version(plan),
        )
    shift(scene, plan, "start", (plan.starts_on, 8))


def shift(scene: Scene, plan: Plan, trigger: str, when: tuple[date, int]) -> None:
    """Fire a plan trigger as the broker, on that day and hour, if its guards allow."""
    scene.clock.now_is(*when)
    transition(
        session=scene.session,
        actor=scene.broker,
        engagement=scene.engagement,
        plan=plan,
        trigger=trigger,
        reason=None,
        version=scene.version(plan),
    )


def _settle(scene: Scene, plan: Plan, action: Action, spec: DemoAction) -> None:
    """The update that marks the action done with its actual cost, or cancels it."""
    if spec.done:
        data = ActionUpdate(status=ActionStatus.done, actual_cost=str(spec.done[1]))
    else:
        assert spec.cancelled is not None
        data = ActionUpdate(
            status=ActionStatus.cancelled, cancel_reason=spec.cancelled[1], progress=spec.progress
        )
    version = scene.version(action)
    update_action(
        session=scene.session,
        actor=scene.broker,
        plan=plan,
        action=action,
        data=data,
        version=version,
        may_edit=True,
    )


def _review(
    scene: Scene, plan: Plan, firm: DemoFirm, actions: list[Action], number: int, contact: User
) -> None:
    """The monthly review: progress per action, the KPIs measured, notes and next steps."""
    days = firm.reviews[number - 1]
    held_on = plan.starts_on + timedelta(days=days)
    progress = [
        ReviewProgress(action_id=action.id, progress=reported)
        for action, spec in zip(actions, firm.actions, strict=True)
        if (reported := spec.reported(days, firm.reviews[-1])) is not None
    ]
    share = Decimal(firm.gain * number) / (100 * len(firm.reviews))
    readings = readings_of(scene, plan, share, held_on - timedelta(days=2))
    notes, next_steps = _notes(firm, days, readings, contact, number == len(firm.reviews))
    data = ReviewCreate(
        held_on=held_on, notes=notes, next_steps=next_steps, progress=progress, kpis=readings
    )
    version = scene.version(plan)
    add_review(session=scene.session, actor=scene.broker, plan=plan, data=data, version=version)


def readings_of(scene: Scene, plan: Plan, share: Decimal, measured_on: date) -> list[Any]:
    """Each baseline KPI of the firm, moved `share` of the way towards its best value."""
    statement = select(KpiValue.kpi, KpiValue.value).where(
        KpiValue.engagement_id == plan.engagement_id,
        KpiValue.organization_id == plan.organization_id,
        KpiValue.source == KpiSource.baseline,
    )
    readings = []
    for kpi, baseline in sorted(scene.session.exec(statement).all()):
        entry, value = kpi_catalogue()[kpi], Decimal(baseline)
        if entry.better == "higher":
            best = entry.max if entry.max is not None else 2 * value
        else:
            best = entry.min or Decimal(0)
        moved = value + (best - value) * share
        reading = {
            "kpi": kpi,
            "value": int(moved.quantize(Decimal(1), ROUND_HALF_UP)),
            "measured_on": measured_on,
            "how_measured": "Notas de entrega del mes",
        }
        readings.append(reading)
    return READINGS.validate_python(readings)


def _notes(
    firm: DemoFirm, days: int, readings: list[Any], contact: User, last: bool
) -> tuple[str, str]:
    """What the broker wrote: actions done and late, the KPIs, and what comes next."""
    done = sum(1 for spec in firm.actions if spec.done and spec.done[0] <= days)
    under_way = [spec for spec in firm.actions if spec.open_on(days)]
    late = [spec.title for spec in under_way if spec.days[1] < days]
    notes = f"Revisión mensual con {contact.full_name}: {done} de {len(firm.actions)} acciones"
    notes += " terminadas"
    if late:
        notes += f"; atrasadas: {', '.join(late)}"
    for reading in readings:
        entry = kpi_catalogue()[reading.kpi]
        notes += f". {entry.name.es}: {reading.value:g} {entry.unit}"
    notes += f". {firm.remark}" if last and firm.remark else "."
    steps = [
        f"{spec.title}: llegar al {min(100, (spec.reported(days, firm.reviews[-1]) or 0) + 25)} %"
        for spec in under_way[:2]
    ]
    return notes, "; ".join(steps) or "Preparar la auditoría final y medir los indicadores."
