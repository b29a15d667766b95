"""Fan-out: one event's dispatch row becomes the e-mails of the people it concerns and the
deliveries of the webhook endpoints subscribed to its type, in one transaction with unique
keys, so a fan-out repeated after a crash adds nothing."""

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from service.accounts.models import User
from service.accounts.passwords import issue_password_link
from service.audits.models import Audit
from service.engagements.models import Engagement, Participation
from service.history import Event
from service.notifications import outbox
from service.notifications.models import (
    ESSENTIAL,
    Cadence,
    Channel,
    NotificationPreference,
    OutboxMessage,
    Topic,
    WebhookEndpoint,
)
from service.plans.models import PartnershipDecision, Plan
from service.programmes.models import Organization, Programme
from service.roundtables.models import RoundTable, RoundTableInvitee
from service.roundtables.service import starts_local
from service.settings import get_settings
from service.types import utcnow

ROUND_TABLE_MAILS = (
    Topic.round_table_scheduled,
    Topic.round_table_rescheduled,
    Topic.round_table_cancelled,
)
# The API path of each kind of subject, for thin webhook payloads.
API_PATHS = {
    "round_table": "/api/v1/round-tables/{}",
    "audit": "/api/v1/audits/{}",
    "plan": "/api/v1/plans/{}",
    "engagement": "/api/v1/engagements/{}",
    "participation": "/api/v1/participations/{}",
    "user": "/api/v1/users/{}",
}


def fan_out(session: Session, dispatch: OutboxMessage, now: datetime) -> int:
    """Write the messages of one dispatch row, due `now`; the number written. Never
    commits."""
    event = session.get(Event, dispatch.event_id)
    if event is None:
        return 0
    topic = Topic(dispatch.topic)
    written = _webhooks(session, event, topic, now)
    extra = {"round_table_id": str(event.subject_id)} if topic in ROUND_TABLE_MAILS else None
    for recipient, args, path in _letters(session, event, topic):
        written += mail_to(
            session,
            recipient,
            topic,
            args,
            path,
            key=f"{event.id}",
            event=event,
            extra=extra,
            due_at=now,
        )
    return written


def mail_to(
    session: Session,
    recipient: User,
    topic: Topic,
    args: dict[str, Any],
    path: str | None,
    *,
    key: str,
    event: Event | None = None,
    extra: dict[str, Any] | None = None,
    due_at: datetime | None = None,
) -> int:
    """One e-mail to one user, unless they turned this kind off; 1 when written."""
    cadence = preference(session, recipient.id, topic)
    if cadence == Cadence.off:
        return 0
    payload = {"args": args, "path": path, "cadence": cadence.value, **(extra or {})}
    channel = Channel.mail
    if cadence in (Cadence.daily, Cadence.weekly):
        channel = Channel.digest
        due_at = digest_time(session, recipient, cadence, due_at or utcnow())
    added = outbox.enqueue(
        session,
        channel=channel,
        topic=topic,
        dedup_key=f"mail:{topic.value}:{key}:{recipient.id}",
        programme_id=recipient.programme_id,
        recipient_id=recipient.id,
        event_id=event.id if event else None,
        payload=payload,
        due_at=due_at,
    )
    return int(added)


# Digests go out at this hour of the recipient's programme's day; weekly ones on Mondays.
DIGEST_HOUR = 7


def digest_time(session: Session, recipient: User, cadence: Cadence, now: datetime) -> datetime:
    """When the digest that takes an item written `now` is sent: the next 07:00 in the
    programme's time zone (the next Monday's, for a weekly digest)."""
    programme = session.get(Programme, recipient.programme_id) if recipient.programme_id else None
    zone = ZoneInfo(programme.timezone if programme else "UTC")
    local = now.astimezone(zone)
    send = datetime.combine(local.date(), time(DIGEST_HOUR), zone)
    if send <= local:
        send += timedelta(days=1)
    if cadence == Cadence.weekly:
        send += timedelta(days=(7 - send.weekday()) % 7)
    return send.astimezone(UTC)


def preference(session: Session, user_id: uuid.UUID, topic: Topic) -> Cadence:
    """How the user wants this kind of message (immediately unless set; essential ones
    always immediately)."""
    if topic in ESSENTIAL:
        return Cadence.immediately
    row = session.get(NotificationPreference, (user_id, topic.value))
    return row.cadence if row else Cadence.immediately


def _webhooks(session: Session, event: Event, topic: Topic, now: datetime) -> int:
    endpoints = session.exec(
        select(WebhookEndpoint).where(
            WebhookEndpoint.programme_id == event.programme_id,
            col(WebhookEndpoint.enabled).is_(True),
        )
    ).all()
    body = thin_payload(event, topic)
    written = 0
    for endpoint in endpoints:
        if topic.value in endpoint.event_types:
            written += outbox.enqueue(
                session,
                channel=Channel.webhook,
                topic=topic,
                dedup_key=f"webhook:{event.id}:{endpoint.id}",
                programme_id=event.programme_id,
                endpoint_id=endpoint.id,
                event_id=event.id,
                payload=body,
                due_at=now,
            )
    return written


def thin_payload(event: Event, topic: Topic) -> dict[str, Any]:
    """What a webhook says: the event's id, type, time, subject and links, nothing more."""
    base = get_settings().public_url.rstrip("/")
    subject = {"kind": event.subject_kind.value, "id": str(event.subject_id)}
    links = {}
    if event.subject_kind.value in API_PATHS:
        links["subject"] = base + API_PATHS[event.subject_kind.value].format(event.subject_id)
    if event.engagement_id:
        links["engagement"] = base + API_PATHS["engagement"].format(event.engagement_id)
    return {
        "type": topic.value,
        "timestamp": event.created_at.isoformat(),
        "data": {
            "event_id": str(event.id),
            "subject": subject,
            "engagement_id": str(event.engagement_id) if event.engagement_id else None,
            "links": links,
        },
    }


def users_of(session: Session, organization_ids: Iterable[uuid.UUID | None]) -> list[User]:
    """The active users of some organizations."""
    ids = {one for one in organization_ids if one is not None}
    statement = select(User).where(col(User.organization_id).in_(ids), col(User.is_active))
    return list(session.exec(statement.order_by(col(User.email))).all())


def _name(session: Session, organization_id: uuid.UUID) -> str:
    organization = session.get(Organization, organization_id)
    return organization.name if organization else ""


def _with_broker(session: Session, engagement: Engagement, users: list[User]) -> list[User]:
    broker = session.get(User, engagement.broker_id) if engagement.broker_id else None
    if broker is not None and broker.is_active and broker not in users:
        users = [broker, *users]
    return users


Letters = list[tuple[User, dict[str, Any], str | None]]


def _letters(session: Session, event: Event, topic: Topic) -> Letters:
    """Who is told about an event, with the words and the UI page of their message."""
    if topic in ROUND_TABLE_MAILS:
        return _round_table(session, event)
    if topic == Topic.audit_reviewed:
        audit = session.get(Audit, event.subject_id)
        if audit is None:
            return []
        engagement = session.get(Engagement, audit.engagement_id)
        assert engagement is not None
        args = {"firm": _name(session, audit.organization_id)}
        people = users_of(session, [audit.organization_id, engagement.buyer_id])
        return [(user, args, f"/audits/{audit.id}") for user in people]
    if topic in (Topic.plan_submitted, Topic.plan_approved):
        plan = session.get(Plan, event.subject_id)
        if plan is None:
            return []
        return [(user, args, f"/plans/{plan.id}") for user, args in plan_people(session, plan)]
    if topic == Topic.partnership_decided:
        return _decision(session, event)
    if topic == Topic.user_created:
        user = session.get(User, event.subject_id)
        if user is None or not user.is_active:
            return []
        minutes = get_settings().password_link_minutes
        link = issue_password_link(session, user, purpose="welcome")
        return [(user, {"minutes": minutes}, link)]
    return []


def plan_people(session: Session, plan: Plan) -> list[tuple[User, dict[str, Any]]]:
    """A plan's approvers: the broker, the buyer and, for a supplier's plan, the supplier."""
    engagement = session.get(Engagement, plan.engagement_id)
    assert engagement is not None
    people = users_of(session, [engagement.buyer_id, plan.organization_id])
    args = {"firm": _name(session, plan.organization_id)}
    return [(user, args) for user in _with_broker(session, engagement, people)]


def _round_table(session: Session, event: Event) -> Letters:
    round_table = session.get(RoundTable, event.subject_id)
    if round_table is None:
        return []
    engagement = session.get(Engagement, round_table.engagement_id)
    assert engagement is not None
    invited = session.exec(
        select(RoundTableInvitee.organization_id).where(
            RoundTableInvitee.round_table_id == round_table.id
        )
    ).all()
    people = _with_broker(session, engagement, users_of(session, invited))
    args = {
        "title": round_table.title,
        "buyer": _name(session, engagement.buyer_id),
        "when": starts_local(round_table).strftime("%Y-%m-%d %H:%M ") + round_table.timezone,
    }
    return [(user, args, f"/round-tables/{round_table.id}") for user in people]


def _decision(session: Session, event: Event) -> Letters:
    decision = session.get(PartnershipDecision, event.subject_id)
    if decision is None:
        return []
    participation = session.get(Participation, decision.participation_id)
    engagement = session.get(Engagement, event.engagement_id)
    assert participation is not None
    assert engagement is not None
    args = {
        "buyer": _name(session, engagement.buyer_id),
        "firm": _name(session, participation.supplier_id),
        "outcome": decision.outcome.value.replace("_", " "),
    }
    people = users_of(session, [participation.supplier_id])
    return [(user, args, f"/engagements/{engagement.id}") for user in people]
