"""Routes for an engagement's candidates: add, select, transitions; and its event history."""

from typing import Any

from fastapi import APIRouter, Response, status
from sqlalchemy import or_
from sqlmodel import col, select

from service.accounts.models import Role, User
from service.deps import READ, WRITE, CallerDep, EngagementDep, ParticipationDep, VersionDep, etag
from service.engagements import access, service, views
from service.engagements.facts import participation_snapshot
from service.engagements.models import (
    CandidateCreate,
    Engagement,
    Participation,
    ParticipationPublic,
    ParticipationTrigger,
    SelectionDecision,
    SelectionRequest,
    TransitionRequest,
    TriggerPublic,
)
from service.errors import Forbidden, problems
from service.history import Event, EventPublic
from service.pagination import CursorQuery, LimitQuery, Page, paginate
from workflows import AuditState, available_for_participation

router = APIRouter(tags=["engagements"])
BASE = "/engagements/{engagement_id}/participations"


@router.get(BASE, response_model=list[ParticipationPublic], responses=READ)
def list_participations(engagement: EngagementDep, caller: CallerDep) -> list[ParticipationPublic]:
    """The engagement's candidates (a supplier sees only its own)."""
    statement = access.visible_participations(caller.user, engagement).order_by("created_at", "id")
    return views.participations(caller.session, list(caller.session.exec(statement).all()))


@router.post(
    BASE, response_model=ParticipationPublic, status_code=status.HTTP_201_CREATED, responses=WRITE
)
def add_candidate(
    data: CandidateCreate,
    engagement: EngagementDep,
    version: VersionDep,
    caller: CallerDep,
    response: Response,
) -> ParticipationPublic:
    """List a supplier as a candidate (until round tables start); If-Match is the engagement's."""
    access.require_action(caller.user, engagement)
    participation = service.add_candidate(
        session=caller.session, actor=caller.user, engagement=engagement, data=data, version=version
    )
    etag(response, participation.version)
    return views.participation_public(caller.session, participation)


@router.get(BASE + "/{participation_id}", response_model=ParticipationPublic, responses=READ)
def read_participation(
    participation: ParticipationDep, caller: CallerDep, response: Response
) -> ParticipationPublic:
    """One participation; its ETag is the version to send in If-Match."""
    etag(response, participation.version)
    return views.participation_public(caller.session, participation)


@router.get(
    BASE + "/{participation_id}/transitions", response_model=list[TriggerPublic], responses=READ
)
def participation_transitions(
    participation: ParticipationDep, engagement: EngagementDep, caller: CallerDep
) -> list[TriggerPublic]:
    """Every participation trigger, whether it is allowed now, and what blocks it."""
    snapshot = participation_snapshot(caller.session, engagement, participation)
    return views.triggers(available_for_participation(snapshot))


def _transition(caller, engagement, participation, trigger, reason, version, response):
    participation = service.transition_participation(
        session=caller.session,
        actor=caller.user,
        engagement=engagement,
        participation=participation,
        trigger=trigger,
        reason=reason,
        version=version,
    )
    etag(response, participation.version)
    return views.participation_public(caller.session, participation)


@router.post(
    BASE + "/{participation_id}/transitions/{trigger}",
    response_model=ParticipationPublic,
    responses=WRITE,
)
def transition_participation(
    trigger: ParticipationTrigger,
    participation: ParticipationDep,
    engagement: EngagementDep,
    version: VersionDep,
    caller: CallerDep,
    response: Response,
    data: TransitionRequest | None = None,
) -> ParticipationPublic:
    """Fire a participation trigger (drop needs a reason); 409 lists what blocks it."""
    access.require_action(caller.user, engagement)
    reason = data.reason if data else None
    return _transition(caller, engagement, participation, trigger.value, reason, version, response)


@router.post(
    BASE + "/{participation_id}/selection", response_model=ParticipationPublic, responses=WRITE
)
def record_selection(
    data: SelectionRequest,
    participation: ParticipationDep,
    engagement: EngagementDep,
    version: VersionDep,
    caller: CallerDep,
    response: Response,
) -> ParticipationPublic:
    """Record the selection decision for an evaluated candidate, with its reason."""
    if not access.may_decide_selection(caller.user, engagement):
        raise Forbidden("only the broker, an administrator or the buyer may decide selection")
    trigger = "select" if data.decision == SelectionDecision.selected else "not_select"
    return _transition(caller, engagement, participation, trigger, data.reason, version, response)


@router.get(
    "/engagements/{engagement_id}/events",
    response_model=Page[EventPublic],
    responses=problems(401, 404, 422),
)
def list_events(
    engagement: EngagementDep,
    caller: CallerDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[EventPublic]:
    """The history of every state change and decision: actor, time, from, to, trigger, reason."""
    statement = select(Event).where(Event.engagement_id == engagement.id)
    if caller.user.role not in access.READS_ALL:
        statement = statement.where(
            col(Event.audit_id).is_(None)
            | col(Event.audit_id).in_(visible_reviewed_audits(caller.user, engagement))
        )
    if caller.user.role == Role.supplier:
        own = select(col(Participation.id)).where(
            Participation.engagement_id == engagement.id,
            Participation.supplier_id == caller.user.organization_id,
        )
        statement = statement.where(
            or_(col(Event.participation_id).is_(None), col(Event.participation_id).in_(own))
        )
    rows = list(caller.session.exec(paginate(statement, Event, cursor, limit)).all())
    return views.event_page(caller.session, rows, limit)


def visible_reviewed_audits(user: User, engagement: Engagement) -> Any:
    """Ids of the engagement's audits a firm may see: reviewed ones (a supplier: its own)."""
    from service.audits.models import Audit

    statement = select(col(Audit.id)).where(
        Audit.engagement_id == engagement.id, Audit.state == AuditState.reviewed
    )
    if user.role == Role.supplier:
        statement = statement.where(Audit.organization_id == user.organization_id)
    return statement
