"""The public shape of a provider's registry entry: capabilities, qualifications, contact and
its performance record (actions awarded and done, and the ratings of its deliveries)."""

import uuid
from datetime import date, datetime

from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from service.plans.models import Action, ActionStatus
from service.programmes.models import Organization
from service.providers.models import ProviderProfile, Qualification, Rating


class QualificationPublic(BaseModel):
    id: uuid.UUID
    name: str
    document: str | None
    expires_on: date | None


class RatingPublic(BaseModel):
    action_id: uuid.UUID
    rater_role: str
    timeliness: int
    quality: int
    comment: str | None
    created_at: datetime


class Performance(BaseModel):
    actions: int
    done: int
    ratings: list[RatingPublic]


class ProviderPublic(BaseModel):
    id: uuid.UUID
    name: str
    categories: list[str]
    sectors: list[str]
    contact_name: str | None
    contact_email: str | None
    qualifications: list[QualificationPublic]
    performance: Performance


def publics(session: Session, providers: list[Organization]) -> list[ProviderPublic]:
    """Registry entries, in four queries however many providers there are."""
    ids = [provider.id for provider in providers]
    profiles = {
        p.organization_id: p
        for p in session.exec(
            select(ProviderProfile).where(col(ProviderProfile.organization_id).in_(ids))
        ).all()
    }
    qualifications = session.exec(
        select(Qualification)
        .where(col(Qualification.organization_id).in_(ids))
        .order_by(col(Qualification.name), col(Qualification.id))
    ).all()
    ratings = session.exec(
        select(Rating)
        .where(col(Rating.organization_id).in_(ids))
        .order_by(col(Rating.created_at), col(Rating.id))
    ).all()
    counts = {
        (provider_id, status): n
        for provider_id, status, n in session.exec(
            select(Action.provider_id, Action.status, func.count())
            .where(col(Action.provider_id).in_(ids))
            .group_by(col(Action.provider_id), col(Action.status))
        ).all()
    }
    return [
        _public(
            provider,
            profiles.get(provider.id),
            [q for q in qualifications if q.organization_id == provider.id],
            [r for r in ratings if r.organization_id == provider.id],
            counts,
        )
        for provider in providers
    ]


def _public(
    provider: Organization,
    profile: ProviderProfile | None,
    qualifications: list[Qualification],
    ratings: list[Rating],
    counts: dict[tuple[uuid.UUID | None, str], int],
) -> ProviderPublic:
    return ProviderPublic(
        id=provider.id,
        name=provider.name,
        categories=profile.categories if profile else [],
        sectors=profile.sectors if profile else [],
        contact_name=profile.contact_name if profile else None,
        contact_email=profile.contact_email if profile else None,
        qualifications=[
            QualificationPublic.model_validate(q, from_attributes=True) for q in qualifications
        ],
        performance=Performance(
            actions=sum(n for (pid, _), n in counts.items() if pid == provider.id),
            done=counts.get((provider.id, ActionStatus.done), 0),
            ratings=[RatingPublic.model_validate(r, from_attributes=True) for r in ratings],
        ),
    )


def public(session: Session, provider: Organization) -> ProviderPublic:
    return publics(session, [provider])[0]
