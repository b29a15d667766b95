"""The letter of an outbox e-mail row: its recipient, language, link, one-click unsubscribe
address and, for round tables, the calendar invitation (METHOD:REQUEST or CANCEL)."""

import base64
import hmac
import uuid

from icalendar import Calendar, vCalAddress
from sqlmodel import Session

from service.accounts.models import User
from service.engagements.models import Engagement
from service.i18n import choose
from service.notifications.mail import Letter, subject_of
from service.notifications.models import OutboxMessage, Topic
from service.programmes.models import Organization, Programme
from service.roundtables.ics import calendar_file
from service.roundtables.models import RoundTable
from service.security import token_digest
from service.settings import get_settings

# Reminders and digests carry one-click unsubscribe (RFC 8058); notifications of a change
# someone made are turned off in the preferences.
UNSUBSCRIBABLE = frozenset(
    {
        Topic.review_due,
        Topic.review_overdue,
        Topic.action_due,
        Topic.action_overdue,
        Topic.approval_waiting,
        Topic.round_table_tomorrow,
        Topic.plan_at_risk,
        Topic.plan_off_track,
        Topic.digest,
    }
)
INVITATIONS = {
    Topic.round_table_scheduled: "REQUEST",
    Topic.round_table_rescheduled: "REQUEST",
    Topic.round_table_cancelled: "CANCEL",
    Topic.round_table_tomorrow: "REQUEST",
}


def letter_for(session: Session, row: OutboxMessage) -> Letter | None:
    """The letter of a mail row, or None when its recipient is gone or disabled."""
    user = session.get(User, row.recipient_id) if row.recipient_id else None
    if user is None or not user.is_active:
        return None
    programme = session.get(Programme, user.programme_id) if user.programme_id else None
    language = choose(
        user.language, programme.language if programme else None, get_settings().default_language
    )
    base = get_settings().public_url.rstrip("/")
    topic = Topic(row.topic)
    path = row.payload.get("path")
    letter = Letter(
        message_id=row.id,
        to=user.email,
        name=user.full_name,
        language=language,
        topic=topic,
        args=row.payload.get("args", {}),
        link=base + path if path else None,
    )
    for item in row.payload.get("items", []):
        href = base + item["path"] if item.get("path") else None
        letter.items.append((subject_of(language, Topic(item["topic"]), item["args"]), href))
    if topic in UNSUBSCRIBABLE:
        letter.unsubscribe = f"{base}/api/v1/notifications/unsubscribe?token=" + (
            unsubscribe_token(user.id, topic)
        )
    round_table_id = row.payload.get("round_table_id")
    if topic in INVITATIONS and round_table_id:
        invitation = _invitation(session, uuid.UUID(round_table_id), user, INVITATIONS[topic])
        if invitation:
            letter.attachments.append(invitation)
    return letter


def _invitation(
    session: Session, round_table_id: uuid.UUID, user: User, method: str
) -> tuple[str, bytes, str] | None:
    round_table = session.get(RoundTable, round_table_id)
    if round_table is None:
        return None
    engagement = session.get(Engagement, round_table.engagement_id)
    buyer = session.get(Organization, engagement.buyer_id) if engagement else None
    calendar = Calendar.from_ical(calendar_file(round_table, buyer.name if buyer else ""))
    calendar.pop("method")
    calendar.add("method", method)
    sender = get_settings().mail_sender
    organizer_address = sender.rsplit("<", 1)[-1].rstrip(">").strip()
    for event in calendar.walk("VEVENT"):
        organizer = vCalAddress(f"mailto:{organizer_address}")
        organizer.params["cn"] = "supplierdev"
        event.add("organizer", organizer)
        attendee = vCalAddress(f"mailto:{user.email}")
        attendee.params["cn"] = user.full_name
        attendee.params["role"] = "REQ-PARTICIPANT"
        attendee.params["partstat"] = "NEEDS-ACTION"
        event.add("attendee", attendee)
    media_type = f"text/calendar; method={method}; charset=utf-8"
    return ("invite.ics", bytes(calendar.to_ical()), media_type)


def unsubscribe_token(user_id: uuid.UUID, topic: Topic) -> str:
    """A token naming a user and a kind of message, signed with the service's key."""
    text = f"{user_id}:{topic.value}"
    signature = token_digest(text)[:32]
    return base64.urlsafe_b64encode(f"{text}:{signature}".encode()).decode().rstrip("=")


def read_unsubscribe_token(token: str) -> tuple[uuid.UUID, Topic] | None:
    """The user and kind a token names, or None when it is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        user_id, topic, signature = text.rsplit(":", 2)
        expected = token_digest(f"{user_id}:{topic}")[:32]
        if not hmac.compare_digest(signature, expected):
            return None
        return uuid.UUID(user_id), Topic(topic)
    except (ValueError, UnicodeDecodeError):
        return None
