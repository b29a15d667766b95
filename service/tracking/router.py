"""Routes for tracking: overdue actions and missed reviews across the programme, each
engagement's month-by-month timeline, and cost sharing per engagement and per programme."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from service.deps import READ, CallerDep, EngagementDep, ProgrammeDep
from service.errors import problems
from service.pagination import (
    BY_DAY,
    BY_RANK,
    SORT_HELP,
    DayCursorQuery,
    LimitQuery,
    Page,
    RankCursorQuery,
    SearchQuery,
    page_after,
    sorted_cursor_query,
)
from service.tracking import access, queries, service
from service.tracking.models import Filters, OverdueSort
from service.tracking.views import (
    CostReport,
    MissedReview,
    OverdueAction,
    PlanTimeline,
    longest_first,
)

router = APIRouter(tags=["tracking"])
OverdueCursor = Annotated[str | None, sorted_cursor_query(queries.OVERDUE)]


@router.get(
    "/tracking/overdue-actions", response_model=Page[OverdueAction], responses=problems(401, 422)
)
def overdue_actions(
    caller: CallerDep,
    broker_id: uuid.UUID | None = None,
    buyer_id: uuid.UUID | None = None,
    provider_id: uuid.UUID | None = None,
    q: SearchQuery = None,
    sort: Annotated[OverdueSort, Query(description=SORT_HELP)] = OverdueSort.due_on,
    cursor: OverdueCursor = None,
    limit: LimitQuery = 50,
) -> Page[OverdueAction]:
    """Actions past their due date and not done across the programme's plans under way,
    oldest first unless `sort` says otherwise; filter by broker, buyer or provider, or by
    words of the title (`q`, case, accents and spacing aside)."""
    return service.overdue_actions(
        session=caller.session,
        user=caller.user,
        filters=Filters(broker_id, buyer_id, provider_id),
        cursor=cursor,
        limit=limit,
        q=q,
        sort=sort,
    )


@router.get(
    "/tracking/missed-reviews", response_model=Page[MissedReview], responses=problems(401, 422)
)
def missed_reviews(
    caller: CallerDep,
    broker_id: uuid.UUID | None = None,
    buyer_id: uuid.UUID | None = None,
    provider_id: uuid.UUID | None = None,
    cursor: RankCursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[MissedReview]:
    """Plans in progress that have gone a month or more without a monthly review, longest
    first; filter by broker, buyer, or a provider delivering one of the plan's actions.
    Providers and observers follow no plan: empty."""
    rows: list[MissedReview] = []
    if access.follows_reviews(caller.user):
        rows = service.missed_reviews(
            session=caller.session,
            user=caller.user,
            filters=Filters(broker_id, buyer_id, provider_id),
        )
    return page_after(rows, cursor, limit, list, position=longest_first, keyset=BY_RANK)


@router.get(
    "/engagements/{engagement_id}/timeline", response_model=Page[PlanTimeline], responses=READ
)
def engagement_timeline(
    engagement: EngagementDep,
    caller: CallerDep,
    cursor: DayCursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[PlanTimeline]:
    """Month by month, each visible plan's expected and reported progress, and its KPI values
    against baseline and target; plans by start date."""
    plans = service.engagement_timeline(
        session=caller.session, user=caller.user, engagement=engagement
    )
    return page_after(
        plans, cursor, limit, list, position=lambda p: (p.starts_on, p.plan_id), keyset=BY_DAY
    )


@router.get("/engagements/{engagement_id}/costs", response_model=CostReport, responses=READ)
def engagement_costs(engagement: EngagementDep, caller: CallerDep) -> CostReport:
    """Cost sharing of the engagement's plans (a supplier's, of its own plan): planned and
    actual, by payer kind, action category and paying organization."""
    return service.engagement_costs(session=caller.session, user=caller.user, engagement=engagement)


@router.get(
    "/programmes/{programme_id}/costs",
    response_model=CostReport,
    responses=problems(401, 403, 404, 422),
)
def programme_costs(programme: ProgrammeDep, caller: CallerDep) -> CostReport:
    """Cost sharing across every plan of the programme, for the unit and its donors'
    observers: planned and actual, by payer kind, action category and organization."""
    access.require_programme_costs(caller.user)
    return service.programme_costs(session=caller.session, programme=programme)
