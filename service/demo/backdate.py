"""The demo's one direct write of history: the instants the use cases recorded today are moved
to the days the story tells, so that a completed engagement finished months ago and plans in
progress have months behind them. Dates the story chose (a plan's start, a review's day) are
not touched; only instants recorded while the story was told. The events' hash chains are
sealed again over the moved instants."""

import uuid
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from service.accounts.models import User
from service.analyses.models import Analysis, Finding, KpiValue
from service.audits.models import Answer, Audit, Evidence
from service.demo.clock import StoryClock
from service.engagements.models import Engagement, Participation
from service.history import GENESIS, Event, EventChain, event_hash
from service.plans.models import Action, PartnershipDecision, Plan, PlanApproval, Review
from service.programmes.models import Organization, Programme
from service.roundtables.models import RoundTable
from service.targets.models import Target

# Every table the story writes, with the instant that says when a row was recorded.
RECORDED: dict[Any, Any] = {
    Programme: Programme.created_at,
    Organization: Organization.created_at,
    User: User.created_at,
    Engagement: Engagement.created_at,
    Participation: Participation.created_at,
    Event: Event.created_at,
    Audit: Audit.created_at,
    Answer: Answer.answered_at,
    Evidence: Evidence.created_at,
    RoundTable: RoundTable.created_at,
    Target: Target.created_at,
    Analysis: Analysis.created_at,
    Finding: Finding.created_at,
    KpiValue: KpiValue.created_at,
    Plan: Plan.created_at,
    Action: Action.created_at,
    Review: Review.created_at,
    PlanApproval: PlanApproval.approved_at,
    PartnershipDecision: PartnershipDecision.decided_at,
}


def backdate(session: Session, clock: StoryClock) -> None:
    """Move every instant recorded since the story began to where the story tells it, in one
    commit: each row keeps its order, and a row changed later moves with that later step."""
    told = select(Event.programme_id).where(col(Event.created_at) >= clock.started).distinct()
    programmes = list(session.exec(told).all())
    for model, recorded_at in RECORDED.items():
        statement = select(model).where(col(recorded_at) >= clock.started)
        rows = session.exec(statement.execution_options(populate_existing=True)).all()
        for row in rows:
            for name in type(row).model_fields:
                value = getattr(row, name)
                if isinstance(value, datetime) and value >= clock.started:
                    setattr(row, name, clock.story_instant(value))
            session.add(row)
    session.flush()
    _reseal(session, programmes)
    session.commit()


def _reseal(session: Session, programmes: list[uuid.UUID]) -> None:
    """The story's event instants moved, so its programmes' hashes are computed again, in
    sequence: the chain then holds the history as the story tells it."""
    for programme_id in programmes:
        statement = select(Event).where(Event.programme_id == programme_id)
        previous = GENESIS
        for event in session.exec(statement.order_by(col(Event.sequence))).all():
            event.hash = event_hash(previous, event.model_dump())
            previous = event.hash
            session.add(event)
        head = session.get(EventChain, programme_id)
        assert head is not None
        head.hash = previous
        session.add(head)
