"""Routes of the provider registry and of ratings of delivered actions."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from service.deps import READ, CallerDep
from service.errors import problems
from service.pagination import SORT_HELP, LimitQuery, Page, SearchQuery, sorted_cursor_query
from service.plans import access as plan_access
from service.programmes.models import Organization, OrganizationSort
from service.programmes.queries import ORGANIZATIONS
from service.providers import access, queries, service, views
from service.providers.models import ProviderProfileUpdate, QualificationCreate, RatingCreate
from service.providers.views import ProviderPublic, QualificationPublic, RatingPublic

router = APIRouter(tags=["providers"])
ACT = problems(401, 403, 404, 409, 422)
ProviderCursor = Annotated[str | None, sorted_cursor_query(ORGANIZATIONS)]


def provider_dep(organization_id: uuid.UUID, caller: CallerDep) -> Organization:
    """The provider if the caller may see its entry, else 404."""
    return access.get_visible_provider(caller.session, caller.user, organization_id)


ProviderDep = Annotated[Organization, Depends(provider_dep)]


@router.get("/providers", response_model=Page[ProviderPublic], responses=READ)
def list_providers(
    caller: CallerDep,
    q: SearchQuery = None,
    sort: Annotated[OrganizationSort, Query(description=SORT_HELP)] = OrganizationSort.name,
    cursor: ProviderCursor = None,
    limit: LimitQuery = 50,
) -> Page[ProviderPublic]:
    """The registry: every provider for the unit, its own entry for a provider; by name
    unless `sort` says otherwise, or those whose name holds `q` (case, accents and spacing
    aside)."""
    return queries.provider_page(
        caller.session, caller.user, q=q, sort=sort, cursor=cursor, limit=limit
    )


@router.get("/providers/{organization_id}", response_model=ProviderPublic, responses=READ)
def read_provider(provider: ProviderDep, caller: CallerDep) -> ProviderPublic:
    """A provider's capabilities, qualifications, contact and performance record."""
    return views.public(caller.session, provider)


@router.put("/providers/{organization_id}/profile", response_model=ProviderPublic, responses=ACT)
def set_profile(
    data: ProviderProfileUpdate, provider: ProviderDep, caller: CallerDep
) -> ProviderPublic:
    """Replace the provider's capabilities and contact."""
    access.require_write(caller.user, provider)
    service.set_profile(session=caller.session, actor=caller.user, provider=provider, data=data)
    return views.public(caller.session, provider)


@router.post(
    "/providers/{organization_id}/qualifications",
    response_model=QualificationPublic,
    status_code=status.HTTP_201_CREATED,
    responses=ACT,
)
def add_qualification(
    data: QualificationCreate, provider: ProviderDep, caller: CallerDep
) -> QualificationPublic:
    """A qualification with its document and expiry date."""
    access.require_write(caller.user, provider)
    qualification = service.add_qualification(
        session=caller.session, actor=caller.user, provider=provider, data=data
    )
    return QualificationPublic.model_validate(qualification, from_attributes=True)


@router.post(
    "/actions/{action_id}/ratings",
    response_model=RatingPublic,
    status_code=status.HTTP_201_CREATED,
    responses=ACT,
)
def rate(action_id: uuid.UUID, data: RatingCreate, caller: CallerDep) -> RatingPublic:
    """The broker or the firm rates the provider's delivery of a done action."""
    action, plan, engagement = plan_access.get_visible_action(
        caller.session, caller.user, action_id, True
    )
    rating = service.rate(
        session=caller.session,
        actor=caller.user,
        action=action,
        plan=plan,
        engagement=engagement,
        data=data,
    )
    return RatingPublic.model_validate(rating, from_attributes=True)
