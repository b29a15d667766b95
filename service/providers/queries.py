"""Registry reads: the providers a user may see, a page at a time."""

from sqlmodel import Session, col, false, select

from service.accounts.models import Role, User
from service.pagination import Page, containing
from service.programmes.models import Organization, OrganizationKind, OrganizationSort
from service.programmes.queries import ORGANIZATIONS
from service.providers import views
from service.providers.access import UNIT
from service.providers.views import ProviderPublic


def provider_page(
    session: Session,
    user: User,
    *,
    q: str | None,
    sort: OrganizationSort,
    cursor: str | None,
    limit: int,
) -> Page[ProviderPublic]:
    """The registry entries the user may see (every provider for the unit, its own for a
    provider, none for anyone else) whose name holds `q`, in the order asked for."""
    statement = select(Organization).where(
        Organization.programme_id == user.programme_id,
        Organization.kind == OrganizationKind.provider,
        containing(q, col(Organization.name_key)),
    )
    if user.role == Role.provider:
        statement = statement.where(Organization.id == user.organization_id)
    elif user.role not in UNIT:
        statement = statement.where(false())
    page = ORGANIZATIONS.page(statement, sort, col(Organization.id), cursor, limit)
    rows = list(session.exec(page).all())
    following = ORGANIZATIONS.next_cursor(rows, limit, ORGANIZATIONS.effective(sort, cursor))
    return Page[ProviderPublic](items=views.publics(session, rows[:limit]), next_cursor=following)
