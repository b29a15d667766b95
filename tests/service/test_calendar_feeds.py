"""Calendar feeds: a secret, revocable URL per user that a calendar application reads
without a bearer token; reminders carry one-click unsubscribe (RFC 8058)."""

from datetime import UTC, datetime

import icalendar
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service.accounts.models import Role
from service.notifications.letters import letter_for
from service.notifications.mail import compose
from service.notifications.models import NotificationPreference, OutboxMessage
from service.notifications.reminders import run_schedules
from tests.service.test_reminders import plan_in_progress


def test_a_feed_url_shows_the_users_round_tables_reviews_and_due_actions_until_revoked(
    client: TestClient, session: Session
) -> None:
    tenant = plan_in_progress(session)
    issued = client.post("/api/v1/me/calendar-feed", headers=tenant.headers(Role.supplier))
    assert issued.status_code == 201
    url = issued.json()["url"]
    path = url.split("://", 1)[1].split("/", 1)[1]
    feed = client.get(f"/{path}")
    assert feed.status_code == 200
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(feed.content)
    events = sorted(
        (str(event["summary"]), event.decoded("dtstart").isoformat())
        for event in calendar.walk("VEVENT")
    )
    assert events == [
        ("Due: Production planning course", "2027-03-04"),
        ("First round table", "2027-02-26T15:00:00-06:00"),
        ("Monthly review: Alpha supplier", "2027-02-28"),
    ]
    provider = client.post("/api/v1/me/calendar-feed", headers=tenant.headers(Role.provider))
    provider_path = provider.json()["url"].split("://", 1)[1].split("/", 1)[1]
    provider_events = icalendar.Calendar.from_ical(client.get(f"/{provider_path}").content)
    assert [str(e["summary"]) for e in provider_events.walk("VEVENT")] == [
        "Due: Production planning course"
    ]

    renewed = client.post("/api/v1/me/calendar-feed", headers=tenant.headers(Role.supplier))
    assert client.get(f"/{path}").status_code == 404
    new_path = renewed.json()["url"].split("://", 1)[1].split("/", 1)[1]
    assert client.get(f"/{new_path}").status_code == 200
    revoked = client.delete("/api/v1/me/calendar-feed", headers=tenant.headers(Role.supplier))
    assert revoked.status_code == 204
    assert client.get(f"/{new_path}").status_code == 404


def test_a_reminder_unsubscribes_with_one_click(client: TestClient, session: Session) -> None:
    tenant = plan_in_progress(session)
    run_schedules(datetime(2027, 2, 25, 6, 30, tzinfo=UTC))
    session.rollback()
    row = session.exec(
        select(OutboxMessage).where(
            OutboxMessage.topic == "reminder.action_due",
            OutboxMessage.recipient_id == tenant.users[Role.supplier].id,
        )
    ).one()
    letter = letter_for(session, row)
    assert letter is not None
    message = compose(letter)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = str(message["List-Unsubscribe"]).strip("<>")
    path = link.split("://", 1)[1].split("/", 1)[1]
    # RFC 8058: the mail client POSTs the body below to the link, with no credentials.
    answer = client.post(
        f"/{path}",
        content=b"List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"kind": "reminder.action_due", "cadence": "off"}
    session.rollback()
    preference = session.get(
        NotificationPreference, (tenant.users[Role.supplier].id, "reminder.action_due")
    )
    assert preference is not None
    assert preference.cadence == "off"
    forged = client.post(f"/{path[:-4]}AAAA")
    assert forged.status_code == 404
