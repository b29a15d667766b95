"""Target use cases: record at a round table, change with a kept revision, list."""

from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from service.accounts.models import User
from service.audits.templates import template_registry
from service.engagements.models import Engagement, Event, EventKind, Participation
from service.engagements.service import bump_version, check_version
from service.errors import Conflict, NotFound, Unprocessable
from service.kpis import kpi_catalogue
from service.roundtables.models import RoundTable, RoundTableState
from service.targets.models import Target, TargetChange, TargetCreate, TargetKind, TargetRevision
from workflows.states import SELECTED_TRACK

# Fields each kind needs, and the ones it must leave empty.
NEEDS = {
    TargetKind.kpi: ({"kpi", "value", "due_on"}, {"section_id", "party"}),
    TargetKind.audit_section: ({"section_id", "value", "due_on"}, {"kpi", "party"}),
    TargetKind.commitment: ({"party", "text"}, {"kpi", "section_id", "value"}),
}


def section_ids() -> set[str]:
    return {
        s.id for t in template_registry().values() if "supplier" in t.applies_to for s in t.sections
    }


def check_value(kind: TargetKind, key: str | None, value: Decimal | None) -> None:
    """A KPI value within the catalogue's bounds, a section score within 0-100; else 422."""
    if value is None:
        return
    if kind == TargetKind.kpi and key is not None:
        problem = kpi_catalogue()[key].bound_error(value)
        if problem is not None:
            raise Unprocessable(problem, field="value")
    if kind == TargetKind.audit_section and not 0 <= value <= 100:
        raise Unprocessable("a section score target is between 0 and 100", field="value")


def _check_shape(data: TargetCreate) -> None:
    needed, forbidden = NEEDS[data.kind]
    given = {name for name in needed | forbidden if getattr(data, name) is not None}
    for name in sorted(needed - given):
        raise Unprocessable(f"a {data.kind.value} target needs {name}", field=name)
    for name in sorted(given & forbidden):
        raise Unprocessable(f"a {data.kind.value} target takes no {name}", field=name)
    if data.kpi is not None and data.kpi not in kpi_catalogue():
        raise Unprocessable(f"KPI {data.kpi!r} is not in the catalogue", field="kpi")
    if data.section_id is not None and data.section_id not in section_ids():
        raise Unprocessable(f"no audit section {data.section_id!r}", field="section_id")
    check_value(data.kind, data.kpi, data.value)


def record_target(
    *,
    session: Session,
    actor: User,
    engagement: Engagement,
    participation: Participation,
    data: TargetCreate,
) -> Target:
    """A target of a selected supplier, agreed at one of the engagement's round tables."""
    _check_shape(data)
    if participation.state not in SELECTED_TRACK:
        reason = (
            f"targets are agreed with selected suppliers; this one is {participation.state.value}"
        )
        raise Conflict(reason, blocked_by=[reason])
    round_table = session.get(RoundTable, data.round_table_id)
    if round_table is None or round_table.engagement_id != engagement.id:
        raise NotFound("no such round table in this engagement", field="round_table_id")
    if round_table.state == RoundTableState.cancelled:
        raise Conflict("the round table was cancelled", field="round_table_id")
    values: dict[str, Any] = data.model_dump()
    values["value"] = str(data.value) if data.value is not None else None
    target = Target(
        programme_id=engagement.programme_id,
        engagement_id=engagement.id,
        participation_id=participation.id,
        created_by=actor.id,
        **values,
    )
    session.add(target)
    session.flush()
    session.add(_event(engagement, actor, target, "agree_target", None))
    session.commit()
    return target


def _event(
    engagement: Engagement, actor: User, target: Target, trigger: str, reason: str | None
) -> Event:
    subject = target.kpi or target.section_id or (target.party.value if target.party else "")
    detail = (
        f"{target.kind.value} {subject}: {target.value or target.text} by {target.due_on or '-'}"
    )
    return Event(
        programme_id=engagement.programme_id,
        engagement_id=engagement.id,
        participation_id=target.participation_id,
        actor_id=actor.id,
        kind=EventKind.target,
        trigger=trigger,
        reason=f"{detail}; {reason}" if reason else detail,
    )


def change_target(
    *,
    session: Session,
    actor: User,
    engagement: Engagement,
    target: Target,
    data: TargetChange,
    version: int,
) -> Target:
    """A new value, date or text; the previous one is kept with who changed it, when and why."""
    check_version(target.version, version)
    changes = data.model_dump(exclude_unset=True, exclude={"reason"})
    if "value" in changes:
        if target.kind == TargetKind.commitment:
            raise Unprocessable("a commitment has no value", field="value")
        check_value(target.kind, target.kpi, changes["value"])
        changes["value"] = str(changes["value"])
    if "text" in changes and target.kind != TargetKind.commitment:
        raise Unprocessable("only a commitment has text", field="text")
    if not changes:
        raise Unprocessable("nothing to change: send value, due_on or text", field="value")
    session.add(
        TargetRevision(
            target_id=target.id,
            version=target.version,
            value=target.value,
            due_on=target.due_on,
            text=target.text,
            changed_by=actor.id,
            reason=data.reason,
        )
    )
    bump_version(session, Target, target.id, version, **changes)
    session.add(_event(engagement, actor, target, "change_target", data.reason))
    session.commit()
    session.refresh(target)
    return target


def targets_of(session: Session, participation_id: Any) -> list[Target]:
    statement = select(Target).where(Target.participation_id == participation_id)
    return list(session.exec(statement.order_by(col(Target.created_at))).all())


def revisions_of(session: Session, target: Target) -> list[TargetRevision]:
    statement = select(TargetRevision).where(TargetRevision.target_id == target.id)
    return list(session.exec(statement.order_by(col(TargetRevision.version))).all())


def with_targets(session: Session, engagement_id: Any) -> set[Any]:
    """Participations of the engagement that have at least one agreed target."""
    statement = select(Target.participation_id).where(Target.engagement_id == engagement_id)
    return set(session.exec(statement).all())


def targeted_kpis(session: Session, participation_id: Any) -> set[str]:
    """The KPIs a participation has targets for (its analysis needs their baselines)."""
    statement = select(Target.kpi).where(
        Target.participation_id == participation_id, Target.kind == TargetKind.kpi
    )
    return {kpi for kpi in session.exec(statement).all() if kpi}
