"""Routes for improvement plans: open, read, actions with funding, approvals, transitions,
monthly reviews and final KPI values."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status

from service.analyses.models import KpiSource, KpiValue, KpiValuePublic
from service.deps import (
    READ,
    WRITE,
    CallerDep,
    EngagementDep,
    VersionDep,
    created_under_parent,
    etag,
    parent_etag,
)
from service.engagements import access as engagement_access
from service.engagements.models import Engagement, TransitionRequest
from service.engagements.views import triggers
from service.errors import problems
from service.pagination import CursorQuery, LimitQuery, Page, page_after
from service.plans import access, actions, queries, reviews, service, views
from service.plans.models import (
    Action,
    ActionCreate,
    ActionUpdate,
    FinalKpis,
    Plan,
    PlanCreate,
    PlanTrigger,
    PlanWindow,
    ReviewCreate,
)
from service.plans.views import ActionPublic, PlanPublic, ReviewPublic
from workflows import available_for_plan

router = APIRouter(tags=["plans"])
CREATE = problems(401, 403, 404, 409, 412, 422, 428)


def _changes(request: Request) -> bool:
    return request.method not in {"GET", "HEAD"}


def plan_dep(request: Request, plan_id: uuid.UUID, caller: CallerDep) -> tuple[Plan, Engagement]:
    """The plan and its engagement if the caller may see them, else 404."""
    return access.get_visible_plan(caller.session, caller.user, plan_id, _changes(request))


def action_dep(
    request: Request, action_id: uuid.UUID, caller: CallerDep
) -> tuple[Action, Plan, Engagement]:
    """The action, its plan and engagement, if the caller may see the action, else 404."""
    return access.get_visible_action(caller.session, caller.user, action_id, _changes(request))


PlanDep = Annotated[tuple[Plan, Engagement], Depends(plan_dep)]
ActionDep = Annotated[tuple[Action, Plan, Engagement], Depends(action_dep)]


@router.post(
    "/engagements/{engagement_id}/plans",
    response_model=PlanPublic,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 404, 409, 422),
)
def open_plan(
    data: PlanCreate, engagement: EngagementDep, caller: CallerDep, response: Response
) -> PlanPublic:
    """Open the plan of an analysed supplier, or of the buyer (participation_id null)."""
    engagement_access.require_action(caller.user, engagement)
    plan = service.open_plan(
        session=caller.session, actor=caller.user, engagement=engagement, data=data
    )
    etag(response, plan.version)
    return views.public(caller.session, plan)


@router.get("/engagements/{engagement_id}/plans", response_model=Page[PlanPublic], responses=READ)
def list_plans(
    engagement: EngagementDep, caller: CallerDep, cursor: CursorQuery = None, limit: LimitQuery = 50
) -> Page[PlanPublic]:
    """The engagement's plans the caller may see, oldest first, with their health today."""
    plans = queries.visible_plans_of(caller.session, caller.user, engagement)
    return page_after(plans, cursor, limit, lambda rows: views.publics(caller.session, rows))


@router.get("/plans/{plan_id}", response_model=PlanPublic, responses=READ)
def read_plan(found: PlanDep, caller: CallerDep, response: Response) -> PlanPublic:
    """One plan with its actions, funding, reviews, approvals, warnings and health today."""
    etag(response, found[0].version)
    return views.public(caller.session, found[0])


@router.patch("/plans/{plan_id}", response_model=PlanPublic, responses=WRITE)
def change_plan(
    data: PlanWindow, found: PlanDep, version: VersionDep, caller: CallerDep, response: Response
) -> PlanPublic:
    """Move or lengthen a draft plan (its actions must still fit)."""
    plan, engagement = found
    access.require_write(caller.user, engagement, plan)
    plan = service.change_window(
        session=caller.session,
        actor=caller.user,
        plan=plan,
        starts_on=data.starts_on,
        months=data.months,
        version=version,
    )
    etag(response, plan.version)
    return views.public(caller.session, plan)


@router.get("/plans/{plan_id}/transitions", responses=READ)
def plan_transitions(found: PlanDep, caller: CallerDep) -> list[Any]:
    """Every plan trigger: whether it is allowed now and what blocks it (the reasons name
    only the plan's own firm, so its supplier may read them too)."""
    return triggers(available_for_plan(queries.snapshot(caller.session, found[0], found[1])))


@router.post("/plans/{plan_id}/transitions/{trigger}", response_model=PlanPublic, responses=WRITE)
def transition_plan(
    trigger: PlanTrigger,
    found: PlanDep,
    version: VersionDep,
    caller: CallerDep,
    response: Response,
    data: TransitionRequest | None = None,
) -> PlanPublic:
    """Submit, return to draft (reason), start, finish or close; 409 lists what blocks it."""
    plan, engagement = found
    access.require_write(caller.user, engagement, plan)
    plan = service.transition(
        session=caller.session,
        actor=caller.user,
        engagement=engagement,
        plan=plan,
        trigger=trigger.value,
        reason=data.reason if data else None,
        version=version,
    )
    etag(response, plan.version)
    return views.public(caller.session, plan)


@router.post("/plans/{plan_id}/approvals", response_model=PlanPublic, responses=WRITE)
def approve_plan(
    found: PlanDep, version: VersionDep, caller: CallerDep, response: Response
) -> PlanPublic:
    """Approve the submitted plan for your party (broker, buyer, or the supplier of the plan);
    the last approval needed approves it."""
    plan = service.approve(
        session=caller.session,
        actor=caller.user,
        engagement=found[1],
        plan=found[0],
        version=version,
    )
    etag(response, plan.version)
    return views.public(caller.session, plan)


@router.post(
    "/plans/{plan_id}/actions",
    response_model=ActionPublic,
    status_code=status.HTTP_201_CREATED,
    responses={**CREATE, **created_under_parent(child_etag=True)},
)
def add_action(
    data: ActionCreate, found: PlanDep, version: VersionDep, caller: CallerDep, response: Response
) -> ActionPublic:
    """Add an action with its funding shares (adding up to exactly 100 %)."""
    plan, engagement = found
    access.require_write(caller.user, engagement, plan)
    action = actions.add_action(
        session=caller.session, actor=caller.user, plan=plan, data=data, version=version
    )
    etag(response, action.version)
    parent_etag(response, version + 1)
    return views.action_view(caller.session, action)


@router.get("/actions/{action_id}", response_model=ActionPublic, responses=READ)
def read_action(found: ActionDep, caller: CallerDep, response: Response) -> ActionPublic:
    """One action with its funding; its ETag is the version for If-Match."""
    etag(response, found[0].version)
    return views.action_view(caller.session, found[0])


@router.patch("/actions/{action_id}", response_model=ActionPublic, responses=WRITE)
def update_action(
    data: ActionUpdate, found: ActionDep, version: VersionDep, caller: CallerDep, response: Response
) -> ActionPublic:
    """Report progress, move the status on (cancelling needs a reason) or record the actual
    cost: the broker, the firm of the plan and the provider delivering it may report. While
    the plan is in draft, whoever may write the plan also changes the action's title,
    description, person responsible, category, provider, dates, estimated cost and funding;
    after submission these are frozen (409)."""
    action, plan, engagement = found
    access.require_report(caller.user, engagement, plan, action)
    action = actions.update_action(
        session=caller.session,
        actor=caller.user,
        plan=plan,
        action=action,
        data=data,
        version=version,
        may_edit=access.may_write(caller.user, engagement, plan),
    )
    etag(response, action.version)
    return views.action_view(caller.session, action)


@router.post(
    "/plans/{plan_id}/reviews",
    response_model=ReviewPublic,
    status_code=status.HTTP_201_CREATED,
    responses={**CREATE, **created_under_parent(child_etag=False)},
)
def add_review(
    data: ReviewCreate, found: PlanDep, version: VersionDep, caller: CallerDep, response: Response
) -> ReviewPublic:
    """Record the monthly review: notes, next steps, progress per action, KPI values."""
    plan, engagement = found
    engagement_access.require_action(caller.user, engagement)
    review = reviews.add_review(
        session=caller.session, actor=caller.user, plan=plan, data=data, version=version
    )
    parent_etag(response, version + 1)
    return ReviewPublic.model_validate(review, from_attributes=True)


@router.post(
    "/plans/{plan_id}/final-kpis",
    response_model=list[KpiValuePublic],
    status_code=status.HTTP_201_CREATED,
    responses={**CREATE, **created_under_parent(child_etag=False)},
)
def record_final_kpis(
    data: FinalKpis, found: PlanDep, version: VersionDep, caller: CallerDep, response: Response
) -> list[KpiValue]:
    """Record the KPI values measured at the end of the plan (in final review)."""
    plan, engagement = found
    engagement_access.require_action(caller.user, engagement)
    values = reviews.record_kpis(
        session=caller.session,
        actor=caller.user,
        plan=plan,
        readings=data.values,
        source=KpiSource.final,
        version=version,
    )
    parent_etag(response, version + 1)
    return values
