"""Routes of notifications: the caller's preferences and calendar feed, one-click
unsubscribe, webhook endpoints and their deliveries, and the outbox for administrators."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status

from service.deps import CallerDep, SessionDep, VersionDep, etag
from service.errors import problems
from service.notifications import access, queries, service
from service.notifications.feeds import calendar_feed
from service.notifications.models import (
    Cadence,
    Delivery,
    EndpointCreate,
    EndpointUpdate,
    PreferenceIn,
    Topic,
)
from service.notifications.views import (
    DeliveryPublic,
    EndpointIssued,
    EndpointPublic,
    FeedIssued,
    OutboxCounts,
    OutboxPublic,
    PreferencePublic,
    Unsubscribed,
)
from service.pagination import CursorQuery, LimitQuery, Page

router = APIRouter(tags=["notifications"])
AUTH = problems(401, 422)
ADMIN = problems(401, 403, 422)
OBJECT = problems(401, 404, 422)
VERSIONED = problems(401, 404, 412, 422, 428)
TOKEN_PATTERN = r"^[A-Za-z0-9_-]{20,200}$"


@router.get("/me/notification-preferences", response_model=list[PreferencePublic], responses=AUTH)
def read_preferences(caller: CallerDep) -> list[PreferencePublic]:
    """How the caller wants each kind of message (immediately, daily, weekly or off)."""
    rows = service.preferences(caller.session, caller.user)
    return [PreferencePublic(kind=kind, cadence=cadence) for kind, cadence in rows]


@router.put("/me/notification-preferences/{kind}", response_model=PreferencePublic, responses=AUTH)
def set_preference(kind: Topic, data: PreferenceIn, caller: CallerDep) -> PreferencePublic:
    """Set the cadence of one kind of message."""
    service.set_preference(
        session=caller.session, user=caller.user, kind=kind, cadence=data.cadence
    )
    return PreferencePublic(kind=kind.value, cadence=data.cadence)


@router.post(
    "/notifications/unsubscribe", response_model=Unsubscribed, responses=problems(404, 422)
)
def unsubscribe(
    session: SessionDep, token: Annotated[str, Query(pattern=TOKEN_PATTERN)]
) -> Unsubscribed:
    """One-click unsubscribe (RFC 8058) from a reminder or digest; the link is the token."""
    kind = service.unsubscribe(session=session, token=token)
    return Unsubscribed(kind=kind.value, cadence=Cadence.off)


@router.post(
    "/me/calendar-feed",
    response_model=FeedIssued,
    status_code=status.HTTP_201_CREATED,
    responses=AUTH,
)
def issue_feed(caller: CallerDep) -> FeedIssued:
    """A new secret calendar URL (the previous one stops working)."""
    return FeedIssued(url=service.issue_feed(session=caller.session, user=caller.user))


@router.delete("/me/calendar-feed", status_code=status.HTTP_204_NO_CONTENT, responses=problems(401))
def revoke_feed(caller: CallerDep) -> Response:
    """Revoke the caller's calendar URL."""
    service.revoke_feed(session=caller.session, user=caller.user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/calendar/{token}.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}, **problems(404, 422)},
)
def read_feed(session: SessionDep, token: Annotated[str, Path(pattern=TOKEN_PATTERN)]) -> Response:
    """A user's calendar, for subscribing from a calendar application (no bearer token)."""
    user = service.feed_owner(session=session, token=token)
    return Response(calendar_feed(session, user), media_type="text/calendar; charset=utf-8")


@router.get("/webhook-endpoints", response_model=Page[EndpointPublic], responses=ADMIN)
def list_endpoints(
    caller: CallerDep, cursor: CursorQuery = None, limit: LimitQuery = 50
) -> Page[Any]:
    """The programme's webhook endpoints (administrators)."""
    access.require_admin(caller.user)
    return queries.endpoint_page(caller.session, caller.user, cursor, limit)


@router.post(
    "/webhook-endpoints",
    response_model=EndpointIssued,
    status_code=status.HTTP_201_CREATED,
    responses=ADMIN,
)
def create_endpoint(data: EndpointCreate, caller: CallerDep, response: Response) -> EndpointIssued:
    """Register an endpoint for some event types; the answer shows its secret this once."""
    access.require_admin(caller.user)
    endpoint, secret = service.create_endpoint(session=caller.session, actor=caller.user, data=data)
    etag(response, endpoint.version)
    response.headers["Location"] = f"/api/v1/webhook-endpoints/{endpoint.id}"
    public = EndpointPublic.model_validate(endpoint, from_attributes=True)
    return EndpointIssued(**public.model_dump(), secret=secret)


@router.get("/webhook-endpoints/{endpoint_id}", response_model=EndpointPublic, responses=OBJECT)
def read_endpoint(endpoint_id: uuid.UUID, caller: CallerDep, response: Response) -> Any:
    """One endpoint (its secret is never shown again)."""
    endpoint = access.endpoint_or_404(caller.session, caller.user, endpoint_id)
    etag(response, endpoint.version)
    return endpoint


@router.patch(
    "/webhook-endpoints/{endpoint_id}", response_model=EndpointPublic, responses=VERSIONED
)
def update_endpoint(
    endpoint_id: uuid.UUID,
    data: EndpointUpdate,
    version: VersionDep,
    caller: CallerDep,
    response: Response,
) -> Any:
    """Turn an endpoint off, or on again (which forgets its failures); If-Match required."""
    endpoint = access.endpoint_or_404(caller.session, caller.user, endpoint_id)
    endpoint = service.update_endpoint(
        session=caller.session, endpoint=endpoint, data=data, version=version
    )
    etag(response, endpoint.version)
    return endpoint


@router.get(
    "/webhook-endpoints/{endpoint_id}/deliveries",
    response_model=Page[DeliveryPublic],
    responses=OBJECT,
)
def list_deliveries(
    endpoint_id: uuid.UUID, caller: CallerDep, cursor: CursorQuery = None, limit: LimitQuery = 50
) -> Page[Any]:
    """The endpoint's delivery log: state, response code, duration and attempts."""
    endpoint = access.endpoint_or_404(caller.session, caller.user, endpoint_id)
    return queries.delivery_page(caller.session, endpoint, cursor, limit)


@router.post(
    "/webhook-endpoints/{endpoint_id}/deliveries/{delivery_id}/redeliver",
    response_model=DeliveryPublic,
    status_code=status.HTTP_202_ACCEPTED,
    responses=OBJECT,
)
def redeliver(endpoint_id: uuid.UUID, delivery_id: uuid.UUID, caller: CallerDep) -> Any:
    """Send one delivery again, with the same webhook-id."""
    endpoint = access.endpoint_or_404(caller.session, caller.user, endpoint_id)
    delivery = access.delivery_or_404(caller.session, endpoint, delivery_id)
    return service.redeliver(session=caller.session, delivery=delivery)


@router.get("/outbox", response_model=Page[OutboxPublic], responses=ADMIN)
def list_outbox(
    caller: CallerDep,
    state: Annotated[Delivery | None, Query()] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[Any]:
    """What the programme's outbox holds: pending, sent and failed messages (administrators)."""
    access.require_admin(caller.user)
    return queries.outbox_page(caller.session, caller.user, state, cursor, limit)


@router.get("/outbox/counts", response_model=OutboxCounts, responses=ADMIN)
def outbox_counts(caller: CallerDep) -> OutboxCounts:
    """How many of the programme's messages are pending, sent and failed."""
    access.require_admin(caller.user)
    return OutboxCounts(**queries.outbox_counts(caller.session, caller.user))
