"""Target use cases: record at a round table, change with a kept revision, list."""

from typing import Any

from sqlmodel import Session, col, select

from service.accounts.models import User
from service.engagements.models import Engagement, Event, EventKind, Participation
from service.engagements.service import bump_version, check_version
from service.errors import Conflict, NotFound
from service.roundtables.models import RoundTable, RoundTableState
from service.targets.models import Target, TargetChange, TargetCreate, TargetKind, TargetRevision
from service.types import number_text
from workflows.states import SELECTED_TRACK


def record_target(
    *,
    session: Session,
    actor: User,
    engagement: Engagement,
    participation: Participation,
    data: TargetCreate,
) -> Target:
    """A target of a selected supplier, agreed at one of the engagement's round tables."""
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
    values: dict[str, Any] = data.model_dump(mode="json")
    if "value" in values:
        values["value"] = number_text(values["value"])
    target = Target.model_validate(
        values,
        update={
            "programme_id": engagement.programme_id,
            "engagement_id": engagement.id,
            "participation_id": participation.id,
            "created_by": actor.id,
        },
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
    if data.kind != target.kind:
        raise Conflict(f"this is a {target.kind.value} target, not {data.kind}", field="kind")
    kpi = getattr(data, "kpi", None)
    if kpi != target.kpi:
        raise Conflict(f"this target is for {target.kpi}, not {kpi}", field="kpi")
    changes = data.model_dump(exclude={"kind", "kpi", "reason"})
    if "value" in changes:
        changes["value"] = number_text(changes["value"])
    if all(getattr(target, name) == new for name, new in changes.items()):
        return target
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
    return list(session.exec(statement.order_by(col(Target.created_at), col(Target.id))).all())


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
