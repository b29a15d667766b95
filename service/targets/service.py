"""Target use cases: record at a round table, change with a kept revision, list."""

from typing import Any

from sqlmodel import Session

from service.accounts.models import User
from service.engagements.models import Engagement, Participation
from service.errors import Conflict, NotFound
from service.history import EventKind, SubjectKind, record_event
from service.roundtables.models import RoundTable, RoundTableState
from service.targets.models import Target, TargetChange, TargetCreate, TargetRevision
from service.types import number_text
from service.versioning import bump_version, check_version
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
    _event(session, engagement, actor, target, "agree_target", None)
    session.commit()
    return target


def _event(
    session: Session,
    engagement: Engagement,
    actor: User,
    target: Target,
    trigger: str,
    reason: str | None,
) -> None:
    subject = target.kpi or target.section_id or (target.party.value if target.party else "")
    detail = (
        f"{target.kind.value} {subject}: {target.value or target.text} by {target.due_on or '-'}"
    )
    record_event(
        session,
        actor_id=actor.id,
        programme_id=engagement.programme_id,
        kind=EventKind.target,
        subject=(SubjectKind.target, target.id),
        engagement_id=engagement.id,
        participation_id=target.participation_id,
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
    _event(session, engagement, actor, target, "change_target", data.reason)
    session.commit()
    session.refresh(target)
    return target
