"""Reads of agreed targets: a participation's targets, a target's revisions, and the facts
other domains' guards need."""

from typing import Any

from sqlmodel import Session, col, select

from service.targets.models import Target, TargetKind, TargetRevision


def with_targets(session: Session, engagement_id: Any) -> set[Any]:
    """Participations of the engagement that have at least one agreed target."""
    return with_targets_in(session, [engagement_id]).get(engagement_id, set())


def with_targets_in(session: Session, engagement_ids: list[Any]) -> dict[Any, set[Any]]:
    """Per engagement, its participations that have at least one agreed target."""
    statement = select(Target.engagement_id, Target.participation_id).where(
        col(Target.engagement_id).in_(engagement_ids)
    )
    found: dict[Any, set[Any]] = {}
    for engagement_id, participation_id in session.exec(statement.distinct()).all():
        found.setdefault(engagement_id, set()).add(participation_id)
    return found


def targeted_kpis(session: Session, participation_id: Any) -> set[str]:
    """The KPIs a participation has targets for (its analysis needs their baselines)."""
    statement = select(Target.kpi).where(
        Target.participation_id == participation_id, Target.kind == TargetKind.kpi
    )
    return {kpi for kpi in session.exec(statement).all() if kpi}


def targets_of(session: Session, participation_id: Any) -> list[Target]:
    """A participation's targets, oldest first."""
    statement = select(Target).where(Target.participation_id == participation_id)
    return list(session.exec(statement.order_by(col(Target.created_at), col(Target.id))).all())


def revisions_of(session: Session, target: Target) -> list[TargetRevision]:
    """Every previous value of the target, oldest first."""
    statement = select(TargetRevision).where(TargetRevision.target_id == target.id)
    return list(session.exec(statement.order_by(col(TargetRevision.version))).all())


def targets_of_engagement(session: Session, engagement_id: Any) -> list[Target]:
    """Every target of an engagement, oldest first (its pages show them by participation)."""
    statement = select(Target).where(Target.engagement_id == engagement_id)
    return list(session.exec(statement.order_by(col(Target.created_at), col(Target.id))).all())


def revisions_of_targets(session: Session, target_ids: list[Any]) -> list[TargetRevision]:
    """The previous values of many targets, oldest first."""
    statement = select(TargetRevision).where(col(TargetRevision.target_id).in_(target_ids))
    return list(
        session.exec(statement.order_by(col(TargetRevision.changed_at), col(TargetRevision.id)))
    )
