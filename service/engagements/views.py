"""Public shapes of engagements, participations, triggers and events (names joined in bulk)."""

import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import bindparam
from sqlmodel import Session, SQLModel, col, select

from service.engagements.models import (
    Engagement,
    EngagementPublic,
    Participation,
    ParticipationPublic,
)
from service.programmes.models import Organization
from workflows import TriggerCheck


class TriggerPublic(SQLModel):
    trigger: str
    allowed: bool
    dest: str | None
    requires_reason: bool
    blocked_by: list[str]


# Built once, as most reads run it: building a statement costs more than running this one.
ORGANIZATION_NAMES = select(Organization.id, Organization.name).where(
    col(Organization.id).in_(bindparam("ids", expanding=True))
)


def organization_names(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Names of many organizations in one query."""
    wanted = set(ids)
    if not wanted:
        return {}
    return dict(session.exec(ORGANIZATION_NAMES, params={"ids": list(wanted)}).all())


def engagement_public(session: Session, engagement: Engagement) -> EngagementPublic:
    """One engagement with its buyer's name."""
    names = organization_names(session, [engagement.buyer_id])
    return _engagement(engagement, names)


def _engagement(engagement: Engagement, names: dict[uuid.UUID, str]) -> EngagementPublic:
    return EngagementPublic.model_validate(
        {**engagement.model_dump(), "buyer_name": names.get(engagement.buyer_id, "")}
    )


def participation_public(session: Session, participation: Participation) -> ParticipationPublic:
    """One participation with its supplier's name."""
    return participations(session, [participation])[0]


def participations(session: Session, rows: Sequence[Participation]) -> list[ParticipationPublic]:
    """Many participations with their suppliers' names, in one query."""
    names = organization_names(session, (row.supplier_id for row in rows))
    return [
        ParticipationPublic.model_validate(
            {**row.model_dump(), "supplier_name": names.get(row.supplier_id, "")}
        )
        for row in rows
    ]


def triggers(checks: Iterable[TriggerCheck]) -> list[TriggerPublic]:
    """Each trigger as clients see it: allowed, where it leads, what blocks it."""
    return [
        TriggerPublic(
            trigger=check.trigger,
            allowed=check.allowed,
            dest=check.dest.value if check.dest is not None else None,
            requires_reason=check.requires_reason,
            blocked_by=list(check.blocked_by),
        )
        for check in checks
    ]
