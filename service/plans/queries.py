"""Reads of plans: their actions, funding, reviews and approvals in bulk, the findings they
address, the facts their guards read, their health today and their cost lines."""

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from service.accounts.models import User
from service.analyses.models import Analysis, Finding, KpiSource, KpiValue, Severity
from service.audits.models import Audit, AuditPurpose, AuditState
from service.engagements.models import Engagement
from service.plans.access import approvals_needed, may_see, plan_conditions
from service.plans.costs import CostLine
from service.plans.models import (
    Action,
    ActionCategory,
    ActionStatus,
    FundingShare,
    Payer,
    Plan,
    PlanApproval,
    Review,
)
from service.programmes.calendar import ends_on, today_in
from service.programmes.models import Organization
from workflows import Phase, PlanSnapshot, PlanState
from workflows.plan_health import ActionFacts, HealthReport, PlanFacts, add_months, plan_health

# Actions that build capability; a plan needs at least one before it is submitted.
CAPABILITY = frozenset({ActionCategory.training, ActionCategory.technical_assistance})


def closed_firms(session: Session, engagement_id: Any) -> set[Any]:
    """Organizations of the engagement whose plan is closed."""
    return closed_firms_in(session, [engagement_id]).get(engagement_id, set())


def closed_firms_in(session: Session, engagement_ids: list[Any]) -> dict[Any, set[Any]]:
    """Per engagement, the organizations whose plan is closed."""
    statement = select(Plan.engagement_id, Plan.organization_id).where(
        col(Plan.engagement_id).in_(engagement_ids), Plan.state == PlanState.closed
    )
    found: dict[Any, set[Any]] = {}
    for engagement_id, organization_id in session.exec(statement).all():
        found.setdefault(engagement_id, set()).add(organization_id)
    return found


def plan_states(session: Session, engagement_id: Any) -> dict[Any, PlanState]:
    """Each firm's plan state in the engagement."""
    statement = select(Plan.organization_id, Plan.state).where(Plan.engagement_id == engagement_id)
    return {organization_id: PlanState(state) for organization_id, state in session.exec(statement)}


def plans_of(session: Session, engagement: Engagement) -> list[Plan]:
    """The engagement's plans, oldest first."""
    statement = select(Plan).where(Plan.engagement_id == engagement.id)
    return list(session.exec(statement.order_by(col(Plan.created_at), col(Plan.id))).all())


def firm_plans(session: Session, user: User, limit: int) -> list[Any]:
    """The plans a user may see across the programme, newest first, with their engagement's
    title and their firm's name: a buyer's and a supplier's way to their plans."""
    statement = (
        select(Plan.id, Plan.state, Engagement.title, Organization.name)
        .join(Engagement, col(Engagement.id) == Plan.engagement_id)
        .join(Organization, col(Organization.id) == Plan.organization_id)
        .where(*plan_conditions(user))
        .order_by(col(Plan.created_at).desc(), col(Plan.id))
        .limit(limit)
    )
    return list(session.exec(statement).all())


def visible_plans_of(session: Session, user: User, engagement: Engagement) -> list[Plan]:
    """The engagement's plans the user may see, oldest first."""
    return [plan for plan in plans_of(session, engagement) if may_see(user, engagement, plan)]


def actions_of(session: Session, plan_ids: list[Any]) -> list[Action]:
    """The plans' actions, by start date."""
    statement = select(Action).where(col(Action.plan_id).in_(plan_ids))
    return list(session.exec(statement.order_by(col(Action.starts_on), col(Action.id))).all())


def shares_of(session: Session, action_ids: list[Any]) -> list[FundingShare]:
    """The actions' funding shares, in the order they were given."""
    statement = select(FundingShare).where(col(FundingShare.action_id).in_(action_ids))
    ordered = statement.order_by(
        col(FundingShare.action_id), col(FundingShare.position), col(FundingShare.id)
    )
    return list(session.exec(ordered).all())


def reviews_of(session: Session, plan_ids: list[Any]) -> list[Review]:
    """The plans' monthly reviews, oldest first."""
    statement = select(Review).where(col(Review.plan_id).in_(plan_ids))
    return list(session.exec(statement.order_by(col(Review.held_on), col(Review.id))).all())


def approvals_of(session: Session, plan_ids: list[Any]) -> list[PlanApproval]:
    """The plans' approvals, in the order they were given."""
    statement = select(PlanApproval).where(col(PlanApproval.plan_id).in_(plan_ids))
    return list(
        session.exec(statement.order_by(col(PlanApproval.approved_at), col(PlanApproval.id))).all()
    )


def findings_of_firm(session: Session, plan: Plan) -> list[Finding]:
    """The findings of the firm's analysis in this engagement."""
    statement = (
        select(Finding)
        .join(Analysis, col(Analysis.id) == Finding.analysis_id)
        .where(
            Analysis.engagement_id == plan.engagement_id,
            Analysis.organization_id == plan.organization_id,
        )
        .order_by(col(Finding.created_at), col(Finding.id))
    )
    return list(session.exec(statement).all())


def snapshot(session: Session, plan: Plan, engagement: Engagement) -> PlanSnapshot:
    """Everything the plan guards need, read from the database."""
    live = [a for a in actions_of(session, [plan.id]) if a.status != ActionStatus.cancelled]
    addressed = {finding_id for action in live for finding_id in action.finding_ids}
    unaddressed = [
        finding.description[:60]
        for finding in findings_of_firm(session, plan)
        if finding.severity == Severity.major and str(finding.id) not in addressed
    ]
    approved = {row.party for row in approvals_of(session, [plan.id])}
    firm = session.get(Organization, plan.organization_id)
    return PlanSnapshot(
        firm=firm.name if firm else "the firm",
        state=plan.state,
        today=today_in(session, plan.programme_id),
        starts_on=plan.starts_on,
        ends_on=ends_on(plan),
        has_training_or_assistance=any(a.category in CAPABILITY for a in live),
        unaddressed_major_findings=tuple(unaddressed),
        missing_approvals=tuple(
            f"the {party.value}" for party in approvals_needed(plan) if party not in approved
        ),
        final_audit_reviewed=_final_audit_reviewed(session, plan),
        missing_final_kpis=tuple(
            sorted(_kpis(session, plan, KpiSource.baseline) - _kpis(session, plan, KpiSource.final))
        ),
        in_plans_phase=engagement.phase == Phase.improvement_plans,
    )


def _final_audit_reviewed(session: Session, plan: Plan) -> bool:
    """A reviewed final audit with the template of the firm's evaluation (any, for a firm
    that had no evaluation audit, such as the buyer)."""
    audits = session.exec(
        select(Audit).where(
            Audit.engagement_id == plan.engagement_id,
            Audit.organization_id == plan.organization_id,
            Audit.state == AuditState.reviewed,
        )
    ).all()
    evaluated = {a.template_id for a in audits if a.purpose == AuditPurpose.evaluation}
    return any(
        a.purpose == AuditPurpose.final and (not evaluated or a.template_id in evaluated)
        for a in audits
    )


def _kpis(session: Session, plan: Plan, source: KpiSource) -> set[str]:
    statement = select(KpiValue.kpi).where(
        KpiValue.engagement_id == plan.engagement_id,
        KpiValue.organization_id == plan.organization_id,
        KpiValue.source == source,
    )
    return set(session.exec(statement).all())


def health_of(
    plan: Plan, actions: list[Action], reviews: list[Review], today: date
) -> HealthReport:
    """The plan's health today, by the rule in workflows.plan_health."""
    facts = PlanFacts(
        starts_on=plan.starts_on,
        months=plan.months,
        actions=tuple(
            ActionFacts(
                title=action.title,
                status=action.status,
                starts_on=action.starts_on,
                due_on=action.due_on,
                progress=action.progress,
            )
            for action in actions
        ),
        review_dates=tuple(review.held_on for review in reviews),
    )
    return plan_health(facts, today)


def early_investments(plan: Plan, actions: list[Action]) -> list[Action]:
    """Investment actions starting in the plan's first two months (not cancelled)."""
    early = add_months(plan.starts_on, 2)
    return [
        action
        for action in actions
        if action.category == ActionCategory.investment
        and action.status != ActionStatus.cancelled
        and action.starts_on < early
    ]


def cost_lines(session: Session, *conditions: Any) -> list[CostLine]:
    """Every funding share of the plans the conditions select (on Plan, Action, Engagement),
    with the paying organization resolved: the firm's and the buyer's shares are theirs."""
    columns: list[Any] = [
        FundingShare.payer,
        FundingShare.organization_id,
        FundingShare.percent,
        Action.category,
        Action.estimated_cost,
        Action.actual_cost,
        Action.status,
        Plan.organization_id,
        Engagement.buyer_id,
    ]
    statement = (
        select(*columns)
        .join(Action, col(Action.id) == FundingShare.action_id)
        .join(Plan, col(Plan.id) == Action.plan_id)
        .join(Engagement, col(Engagement.id) == Plan.engagement_id)
        .where(*conditions)
    )
    return [_cost_line(*row) for row in session.exec(statement).all()]


def _cost_line(
    payer: Any, paid_by: Any, percent: Any, category: Any, estimated: Any, actual: Any, *rest: Any
) -> CostLine:
    """One share as a cost line; a firm's or buyer's share without an organization is theirs."""
    status, firm, buyer = rest
    if paid_by is None and payer == Payer.firm:
        paid_by = firm
    if paid_by is None and payer == Payer.buyer:
        paid_by = buyer
    return CostLine(
        category=ActionCategory(category),
        payer=Payer(payer),
        organization_id=paid_by,
        percent=percent,
        estimated_cost=estimated,
        actual_cost=actual,
        cancelled=status == ActionStatus.cancelled,
    )
