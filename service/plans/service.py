"""Plan use cases: open, add and update actions with their funding, submit, approve by every
party, start, review monthly, finish and close on the final audit."""

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, delete, select

from service.accounts.models import Role, User
from service.analyses.models import Analysis, Finding, KpiSource, KpiValue, Severity
from service.audits.models import Audit, AuditPurpose, AuditState
from service.engagements import access
from service.engagements.models import Engagement, Event, EventKind, Participation
from service.engagements.service import (
    bump_version,
    check_version,
    decide,
    follow,
    transition_participation,
)
from service.errors import Conflict, Forbidden, NotFound, Unprocessable
from service.plans.costs import CostLine
from service.plans.models import (
    Action,
    ActionCategory,
    ActionCreate,
    ActionStatus,
    ActionUpdate,
    ConditionalPartnership,
    FundingShare,
    Outcome,
    PartnershipDecided,
    PartnershipDecision,
    PartnershipDeclined,
    Party,
    Payer,
    Plan,
    PlanApproval,
    PlanCreate,
    Review,
    ReviewCreate,
)
from service.programmes.models import Organization, OrganizationKind, Programme
from service.types import number_text
from workflows import ParticipationState, Phase, PlanSnapshot, PlanState, apply_to_plan
from workflows.plan_health import ActionFacts, HealthReport, PlanFacts, add_months, plan_health

# Actions that build capability; a plan needs at least one before it is submitted.
CAPABILITY = frozenset({ActionCategory.training, ActionCategory.technical_assistance})
# Plans whose actions can still be added or changed.
OPEN_PLAN = frozenset(
    {PlanState.draft, PlanState.submitted, PlanState.approved, PlanState.in_progress}
)


def today_in(session: Session, programme_id: uuid.UUID | None) -> date:
    """Today in the programme's timezone: the day a firm sees on its calendar."""
    programme = session.get(Programme, programme_id) if programme_id else None
    zone = ZoneInfo(programme.timezone if programme else "UTC")
    return datetime.now(zone).date()


def ends_on(plan: Plan) -> date:
    return add_months(plan.starts_on, plan.months)


def _event(
    plan: Plan,
    actor: User,
    trigger: str,
    source: str | None = None,
    dest: str | None = None,
    reason: str | None = None,
) -> Event:
    return Event(
        programme_id=plan.programme_id,
        engagement_id=plan.engagement_id,
        participation_id=plan.participation_id,
        actor_id=actor.id,
        kind=EventKind.plan,
        trigger=trigger,
        from_state=source,
        to_state=dest,
        reason=reason,
    )


def open_plan(*, session: Session, actor: User, engagement: Engagement, data: PlanCreate) -> Plan:
    """One plan per analysed supplier and one for the buyer, in the improvement_plans phase."""
    if engagement.phase != Phase.improvement_plans:
        reason = "plans are drawn up in phase improvement_plans"
        raise Conflict(reason, blocked_by=[reason])
    if data.participation_id is None:
        organization_id = engagement.buyer_id
    else:
        participation = session.get(Participation, data.participation_id)
        if participation is None or participation.engagement_id != engagement.id:
            raise NotFound("no such participation in this engagement", field="participation_id")
        if participation.state != ParticipationState.analysed:
            raise Conflict(
                f"plans are for analysed suppliers; this one is {participation.state.value}",
                field="participation_id",
            )
        organization_id = participation.supplier_id
    existing = select(Plan.id).where(
        Plan.engagement_id == engagement.id, Plan.organization_id == organization_id
    )
    if session.exec(existing).first() is not None:
        raise Conflict("this firm already has a plan in this engagement", field="participation_id")
    plan = Plan(
        programme_id=engagement.programme_id,
        engagement_id=engagement.id,
        participation_id=data.participation_id,
        organization_id=organization_id,
        starts_on=data.starts_on,
        months=data.months,
        created_by=actor.id,
    )
    session.add(plan)
    session.flush()
    session.add(_event(plan, actor, "open_plan", None, PlanState.draft.value))
    follow(
        session,
        actor,
        engagement,
        plan.participation_id,
        (ParticipationState.analysed, ParticipationState.planning, "start_planning"),
        "its improvement plan was opened",
    )
    session.commit()
    return plan


def change_window(
    *, session: Session, actor: User, plan: Plan, starts_on: date, months: int, version: int
) -> Plan:
    """Move or lengthen a draft plan; its actions must still fit."""
    check_version(plan.version, version)
    _require_state(plan, {PlanState.draft}, "only a draft plan's dates can change")
    end = add_months(starts_on, months)
    for action in actions_of(session, [plan.id]):
        if action.starts_on < starts_on or action.due_on > end:
            raise Conflict(
                f"action {action.title!r} ({action.starts_on} to {action.due_on}) would fall "
                f"outside the plan ({starts_on} to {end})",
                field="starts_on",
            )
    bump_version(session, Plan, plan.id, version, starts_on=starts_on, months=months)
    session.add(_event(plan, actor, "change_window", reason=f"{starts_on}, {months} months"))
    session.commit()
    session.refresh(plan)
    return plan


def _require_state(plan: Plan, states: Iterable[PlanState], reason: str) -> None:
    if plan.state not in set(states):
        raise Conflict(f"{reason}; the plan is {plan.state.value}", blocked_by=[reason])


def _check_action(session: Session, plan: Plan, data: ActionCreate) -> None:
    """Dates inside the plan window, shares adding up to 100, known findings and payers."""
    end = ends_on(plan)
    where = repr(data.title)
    if data.starts_on < plan.starts_on:
        raise Unprocessable(
            f"action {where} starts before the plan ({plan.starts_on})", field="starts_on"
        )
    if data.due_on > end:
        raise Unprocessable(f"action {where} is due after the plan ends ({end})", field="due_on")
    if data.due_on < data.starts_on:
        raise Unprocessable(f"action {where} is due before it starts", field="due_on")
    total = sum((Decimal(share.percent) for share in data.funding), Decimal(0))
    if total != 100:
        raise Unprocessable(
            f"the funding shares of action {where} add up to {total} %, not 100 %",
            field="funding",
        )
    findings = {str(f.id) for f in findings_of_firm(session, plan)}
    for n, finding_id in enumerate(data.finding_ids):
        if str(finding_id) not in findings:
            raise NotFound("no finding of this firm's analysis", field=f"finding_ids.{n}")
    if data.provider_id is not None:
        _require_organization(session, plan, data.provider_id, "provider_id", provider=True)
    for n, share in enumerate(data.funding):
        if share.organization_id is not None:
            _require_organization(
                session, plan, share.organization_id, f"funding.{n}.organization_id"
            )


def _require_organization(
    session: Session, plan: Plan, organization_id: uuid.UUID, field: str, provider: bool = False
) -> None:
    organization = session.get(Organization, organization_id)
    if organization is None or organization.programme_id != plan.programme_id:
        raise NotFound("no such organization in this programme", field=field)
    if provider and organization.kind != OrganizationKind.provider:
        raise NotFound("no such provider in this programme", field=field)


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


def add_action(
    *, session: Session, actor: User, plan: Plan, data: ActionCreate, version: int
) -> Action:
    """An action with its funding shares; the plan's version moves on."""
    check_version(plan.version, version)
    _require_state(plan, OPEN_PLAN, "actions are added to plans not yet in final review")
    _check_action(session, plan, data)
    action = Action(
        programme_id=plan.programme_id,
        plan_id=plan.id,
        category=data.category,
        title=data.title,
        description=data.description,
        finding_ids=[str(finding_id) for finding_id in data.finding_ids],
        owner=data.owner,
        provider_id=data.provider_id,
        starts_on=data.starts_on,
        due_on=data.due_on,
        estimated_cost=Decimal(data.estimated_cost),
    )
    session.add(action)
    session.flush()
    for position, share in enumerate(data.funding):
        session.add(
            FundingShare(
                action_id=action.id,
                position=position,
                payer=share.payer,
                organization_id=share.organization_id,
                percent=Decimal(share.percent),
            )
        )
    bump_version(session, Plan, plan.id, version)
    session.add(_event(plan, actor, "add_action", reason=f"{data.category.value}: {data.title}"))
    session.commit()
    session.refresh(action)
    return action


# Where each action status may go next.
NEXT_STATUS = {
    ActionStatus.planned: {ActionStatus.in_progress, ActionStatus.done, ActionStatus.cancelled},
    ActionStatus.in_progress: {ActionStatus.done, ActionStatus.cancelled},
    ActionStatus.done: set(),
    ActionStatus.cancelled: set(),
}


def update_action(
    *, session: Session, actor: User, plan: Plan, action: Action, data: ActionUpdate, version: int
) -> Action:
    """Report progress, move the status on, or record the actual cost."""
    check_version(action.version, version)
    _require_state(plan, OPEN_PLAN, "actions of plans in final review or closed are settled")
    changes = data.model_dump(exclude_unset=True)
    if not changes:
        raise Unprocessable(
            "nothing to change: send status, progress, actual_cost or cancel_reason",
            field="status",
        )
    status = changes.get("status", action.status)
    if status != action.status and status not in NEXT_STATUS[action.status]:
        raise Conflict(
            f"an action that is {action.status.value} cannot become {status.value}",
            field="status",
        )
    if status == ActionStatus.cancelled and not (
        changes.get("cancel_reason") or action.cancel_reason
    ):
        raise Unprocessable("a cancelled action needs cancel_reason", field="cancel_reason")
    if "cancel_reason" in changes and status != ActionStatus.cancelled:
        raise Unprocessable("cancel_reason goes with status cancelled", field="cancel_reason")
    if status == ActionStatus.done:
        changes["progress"] = 100
    if "actual_cost" in changes:
        changes["actual_cost"] = Decimal(changes["actual_cost"])
    bump_version(session, Action, action.id, version, **changes)
    detail = ", ".join(f"{name} {value}" for name, value in sorted(changes.items()))
    session.add(_event(plan, actor, "update_action", reason=f"{action.title}: {detail}"))
    session.commit()
    session.refresh(action)
    return action


def approvals_needed(plan: Plan) -> list[Party]:
    """The broker and the buyer approve every plan; a supplier also accepts its own."""
    parties = [Party.broker, Party.buyer]
    if plan.participation_id is not None:
        parties.append(Party.supplier)
    return parties


def party_of(user: User, engagement: Engagement, plan: Plan) -> Party:
    """In whose name the user approves this plan, or 403."""
    if access.may_act(user, engagement):
        return Party.broker
    if user.role == Role.buyer and user.organization_id == engagement.buyer_id:
        return Party.buyer
    if (
        user.role == Role.supplier
        and plan.participation_id is not None
        and user.organization_id == plan.organization_id
    ):
        return Party.supplier
    raise Forbidden("only the broker, the buyer or the supplier of the plan approve it")


def snapshot(session: Session, plan: Plan, engagement: Engagement) -> PlanSnapshot:
    """Everything the plan guards need, read from the database."""
    actions = actions_of(session, [plan.id])
    live = [a for a in actions if a.status != ActionStatus.cancelled]
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
            sorted(_baseline_kpis(session, plan) - _final_kpis(session, plan))
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


def _baseline_kpis(session: Session, plan: Plan) -> set[str]:
    return _kpis(session, plan, KpiSource.baseline)


def _final_kpis(session: Session, plan: Plan) -> set[str]:
    return _kpis(session, plan, KpiSource.final)


def transition(
    *,
    session: Session,
    actor: User,
    engagement: Engagement,
    plan: Plan,
    trigger: str,
    reason: str | None,
    version: int,
) -> Plan:
    """Submit, return to draft (with a reason), start, finish or close; 409 lists what blocks."""
    check_version(plan.version, version)
    source = plan.state
    destination = decide(
        lambda: apply_to_plan(snapshot(session, plan, engagement), trigger, reason)
    )
    values: dict[str, Any] = {"state": destination}
    if destination == PlanState.closed:
        values["closed_at"] = datetime.now(ZoneInfo("UTC"))
    bump_version(session, Plan, plan.id, version, **values)
    session.add(_event(plan, actor, trigger, source.value, destination.value, reason))
    if trigger == "return_to_draft":
        session.exec(delete(PlanApproval).where(col(PlanApproval.plan_id) == plan.id))
    if destination == PlanState.in_progress:
        follow(
            session,
            actor,
            engagement,
            plan.participation_id,
            (ParticipationState.planning, ParticipationState.implementing, "start_implementation"),
            "its improvement plan started",
        )
    if destination == PlanState.closed:
        follow(
            session,
            actor,
            engagement,
            plan.participation_id,
            (ParticipationState.implementing, ParticipationState.closed, "close"),
            "its improvement plan was closed after the final review",
        )
    session.commit()
    session.refresh(plan)
    return plan


def approve(
    *, session: Session, actor: User, engagement: Engagement, plan: Plan, version: int
) -> Plan:
    """Record the caller's party's approval; the last one needed approves the plan."""
    check_version(plan.version, version)
    party = party_of(actor, engagement, plan)
    _require_state(plan, {PlanState.submitted}, "only a submitted plan is approved")
    approved = {row.party for row in approvals_of(session, [plan.id])}
    if party in approved:
        raise Conflict(f"the {party.value} has already approved this plan", field="party")
    session.add(PlanApproval(plan_id=plan.id, party=party, user_id=actor.id))
    session.add(_event(plan, actor, "approve", reason=f"approved for the {party.value}"))
    session.flush()
    facts = snapshot(session, plan, engagement)
    values: dict[str, Any] = {}
    if not facts.missing_approvals:
        decide(lambda: apply_to_plan(facts, "approve"))
        values["state"] = PlanState.approved
        session.add(
            _event(
                plan,
                actor,
                "approved",
                PlanState.submitted.value,
                PlanState.approved.value,
                "approved by every party",
            )
        )
    bump_version(session, Plan, plan.id, version, **values)
    session.commit()
    session.refresh(plan)
    return plan


def add_review(
    *, session: Session, actor: User, plan: Plan, data: ReviewCreate, version: int
) -> Review:
    """A monthly review: the broker's notes and next steps, and progress per action."""
    check_version(plan.version, version)
    _require_state(
        plan, {PlanState.in_progress, PlanState.final_review}, "reviews follow a started plan"
    )
    today = today_in(session, plan.programme_id)
    if data.held_on > today:
        raise Unprocessable(f"a review is recorded once held; today is {today}", field="held_on")
    actions = {str(action.id): action for action in actions_of(session, [plan.id])}
    for n, item in enumerate(data.progress):
        action = actions.get(str(item.action_id))
        if action is None:
            raise NotFound("no such action in this plan", field=f"progress.{n}.action_id")
    review = Review(
        plan_id=plan.id,
        held_on=data.held_on,
        broker_id=actor.id,
        notes=data.notes,
        next_steps=data.next_steps,
        progress={str(item.action_id): item.progress for item in data.progress},
    )
    session.add(review)
    for item in data.progress:
        action = actions[str(item.action_id)]
        if action.status in {ActionStatus.done, ActionStatus.cancelled}:
            continue
        status = ActionStatus.in_progress if item.progress > 0 else action.status
        bump_version(
            session, Action, action.id, action.version, progress=item.progress, status=status
        )
    session.add_all(
        KpiValue(
            engagement_id=plan.engagement_id,
            organization_id=plan.organization_id,
            kpi=reading.kpi,
            value=number_text(reading.value),
            measured_on=reading.measured_on,
            how_measured=reading.how_measured,
            source=KpiSource.review,
            recorded_by=actor.id,
        )
        for reading in data.kpis
    )
    bump_version(session, Plan, plan.id, version)
    session.add(_event(plan, actor, "review", reason=f"monthly review of {data.held_on}"))
    session.commit()
    session.refresh(review)
    return review


def record_kpis(
    *,
    session: Session,
    actor: User,
    plan: Plan,
    readings: list[Any],
    source: KpiSource,
    version: int,
) -> list[KpiValue]:
    """KPI values measured during the plan (review) or at its end (final)."""
    check_version(plan.version, version)
    states = {PlanState.in_progress, PlanState.final_review}
    if source == KpiSource.final:
        states = {PlanState.final_review}
    _require_state(plan, states, f"{source.value} KPI values are recorded on a started plan")
    rows = [
        KpiValue(
            engagement_id=plan.engagement_id,
            organization_id=plan.organization_id,
            kpi=reading.kpi,
            value=number_text(reading.value),
            measured_on=reading.measured_on,
            how_measured=reading.how_measured,
            source=source,
            recorded_by=actor.id,
        )
        for reading in readings
    ]
    session.add_all(rows)
    bump_version(session, Plan, plan.id, version)
    names = ", ".join(f"{row.kpi} = {row.value}" for row in rows)
    session.add(_event(plan, actor, f"record_{source.value}_kpis", reason=names))
    session.commit()
    for row in rows:
        session.refresh(row)
    return rows


def actions_of(session: Session, plan_ids: list[Any]) -> list[Action]:
    statement = select(Action).where(col(Action.plan_id).in_(plan_ids))
    return list(session.exec(statement.order_by(col(Action.starts_on), col(Action.id))).all())


def shares_of(session: Session, action_ids: list[Any]) -> list[FundingShare]:
    statement = select(FundingShare).where(col(FundingShare.action_id).in_(action_ids))
    ordered = statement.order_by(
        col(FundingShare.action_id), col(FundingShare.position), col(FundingShare.id)
    )
    return list(session.exec(ordered).all())


def reviews_of(session: Session, plan_ids: list[Any]) -> list[Review]:
    statement = select(Review).where(col(Review.plan_id).in_(plan_ids))
    return list(session.exec(statement.order_by(col(Review.held_on), col(Review.id))).all())


def approvals_of(session: Session, plan_ids: list[Any]) -> list[PlanApproval]:
    statement = select(PlanApproval).where(col(PlanApproval.plan_id).in_(plan_ids))
    return list(
        session.exec(statement.order_by(col(PlanApproval.approved_at), col(PlanApproval.id))).all()
    )


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


def warnings_of(plan: Plan, actions: list[Action]) -> list[str]:
    """What the method advises against without forbidding it: early investment."""
    return [
        f"investment action {action.title!r} starts in the plan's first two months; "
        "capital investment usually comes after training and assistance"
        for action in early_investments(plan, actions)
    ]


# The participation trigger each outcome fires.
OUTCOME_TRIGGERS = {
    Outcome.partnership: "record_partnership",
    Outcome.conditional: "record_conditional_partnership",
    Outcome.declined: "record_no_partnership",
}


def decide_partnership(
    *,
    session: Session,
    actor: User,
    engagement: Engagement,
    participation: Participation,
    data: PartnershipDecided | ConditionalPartnership | PartnershipDeclined,
    version: int,
) -> PartnershipDecision:
    """The buyer's decision on a supplier whose plan is closed: partnership, conditional
    partnership (with its conditions) or declined, each with its rationale."""
    outcome = Outcome(data.outcome)
    decision = PartnershipDecision(
        programme_id=engagement.programme_id,
        engagement_id=engagement.id,
        participation_id=participation.id,
        outcome=outcome,
        conditions=getattr(data, "conditions", None),
        rationale=data.rationale,
        decided_by=actor.id,
    )
    session.add(decision)
    reason = data.rationale
    if decision.conditions:
        reason = f"{data.rationale} (conditions: {decision.conditions})"
    session.add(
        Event(
            programme_id=engagement.programme_id,
            engagement_id=engagement.id,
            participation_id=participation.id,
            actor_id=actor.id,
            kind=EventKind.decision,
            trigger="decide_partnership",
            to_state=outcome.value,
            reason=reason,
        )
    )
    transition_participation(
        session=session,
        actor=actor,
        engagement=engagement,
        participation=participation,
        trigger=OUTCOME_TRIGGERS[outcome],
        reason=reason,
        version=version,
    )
    session.refresh(decision)
    return decision


def closed_firms(session: Session, engagement_id: Any) -> set[Any]:
    """Organizations of the engagement whose plan is closed."""
    statement = select(Plan.organization_id).where(
        Plan.engagement_id == engagement_id, Plan.state == PlanState.closed
    )
    return set(session.exec(statement).all())


def plan_states(session: Session, engagement_id: Any) -> dict[Any, PlanState]:
    """Each firm's plan state in the engagement."""
    statement = select(Plan.organization_id, Plan.state).where(Plan.engagement_id == engagement_id)
    return {organization_id: PlanState(state) for organization_id, state in session.exec(statement)}


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
    lines = []
    for payer, paid_by, percent, category, estimated, actual, status, firm, buyer in session.exec(
        statement
    ).all():
        if paid_by is None and payer == Payer.firm:
            paid_by = firm
        if paid_by is None and payer == Payer.buyer:
            paid_by = buyer
        lines.append(
            CostLine(
                category=ActionCategory(category),
                payer=Payer(payer),
                organization_id=paid_by,
                percent=percent,
                estimated_cost=estimated,
                actual_cost=actual,
                cancelled=status == ActionStatus.cancelled,
            )
        )
    return lines
