"""Registry use cases: a provider's profile and qualifications, and ratings of a delivered
action by its broker and its firm; each writes its Event and commits once."""

from sqlmodel import Session, select

from service.accounts.models import Role, User
from service.engagements import access as engagement_access
from service.engagements.models import Engagement
from service.errors import Conflict, Forbidden
from service.history import EventKind, SubjectKind, record_event
from service.plans.models import Action, ActionStatus, Plan
from service.programmes.models import Organization
from service.providers.models import (
    ProviderProfile,
    ProviderProfileUpdate,
    Qualification,
    QualificationCreate,
    Rating,
    RatingCreate,
)
from service.types import utcnow


def _event(
    session: Session, actor: User, provider: Organization, trigger: str, reason: str
) -> None:
    record_event(
        session,
        actor_id=actor.id,
        programme_id=provider.programme_id,
        kind=EventKind.organization,
        subject=(SubjectKind.organization, provider.id),
        trigger=trigger,
        reason=reason,
    )


def set_profile(
    *, session: Session, actor: User, provider: Organization, data: ProviderProfileUpdate
) -> ProviderProfile:
    """The provider's capabilities and contact, replaced as a whole."""
    profile = session.get(ProviderProfile, provider.id) or ProviderProfile(
        organization_id=provider.id, programme_id=provider.programme_id
    )
    profile.categories = [category.value for category in data.categories]
    profile.sectors = list(data.sectors)
    profile.contact_name, profile.contact_email = data.contact_name, data.contact_email
    profile.updated_at = utcnow()
    session.add(profile)
    _event(session, actor, provider, "set_profile", ", ".join(profile.categories) or "no category")
    session.commit()
    session.refresh(profile)
    return profile


def add_qualification(
    *, session: Session, actor: User, provider: Organization, data: QualificationCreate
) -> Qualification:
    qualification = Qualification(
        programme_id=provider.programme_id,
        organization_id=provider.id,
        name=data.name,
        document=data.document,
        expires_on=data.expires_on,
    )
    session.add(qualification)
    _event(session, actor, provider, "add_qualification", data.name)
    session.commit()
    session.refresh(qualification)
    return qualification


def rater_role(user: User, engagement: Engagement, plan: Plan) -> str:
    """The broker of the engagement, or the firm whose plan it is; else 403."""
    if engagement_access.may_act(user, engagement) and user.role == Role.broker:
        return "broker"
    if user.role in (Role.buyer, Role.supplier) and user.organization_id == plan.organization_id:
        return "firm"
    raise Forbidden("the broker and the firm of the plan rate its provider")


def rate(
    *,
    session: Session,
    actor: User,
    action: Action,
    plan: Plan,
    engagement: Engagement,
    data: RatingCreate,
) -> Rating:
    """Rate the delivery of a done action, once per rater."""
    role = rater_role(actor, engagement, plan)
    if action.provider_id is None or action.status != ActionStatus.done:
        raise Conflict("only a done action with a provider is rated")
    existing = select(Rating.id).where(Rating.action_id == action.id, Rating.rated_by == actor.id)
    if session.exec(existing).first() is not None:
        raise Conflict("you have already rated this action")
    rating = Rating(
        programme_id=action.programme_id,
        organization_id=action.provider_id,
        action_id=action.id,
        rated_by=actor.id,
        rater_role=role,
        timeliness=data.timeliness,
        quality=data.quality,
        comment=data.comment,
    )
    session.add(rating)
    record_event(
        session,
        actor_id=actor.id,
        programme_id=action.programme_id,
        kind=EventKind.plan,
        subject=(SubjectKind.action, action.id),
        engagement_id=engagement.id,
        trigger="rate_provider",
        reason=f"timeliness {data.timeliness}, quality {data.quality}",
    )
    session.commit()
    session.refresh(rating)
    return rating
