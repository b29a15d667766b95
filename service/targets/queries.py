"""Reads of agreed targets that other domains' guards need."""

from typing import Any

from sqlmodel import Session, select

from service.targets.models import Target, TargetKind


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
