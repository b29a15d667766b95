"""Route for the buyer's partnership decision on a supplier whose plan is closed."""

from fastapi import APIRouter, Response, status

from service.deps import (
    CallerDep,
    EngagementDep,
    ParticipationDep,
    VersionDep,
    created_under_parent,
    parent_etag,
)
from service.errors import problems
from service.partnerships import access, service
from service.partnerships.models import DecisionCreate
from service.partnerships.views import DecisionPublic, decision_public

router = APIRouter(tags=["plans"])


@router.post(
    "/engagements/{engagement_id}/participations/{participation_id}/decision",
    response_model=DecisionPublic,
    status_code=status.HTTP_201_CREATED,
    responses={
        **problems(401, 403, 404, 409, 412, 422, 428),
        **created_under_parent(child_etag=False),
    },
)
def decide_partnership(
    data: DecisionCreate,
    participation: ParticipationDep,
    engagement: EngagementDep,
    version: VersionDep,
    caller: CallerDep,
    response: Response,
) -> DecisionPublic:
    """The buyer's partnership decision on a supplier whose plan is closed (the broker or an
    administrator may record it for the buyer); If-Match carries the participation's version,
    Parent-ETag its new one."""
    access.require_write(caller.user, engagement)
    decision = service.decide_partnership(
        session=caller.session,
        actor=caller.user,
        engagement=engagement,
        participation=participation,
        data=data,
        version=version,
    )
    parent_etag(response, participation.version + 1)
    return decision_public(decision)
