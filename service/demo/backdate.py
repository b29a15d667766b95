"""The demo's one direct write of history: the instants the use cases recorded today are moved
to the days the story tells, so that a completed engagement finished months ago and plans in
progress have months behind them. Dates the story chose (a plan's start, a review's day) are
not touched; only instants recorded while the story was told."""

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from service.accounts.models import User
from service.analyses.models import Analysis, Finding, KpiValue
from service.audits.models import Answer, Audit, Evidence
from service.demo.clock import StoryClock
from service.engagements.models import Engagement, Participation
from service.history import Event
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
    for model, recorded_at in RECORDED.items():
        statement = select(model).where(col(recorded_at) >= clock.started)
        rows = session.exec(statement.execution_options(populate_existing=True)).all()
        for row in rows:
            for name in type(row).model_fields:
                value = getattr(row, name)
                if isinstance(value, datetime) and value >= clock.started:
                    setattr(row, name, clock.story_instant(value))
            session.add(row)
    session.commit()
