"""Tracking's reads as use cases: today's overdue actions and missed reviews across the
programme, an engagement's plan timelines, and cost sharing per engagement and programme."""

import uuid
from typing import Any

from sqlmodel import Session

from service.accounts.models import User
from service.engagements.models import Engagement
from service.pagination import Page
from service.plans import queries as plan_queries
from service.plans.costs import cost_totals
from service.plans.models import Plan
from service.programmes.calendar import ends_on, today_in
from service.programmes.models import Programme
from service.tracking import access, queries, views
from service.tracking.models import Filters, OverdueSort
from service.tracking.views import CostReport, MissedReview, OverdueAction, PlanTimeline
from workflows.plan_health import whole_months_between


def overdue_actions(
    *,
    session: Session,
    user: User,
    filters: Filters,
    cursor: str | None,
    limit: int,
    q: str | None = None,
    sort: OverdueSort = OverdueSort.due_on,
) -> Page[OverdueAction]:
    """Actions past their due date and not done, whose title holds `q`, oldest first unless
    `sort` says otherwise, a page at a time."""
    today = today_in(session, user.programme_id)
    rows = queries.overdue_rows(session, user, filters, today, (q, sort, cursor, limit))
    following = queries.OVERDUE.next_cursor(rows, limit, queries.OVERDUE.effective(sort, cursor))
    return Page[OverdueAction](
        items=[views.overdue_action(row, today) for row in rows[:limit]], next_cursor=following
    )


def missed_reviews(*, session: Session, user: User, filters: Filters) -> list[MissedReview]:
    """Plans in progress a month or more without a monthly review, longest first."""
    today = today_in(session, user.programme_id)
    result = []
    for plan, engagement, firm, held_on in queries.in_progress_with_last_review(
        session, user, filters, today
    ):
        since = max(held_on, plan.starts_on) if held_on else plan.starts_on
        months = whole_months_between(since, min(today, ends_on(plan)))
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


def engagement_timeline(
    *, session: Session, user: User, engagement: Engagement
) -> list[PlanTimeline]:
    """Month by month, each visible plan's progress, and its KPI values against targets."""
    plans = plan_queries.visible_plans_of(session, user, engagement)
    ids = [plan.id for plan in plans]
    actions = plan_queries.actions_of(session, ids)
    reviews = plan_queries.reviews_of(session, ids)
    firms = {plan.organization_id for plan in plans}
    names = queries.names_of(session, firms)
    values = queries.kpi_values_of(session, engagement, firms)
    targets = queries.kpi_targets_of(session, engagement)
    return [
        _timeline(plan, names.get(plan.organization_id, ""), actions, reviews, values, targets)
        for plan in plans
    ]


def _timeline(
    plan: Plan,
    firm: str,
    actions: list[Any],
    reviews: list[Any],
    values: list[Any],
    targets: list[Any],
) -> PlanTimeline:
    """One plan's timeline, picked out of the engagement's actions, reviews, values, targets."""
    return PlanTimeline(
        plan_id=plan.id,
        firm_id=plan.organization_id,
        firm=firm,
        state=plan.state,
        starts_on=plan.starts_on,
        ends_on=ends_on(plan),
        months=views.month_points(
            plan,
            [a for a in actions if a.plan_id == plan.id],
            [r for r in reviews if r.plan_id == plan.id],
        ),
        kpis=views.kpi_series(
            [v for v in values if v.organization_id == plan.organization_id],
            {
                t.kpi: t.value
                for t in targets
                if t.participation_id == plan.participation_id and t.kpi and t.value
            },
        ),
    )


def engagement_costs(*, session: Session, user: User, engagement: Engagement) -> CostReport:
    """Cost sharing of the engagement's plans the user sees costs of (a supplier, its own)."""
    programme = session.get(Programme, engagement.programme_id)
    assert programme is not None
    return _cost_report(session, programme, access.cost_conditions(user, engagement))


def programme_costs(*, session: Session, programme: Programme) -> CostReport:
    """Cost sharing across every plan of the programme."""
    return _cost_report(session, programme, [Plan.programme_id == programme.id])


def _cost_report(session: Session, programme: Programme, conditions: list[Any]) -> CostReport:
    """Planned and actual costs of the plans the conditions select, by payer kind, action
    category and paying organization (named)."""
    totals = cost_totals(plan_queries.cost_lines(session, *conditions))
    ids = [uuid.UUID(t.key) for t in totals.by_organization if t.key != "unspecified"]
    names = {str(key): name for key, name in queries.names_of(session, ids).items()}
    return views.cost_report(programme.currency, totals, names)
