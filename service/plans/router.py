"""Routes for improvement plans: open, read, actions with funding, approvals, transitions,
monthly reviews and final KPI values."""

import uuid
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from sqlmodel import Session, col, select

from service.accounts.models import Role, User
from service.analyses.models import KpiSource, KpiValue, KpiValuePublic
from service.deps import CallerDep
from service.engagements import access
from service.engagements.models import Engagement, TransitionRequest
from service.engagements.router import (
    READ,
    WRITE,
    EngagementDep,
    ParticipationDep,
    VersionDep,
    etag,
)
from service.engagements.views import triggers
from service.errors import Forbidden, NotFound, problems
from service.plans import service
from service.plans.models import (
    Action,
    ActionCreate,
    ActionPublic,
    ActionUpdate,
    DecisionCreate,
    DecisionPublic,
    FinalKpis,
    HealthPublic,
    PartnershipDecision,
    Plan,
    PlanCreate,
    PlanPublic,
    PlanWindow,
    ReviewCreate,
    ReviewPublic,
    SharePublic,
)
from service.programmes.models import Programme
from workflows import available_for_plan

router = APIRouter(tags=["plans"])
CREATE = problems(401, 403, 404, 409, 412, 422, 428)


class PlanTrigger(StrEnum):
    submit = "submit"
    return_to_draft = "return_to_draft"
    start = "start"
    finish = "finish"
    close = "close"


def may_see(user: User, engagement: Engagement, plan: Plan) -> bool:
    """Unit staff and the buyer see every plan of the engagement; a supplier its own."""
    if user.role in access.READS_ALL or user.role == Role.buyer:
        return True
    return user.role == Role.supplier and plan.organization_id == user.organization_id


def may_write(user: User, engagement: Engagement, plan: Plan) -> bool:
    """The broker and administrators write every plan; the buyer writes its own."""
    return access.may_act(user, engagement) or (
        user.role == Role.buyer and plan.organization_id == user.organization_id
    )


def require_write(user: User, engagement: Engagement, plan: Plan) -> None:
    if not may_write(user, engagement, plan):
        raise Forbidden("only the broker, an administrator or the buyer for its own plan")


def action_public(action: Action, shares: list[Any]) -> ActionPublic:
    return ActionPublic.model_validate(
        {
            **action.model_dump(),
            "funding": [
                SharePublic.model_validate(share, from_attributes=True)
                for share in shares
                if share.action_id == action.id
            ],
        }
    )


def publics(session: Session, plans: list[Plan]) -> list[PlanPublic]:
    """Plans with actions, funding, reviews, approvals and health, in five queries."""
    if not plans:
        return []
    ids = [plan.id for plan in plans]
    actions = service.actions_of(session, ids)
    shares = service.shares_of(session, [action.id for action in actions])
    reviews = service.reviews_of(session, ids)
    approvals = service.approvals_of(session, ids)
    programme = session.get(Programme, plans[0].programme_id)
    today = service.today_in(session, plans[0].programme_id)
    result = []
    for plan in plans:
        own_actions = [a for a in actions if a.plan_id == plan.id]
        own_reviews = [r for r in reviews if r.plan_id == plan.id]
        health = service.health_of(plan, own_actions, own_reviews, today)
        result.append(
            PlanPublic.model_validate(
                {
                    **plan.model_dump(),
                    "ends_on": service.ends_on(plan),
                    "currency": programme.currency if programme else "USD",
                    "approvals": [a.party for a in approvals if a.plan_id == plan.id],
                    "warnings": service.warnings_of(plan, own_actions),
                    "health": HealthPublic.model_validate(health, from_attributes=True),
                    "actions": [action_public(a, shares) for a in own_actions],
                    "reviews": [
                        ReviewPublic.model_validate(r, from_attributes=True) for r in own_reviews
                    ],
                }
            )
        )
    return result


def public(session: Session, plan: Plan) -> PlanPublic:
    return publics(session, [plan])[0]


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
    access.require_action(caller.user, engagement)
    plan = service.open_plan(
        session=caller.session, actor=caller.user, engagement=engagement, data=data
    )
    etag(response, plan.version)
    return public(caller.session, plan)


@router.get("/engagements/{engagement_id}/plans", response_model=list[PlanPublic], responses=READ)
def list_plans(engagement: EngagementDep, caller: CallerDep) -> list[PlanPublic]:
    """The engagement's plans the caller may see, with their health today."""
    ordered = col(Plan.created_at), col(Plan.id)
    rows = caller.session.exec(
        select(Plan).where(Plan.engagement_id == engagement.id).order_by(*ordered)
    ).all()
    return publics(caller.session, [row for row in rows if may_see(caller.user, engagement, row)])


def plan_dep(request: Request, plan_id: uuid.UUID, caller: CallerDep) -> tuple[Plan, Engagement]:
    """The plan and its engagement if the caller may see them, else 404."""
    return access.get_in_visible_engagement(
        caller.session,
        caller.user,
        Plan,
        plan_id,
        "plan",
        request.method not in {"GET", "HEAD"},
        lambda engagement, plan: may_see(caller.user, engagement, plan),
    )


PlanDep = Annotated[tuple[Plan, Engagement], Depends(plan_dep)]


@router.get("/plans/{plan_id}", response_model=PlanPublic, responses=READ)
def read_plan(found: PlanDep, caller: CallerDep, response: Response) -> PlanPublic:
    """One plan with its actions, funding, reviews, approvals, warnings and health today."""
    etag(response, found[0].version)
    return public(caller.session, found[0])


@router.patch("/plans/{plan_id}", response_model=PlanPublic, responses=WRITE)
def change_plan(
    data: PlanWindow, found: PlanDep, version: VersionDep, caller: CallerDep, response: Response
) -> PlanPublic:
    """Move or lengthen a draft plan (its actions must still fit)."""
    plan, engagement = found
    require_write(caller.user, engagement, plan)
    plan = service.change_window(
        session=caller.session,
        actor=caller.user,
        plan=plan,
        starts_on=data.starts_on,
        months=data.months,
        version=version,
    )
    etag(response, plan.version)
    return public(caller.session, plan)


@router.get("/plans/{plan_id}/transitions", responses=READ)
def plan_transitions(found: PlanDep, caller: CallerDep) -> list[Any]:
    """Every plan trigger: whether it is allowed now and what blocks it (the reasons name
    only the plan's own firm, so its supplier may read them too)."""
    return triggers(available_for_plan(service.snapshot(caller.session, found[0], found[1])))


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
    require_write(caller.user, engagement, plan)
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
    return public(caller.session, plan)


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
    return public(caller.session, plan)


@router.post(
    "/plans/{plan_id}/actions",
    response_model=ActionPublic,
    status_code=status.HTTP_201_CREATED,
    responses=CREATE,
)
def add_action(
    data: ActionCreate, found: PlanDep, version: VersionDep, caller: CallerDep, response: Response
) -> ActionPublic:
    """Add an action with its funding shares (adding up to exactly 100 %)."""
    plan, engagement = found
    require_write(caller.user, engagement, plan)
    action = service.add_action(
        session=caller.session, actor=caller.user, plan=plan, data=data, version=version
    )
    etag(response, action.version)
    return action_public(action, service.shares_of(caller.session, [action.id]))


def action_dep(
    request: Request, action_id: uuid.UUID, caller: CallerDep
) -> tuple[Action, Plan, Engagement]:
    """The action, its plan and engagement, if the caller may see the action: through the
    plan, or as the provider that delivers it. Else 404."""
    user, session = caller.user, caller.session
    action = session.get(Action, action_id)
    if action is None or action.programme_id != user.programme_id:
        raise NotFound("no such action")
    plan = session.get(Plan, action.plan_id)
    if plan is None:
        raise NotFound("no such action")
    for_update = request.method not in {"GET", "HEAD"}
    if user.role == Role.provider:
        if action.provider_id != user.organization_id:
            raise NotFound("no such action")
        engagement = session.get(Engagement, plan.engagement_id)
        if engagement is None:
            raise NotFound("no such action")
        if for_update:
            session.refresh(engagement, with_for_update=True)
            session.refresh(action)
        return action, plan, engagement
    try:
        plan, engagement = plan_dep(request, plan.id, caller)
    except NotFound as error:
        raise NotFound("no such action") from error
    if for_update:
        session.refresh(action)
    return action, plan, engagement


ActionDep = Annotated[tuple[Action, Plan, Engagement], Depends(action_dep)]


@router.get("/actions/{action_id}", response_model=ActionPublic, responses=READ)
def read_action(found: ActionDep, caller: CallerDep, response: Response) -> ActionPublic:
    """One action with its funding; its ETag is the version for If-Match."""
    etag(response, found[0].version)
    return action_public(found[0], service.shares_of(caller.session, [found[0].id]))


@router.patch("/actions/{action_id}", response_model=ActionPublic, responses=WRITE)
def update_action(
    data: ActionUpdate, found: ActionDep, version: VersionDep, caller: CallerDep, response: Response
) -> ActionPublic:
    """Report progress, move the status on (cancelling needs a reason) or record the actual
    cost. The broker, the firm of the plan and the provider delivering it may report."""
    action, plan, engagement = found
    user = caller.user
    reports = (
        may_write(user, engagement, plan)
        or (user.role == Role.supplier and plan.organization_id == user.organization_id)
        or (user.role == Role.provider and action.provider_id == user.organization_id)
    )
    if not reports:
        raise Forbidden("only the broker, the firm of the plan or its provider report progress")
    action = service.update_action(
        session=caller.session, actor=user, plan=plan, action=action, data=data, version=version
    )
    etag(response, action.version)
    return action_public(action, service.shares_of(caller.session, [action.id]))


@router.post(
    "/plans/{plan_id}/reviews",
    response_model=ReviewPublic,
    status_code=status.HTTP_201_CREATED,
    responses=CREATE,
)
def add_review(
    data: ReviewCreate, found: PlanDep, version: VersionDep, caller: CallerDep
) -> ReviewPublic:
    """Record the monthly review: notes, next steps, progress per action, KPI values."""
    plan, engagement = found
    access.require_action(caller.user, engagement)
    review = service.add_review(
        session=caller.session, actor=caller.user, plan=plan, data=data, version=version
    )
    return ReviewPublic.model_validate(review, from_attributes=True)


@router.post(
    "/plans/{plan_id}/final-kpis",
    response_model=list[KpiValuePublic],
    status_code=status.HTTP_201_CREATED,
    responses=CREATE,
)
def record_final_kpis(
    data: FinalKpis, found: PlanDep, version: VersionDep, caller: CallerDep
) -> list[KpiValue]:
    """Record the KPI values measured at the end of the plan (in final review)."""
    plan, engagement = found
    access.require_action(caller.user, engagement)
    return service.record_kpis(
        session=caller.session,
        actor=caller.user,
        plan=plan,
        readings=data.values,
        source=KpiSource.final,
        version=version,
    )


@router.post(
    "/engagements/{engagement_id}/participations/{participation_id}/decision",
    response_model=DecisionPublic,
    status_code=status.HTTP_201_CREATED,
    responses=CREATE,
)
def decide_partnership(
    data: DecisionCreate,
    participation: ParticipationDep,
    engagement: EngagementDep,
    version: VersionDep,
    caller: CallerDep,
    response: Response,
) -> PartnershipDecision:
    """The buyer's partnership decision on a supplier whose plan is closed (the broker or an
    administrator may record it for the buyer); If-Match carries the participation's version."""
    if not access.may_decide_selection(caller.user, engagement):
        raise Forbidden("only the buyer, the broker or an administrator record the decision")
    decision = service.decide_partnership(
        session=caller.session,
        actor=caller.user,
        engagement=engagement,
        participation=participation,
        data=data,
        version=version,
    )
    etag(response, version + 1)
    return decision
