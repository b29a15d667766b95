"""Tracking views: overdue actions and missed reviews across the programme, each
engagement's month-by-month timeline, and cost sharing per engagement and per programme."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Query
from sqlalchemy import and_, exists, func, or_
from sqlmodel import Session, SQLModel, col, select

from service.accounts.models import Role, User
from service.analyses.models import KpiSource, KpiValue
from service.deps import CallerDep
from service.engagements import access
from service.engagements.models import Engagement
from service.engagements.router import READ, EngagementDep
from service.errors import Forbidden, problems
from service.kpis import kpi_catalogue
from service.pagination import LimitQuery, Page
from service.plans import service
from service.plans.costs import cost_totals
from service.plans.models import Action, Plan, Review
from service.programmes.models import Organization, Programme
from service.programmes.router import ProgrammeDep
from service.targets.models import Target, TargetKind
from workflows import PlanState
from workflows.plan_health import (
    ActionFacts,
    ActionStatus,
    PlanFacts,
    add_months,
    plan_health,
    whole_months_between,
)

router = APIRouter(tags=["tracking"])

# Plans whose actions and reviews are being carried out.
UNDER_WAY = (PlanState.approved, PlanState.in_progress)
OPEN_ACTION = (ActionStatus.planned, ActionStatus.in_progress)
# An overdue-actions cursor: the last row's due date as a day number (0001-01-01 is 1) and id.
DAY_CURSOR = r"^[0-9]{1,7}-[0-9a-f]{32}$"
DayCursorQuery = Annotated[
    str | None, Query(pattern=DAY_CURSOR, description="The `next_cursor` of the previous page")
]


class OverdueAction(SQLModel):
    action_id: uuid.UUID
    title: str
    status: ActionStatus
    progress: int
    due_on: date
    days_late: int
    plan_id: uuid.UUID
    engagement_id: uuid.UUID
    firm_id: uuid.UUID
    firm: str
    buyer_id: uuid.UUID
    broker_id: uuid.UUID | None
    provider_id: uuid.UUID | None


class MissedReview(SQLModel):
    plan_id: uuid.UUID
    engagement_id: uuid.UUID
    firm_id: uuid.UUID
    firm: str
    buyer_id: uuid.UUID
    broker_id: uuid.UUID | None
    last_review_on: date | None
    months_without_review: int


def _visible(statement: Any, user: User) -> Any:
    """Rows of plans the user may follow: all for unit staff, its engagements for a buyer,
    its own plan for a supplier, the actions it delivers for a provider; none otherwise."""
    statement = statement.where(Plan.programme_id == user.programme_id)
    if user.role in access.READS_ALL:
        return statement
    if user.role == Role.buyer:
        return statement.where(Engagement.buyer_id == user.organization_id)
    if user.role == Role.supplier:
        return statement.where(Plan.organization_id == user.organization_id)
    if user.role == Role.provider:
        return statement.where(Action.provider_id == user.organization_id)
    return statement.where(col(Plan.id).is_(None))


def _filters(
    statement: Any,
    broker_id: uuid.UUID | None,
    buyer_id: uuid.UUID | None,
    provider_id: uuid.UUID | None = None,
) -> Any:
    if broker_id is not None:
        statement = statement.where(Engagement.broker_id == broker_id)
    if buyer_id is not None:
        statement = statement.where(Engagement.buyer_id == buyer_id)
    if provider_id is not None:
        statement = statement.where(Action.provider_id == provider_id)
    return statement


@router.get(
    "/tracking/overdue-actions", response_model=Page[OverdueAction], responses=problems(401, 422)
)
def overdue_actions(
    caller: CallerDep,
    broker_id: uuid.UUID | None = None,
    buyer_id: uuid.UUID | None = None,
    provider_id: uuid.UUID | None = None,
    cursor: DayCursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[OverdueAction]:
    """Actions past their due date and not done, oldest first, across the programme's plans
    under way; filter by broker, buyer or provider."""
    today = service.today_in(caller.session, caller.user.programme_id)
    # Columns, not ORM objects: a page holds 50 rows from four tables.
    statement: Any = (
        sa.select(
            col(Action.id),
            col(Action.title),
            col(Action.status),
            col(Action.progress),
            col(Action.due_on),
            col(Action.provider_id),
            col(Plan.id).label("plan_id"),
            col(Plan.organization_id),
            col(Engagement.id).label("engagement_id"),
            col(Engagement.buyer_id),
            col(Engagement.broker_id),
            col(Organization.name),
        )
        .join(Plan, col(Plan.id) == Action.plan_id)
        .join(Engagement, col(Engagement.id) == Plan.engagement_id)
        .join(Organization, col(Organization.id) == Plan.organization_id)
        .where(
            col(Action.programme_id) == caller.user.programme_id,
            col(Plan.state).in_(UNDER_WAY),
            col(Action.status).in_(OPEN_ACTION),
            col(Action.due_on) < today,
        )
    )
    statement = _filters(_visible(statement, caller.user), broker_id, buyer_id, provider_id)
    if cursor is not None:
        number, hex_id = cursor.split("-")
        after = date.fromordinal(min(max(int(number), 1), date.max.toordinal()))
        statement = statement.where(
            or_(
                col(Action.due_on) > after,
                and_(col(Action.due_on) == after, col(Action.id) > uuid.UUID(hex=hex_id)),
            )
        )
    rows = caller.session.execute(
        statement.order_by(col(Action.due_on), col(Action.id)).limit(limit + 1)
    ).all()
    items = [
        OverdueAction(
            action_id=row.id,
            title=row.title,
            status=row.status,
            progress=row.progress,
            due_on=row.due_on,
            days_late=(today - row.due_on).days,
            plan_id=row.plan_id,
            engagement_id=row.engagement_id,
            firm_id=row.organization_id,
            firm=row.name,
            buyer_id=row.buyer_id,
            broker_id=row.broker_id,
            provider_id=row.provider_id,
        )
        for row in rows[:limit]
    ]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = f"{last.due_on.toordinal()}-{last.action_id.hex}"
    return Page[OverdueAction](items=items, next_cursor=next_cursor)


@router.get(
    "/tracking/missed-reviews", response_model=list[MissedReview], responses=problems(401, 422)
)
def missed_reviews(
    caller: CallerDep,
    broker_id: uuid.UUID | None = None,
    buyer_id: uuid.UUID | None = None,
    provider_id: uuid.UUID | None = None,
) -> list[MissedReview]:
    """Plans in progress that have gone a month or more without a monthly review, longest
    first; filter by broker, buyer, or a provider delivering one of the plan's actions.
    Providers and observers follow no plan: empty."""
    if caller.user.role in {Role.provider, Role.observer}:
        return []
    today = service.today_in(caller.session, caller.user.programme_id)
    last_review = (
        select(Review.plan_id, func.max(Review.held_on).label("held_on"))
        .where(Review.held_on <= today)
        .group_by(col(Review.plan_id))
        .subquery()
    )
    statement = (
        select(Plan, Engagement, Organization.name, last_review.c.held_on)
        .join(Engagement, col(Engagement.id) == Plan.engagement_id)
        .join(Organization, col(Organization.id) == Plan.organization_id)
        .outerjoin(last_review, last_review.c.plan_id == Plan.id)
        .where(Plan.state == PlanState.in_progress)
    )
    statement = _filters(_visible(statement, caller.user), broker_id, buyer_id)
    if provider_id is not None:
        delivers = exists().where(
            col(Action.plan_id) == Plan.id, col(Action.provider_id) == provider_id
        )
        statement = statement.where(delivers)
    result = []
    for plan, engagement, firm, held_on in caller.session.exec(statement).all():
        end = min(today, service.ends_on(plan))
        since = max(held_on, plan.starts_on) if held_on else plan.starts_on
        months = whole_months_between(since, end)
        if months >= 1:
            result.append(
                MissedReview(
                    plan_id=plan.id,
                    engagement_id=engagement.id,
                    firm_id=plan.organization_id,
                    firm=firm,
                    buyer_id=engagement.buyer_id,
                    broker_id=engagement.broker_id,
                    last_review_on=held_on,
                    months_without_review=months,
                )
            )
    return sorted(result, key=lambda row: (-row.months_without_review, row.firm, str(row.plan_id)))


class MonthPoint(SQLModel):
    month: int
    ends_on: date
    expected_progress: int
    reported_progress: int | None  # by the last review held in that month
    reviewed_on: date | None


class KpiPoint(SQLModel):
    measured_on: date
    value: str
    source: KpiSource


class KpiSeries(SQLModel):
    kpi: str
    unit: str
    better: str
    baseline: str | None
    target: str | None
    values: list[KpiPoint]


class PlanTimeline(SQLModel):
    plan_id: uuid.UUID
    firm_id: uuid.UUID
    firm: str
    state: PlanState
    starts_on: date
    ends_on: date
    months: list[MonthPoint]
    kpis: list[KpiSeries]


def _months(plan: Plan, actions: list[Action], reviews: list[Any]) -> list[MonthPoint]:
    """Each month of the plan: progress expected at its end, and as last reviewed in it."""
    known: dict[str, int] = {}
    points = []
    ordered = sorted(reviews, key=lambda review: review.held_on)
    for month in range(1, plan.months + 1):
        begins, ends = add_months(plan.starts_on, month - 1), add_months(plan.starts_on, month)
        in_month = [r for r in ordered if begins <= r.held_on < ends]
        for review in in_month:
            known.update(review.progress)

        def facts(progress: dict[str, int]) -> PlanFacts:
            return PlanFacts(
                starts_on=plan.starts_on,
                months=plan.months,
                actions=tuple(
                    ActionFacts(
                        title=a.title,
                        status=ActionStatus.cancelled
                        if a.status == ActionStatus.cancelled
                        else ActionStatus.in_progress,
                        starts_on=a.starts_on,
                        due_on=a.due_on,
                        progress=progress.get(str(a.id), 0),
                    )
                    for a in actions
                ),
                review_dates=(),
            )

        expected = plan_health(facts({}), ends).expected_progress
        reported = plan_health(facts(known), ends).actual_progress if in_month else None
        points.append(
            MonthPoint(
                month=month,
                ends_on=ends,
                expected_progress=expected,
                reported_progress=reported,
                reviewed_on=in_month[-1].held_on if in_month else None,
            )
        )
    return points


def _kpis(values: list[KpiValue], targets: dict[str, str]) -> list[KpiSeries]:
    catalogue = kpi_catalogue()
    series = []
    for key in sorted({value.kpi for value in values} | set(targets)):
        own = sorted((v for v in values if v.kpi == key), key=lambda v: v.measured_on)
        baseline = next((v.value for v in own if v.source == KpiSource.baseline), None)
        kpi = catalogue.get(key)
        series.append(
            KpiSeries(
                kpi=key,
                unit=kpi.unit if kpi else "",
                better=kpi.better if kpi else "",
                baseline=baseline,
                target=targets.get(key),
                values=[
                    KpiPoint(measured_on=v.measured_on, value=v.value, source=v.source) for v in own
                ],
            )
        )
    return series


@router.get(
    "/engagements/{engagement_id}/timeline", response_model=list[PlanTimeline], responses=READ
)
def engagement_timeline(engagement: EngagementDep, caller: CallerDep) -> list[PlanTimeline]:
    """Month by month, each visible plan's expected and reported progress, and its KPI values
    against baseline and target."""
    from service.plans.router import may_see

    session = caller.session
    plans = [
        plan
        for plan in session.exec(
            select(Plan)
            .where(Plan.engagement_id == engagement.id)
            .order_by(col(Plan.created_at), col(Plan.id))
        ).all()
        if may_see(caller.user, engagement, plan)
    ]
    ids = [plan.id for plan in plans]
    actions = service.actions_of(session, ids)
    reviews = service.reviews_of(session, ids)
    firms = {plan.organization_id for plan in plans}
    names = dict(
        session.exec(
            select(Organization.id, Organization.name).where(col(Organization.id).in_(firms))
        ).all()
    )
    values = session.exec(
        select(KpiValue).where(
            KpiValue.engagement_id == engagement.id, col(KpiValue.organization_id).in_(firms)
        )
    ).all()
    targets = session.exec(
        select(Target).where(Target.engagement_id == engagement.id, Target.kind == TargetKind.kpi)
    ).all()
    return [
        PlanTimeline(
            plan_id=plan.id,
            firm_id=plan.organization_id,
            firm=names.get(plan.organization_id, ""),
            state=plan.state,
            starts_on=plan.starts_on,
            ends_on=service.ends_on(plan),
            months=_months(
                plan,
                [a for a in actions if a.plan_id == plan.id],
                [r for r in reviews if r.plan_id == plan.id],
            ),
            kpis=_kpis(
                [v for v in values if v.organization_id == plan.organization_id],
                {
                    t.kpi: t.value
                    for t in targets
                    if t.participation_id == plan.participation_id and t.kpi and t.value
                },
            ),
        )
        for plan in plans
    ]


class CostRow(SQLModel):
    key: str
    name: str | None
    planned: Decimal
    actual: Decimal


class CostReport(SQLModel):
    currency: str
    planned: Decimal
    actual: Decimal
    by_payer: list[CostRow]
    by_category: list[CostRow]
    by_organization: list[CostRow]


def _cost_report(session: Session, programme: Programme, *conditions: Any) -> CostReport:
    lines = service.cost_lines(session, *conditions)
    totals = cost_totals(lines)
    ids = [uuid.UUID(t.key) for t in totals.by_organization if t.key != "unspecified"]
    names = {
        str(key): name
        for key, name in session.exec(
            select(Organization.id, Organization.name).where(col(Organization.id).in_(ids))
        ).all()
    }

    def rows(totals_: list[Any], named: bool = False) -> list[CostRow]:
        return [
            CostRow(
                key=t.key,
                name=names.get(t.key) if named else None,
                planned=t.planned,
                actual=t.actual,
            )
            for t in totals_
        ]

    return CostReport(
        currency=programme.currency,
        planned=totals.planned,
        actual=totals.actual,
        by_payer=rows(totals.by_payer),
        by_category=rows(totals.by_category),
        by_organization=rows(totals.by_organization, named=True),
    )


@router.get("/engagements/{engagement_id}/costs", response_model=CostReport, responses=READ)
def engagement_costs(engagement: EngagementDep, caller: CallerDep) -> CostReport:
    """Cost sharing of the engagement's plans (a supplier's, of its own plan): planned and
    actual, by payer kind, action category and paying organization."""
    conditions = [Plan.engagement_id == engagement.id]
    if caller.user.role == Role.supplier:
        conditions.append(Plan.organization_id == caller.user.organization_id)
    programme = caller.session.get(Programme, engagement.programme_id)
    assert programme is not None
    return _cost_report(caller.session, programme, *conditions)


@router.get(
    "/programmes/{programme_id}/costs",
    response_model=CostReport,
    responses=problems(401, 403, 404, 422),
)
def programme_costs(programme: ProgrammeDep, caller: CallerDep) -> CostReport:
    """Cost sharing across every plan of the programme, for the unit and its donors'
    observers: planned and actual, by payer kind, action category and organization."""
    if not (caller.user.is_superuser or caller.user.role in {*access.READS_ALL, Role.observer}):
        raise Forbidden("programme totals are for the unit and observers")
    return _cost_report(caller.session, programme, Plan.programme_id == programme.id)
