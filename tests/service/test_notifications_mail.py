"""E-mail notifications through the outbox to a real SMTP server (aiosmtpd): the recipient's
language, HTML and plain text, links to the UI, the calendar invitation, password links."""

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage

import icalendar
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from service.accounts.models import Role
from service.database import write_session
from service.history import EventKind, SubjectKind, record_event
from service.notifications.models import (
    Cadence,
    Channel,
    Delivery,
    NotificationPreference,
    OutboxMessage,
)
from service.notifications.reminders import run_schedules
from service.notifications.worker import Worker
from service.settings import get_settings
from service.types import Language
from tests.factories import make_tenant
from tests.mailbox import Mailbox, html_of, smtp_server, text_of
from tests.service.test_reminders import plan_in_progress
from tests.service.test_round_tables import BODY, in_round_tables

UI = "http://ui.example.test"


@pytest.fixture
def mailbox(engine: object) -> Iterator[Mailbox]:
    """Outgoing mail goes to a real SMTP server on loopback for the test."""
    with smtp_server() as (box, port):
        saved = dict(os.environ)
        os.environ.update(
            SUPPLIERDEV_SMTP_HOST="127.0.0.1",
            SUPPLIERDEV_SMTP_PORT=str(port),
            SUPPLIERDEV_SMTP_SECURITY="none",
            SUPPLIERDEV_PUBLIC_URL=UI,
        )
        get_settings.cache_clear()
        try:
            yield box
        finally:
            os.environ.clear()
            os.environ.update(saved)
            get_settings.cache_clear()


def attachment(message: EmailMessage, filename: str) -> EmailMessage:
    for part in message.iter_attachments():
        if part.get_filename() == filename:
            assert isinstance(part, EmailMessage)
            return part
    raise AssertionError(f"no attachment {filename}")


def test_a_round_table_invitation_reaches_each_invitee_in_their_language_with_a_calendar_request(
    client: TestClient, session: Session, mailbox: Mailbox
) -> None:
    tenant, engagement = in_round_tables(session)
    buyer = tenant.users[Role.buyer]
    buyer.language = Language.es
    session.add(buyer)
    session.commit()
    response = client.post(
        f"/api/v1/engagements/{engagement.id}/round-tables",
        json=BODY,
        headers=tenant.headers(Role.broker),
    )
    assert response.status_code == 201, response.text
    round_table_id = response.json()["id"]

    Worker().drain()

    recipients = sorted(str(message["To"]) for message in mailbox.messages)
    assert recipients == [
        "Broker <broker@alpha.test>",
        "Buyer <buyer@alpha.test>",
        "Supplier <supplier@alpha.test>",
    ]
    [spanish] = mailbox.to("buyer@alpha.test")
    assert spanish["Subject"] == "Invitación: Packaging requirements"
    assert spanish["Content-Language"] == "es"
    link = f"{UI}/round-tables/{round_table_id}"
    assert "Está invitado a la mesa redonda Packaging requirements de Alpha buyer" in text_of(
        spanish
    )
    assert f'<a href="{link}">Abrir la mesa redonda</a>' in html_of(spanish)
    assert link in text_of(spanish)
    assert spanish["List-Unsubscribe"] is None  # a notification, not a reminder
    calendar = icalendar.Calendar.from_ical(attachment(spanish, "invite.ics").get_content())
    assert str(calendar["method"]) == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert str(event["uid"]) == f"{round_table_id}@supplierdev"
    assert str(event["attendee"]) == "mailto:buyer@alpha.test"
    assert event.decoded("dtstart").isoformat() == "2037-01-20T15:00:00-06:00"
    [english] = mailbox.to("supplier@alpha.test")
    assert english["Subject"] == "Invitation: Packaging requirements"


def test_every_message_keeps_its_id_and_is_sent_once(
    client: TestClient, session: Session, mailbox: Mailbox
) -> None:
    tenant, engagement = in_round_tables(session)
    client.post(
        f"/api/v1/engagements/{engagement.id}/round-tables",
        json=BODY,
        headers=tenant.headers(Role.broker),
    )
    Worker().drain()
    Worker().drain()
    session.rollback()
    mails = session.exec(select(OutboxMessage).where(OutboxMessage.channel == Channel.mail)).all()
    assert sorted(f"<{row.id}@supplierdev>" for row in mails) == sorted(mailbox.ids())
    assert {row.state for row in mails} == {Delivery.sent}


def test_a_rolled_back_change_sends_nothing(session: Session, mailbox: Mailbox) -> None:
    tenant = make_tenant(session, "Alpha")
    with write_session() as writer:
        record_event(
            writer,
            actor_id=tenant.users[Role.admin].id,
            programme_id=tenant.programme.id,
            kind=EventKind.user,
            subject=(SubjectKind.user, tenant.users[Role.buyer].id),
            trigger="create_user",
        )
        writer.flush()
        assert writer.exec(select(func.count()).select_from(OutboxMessage)).one() == 1
        writer.rollback()
    assert Worker().drain() == 0
    session.rollback()
    assert session.exec(select(func.count()).select_from(OutboxMessage)).one() == 0
    assert mailbox.messages == []


def test_a_new_user_gets_a_link_to_set_a_password_that_works_once(
    client: TestClient, session: Session, mailbox: Mailbox
) -> None:
    tenant = make_tenant(session, "Alpha")
    body = {
        "email": "nueva@alpha.test",
        "full_name": "Ana Nueva",
        "language": "fr",
        "organization_id": str(tenant.users[Role.supplier].organization_id),
        "role": "supplier",
        "password": "a provisional password",
    }
    created = client.post("/api/v1/users", json=body, headers=tenant.headers(Role.admin))
    assert created.status_code == 201, created.text
    Worker().drain()
    [message] = mailbox.to("nueva@alpha.test")
    assert message["Subject"] == "Votre compte supplierdev"
    token = text_of(message).split(f"{UI}/password?token=", 1)[1].split()[0]
    session.rollback()
    [sent] = session.exec(
        select(OutboxMessage).where(
            OutboxMessage.topic == "user.created",
            OutboxMessage.channel == "mail",
            OutboxMessage.recipient_id == uuid.UUID(created.json()["id"]),
        )
    ).all()
    assert (sent.state, sent.payload["path"]) == ("sent", None)
    new = {"token": token, "password": "my own new password"}
    assert client.post("/api/v1/auth/password-reset/confirm", json=new).status_code == 204
    again = client.post("/api/v1/auth/password-reset/confirm", json=new)
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "token"
    login = {"email": "nueva@alpha.test", "password": "my own new password"}
    assert client.post("/api/v1/auth/login", json=login).status_code == 200


def test_a_password_reset_answers_alike_for_known_and_unknown_addresses(
    client: TestClient, session: Session, mailbox: Mailbox
) -> None:
    make_tenant(session, "Alpha")
    known = client.post("/api/v1/auth/password-reset", json={"email": "Buyer@alpha.test"})
    unknown = client.post("/api/v1/auth/password-reset", json={"email": "nobody@alpha.test"})
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert known.status_code == 202
    Worker().drain()
    assert [str(m["To"]) for m in mailbox.messages] == ["Buyer <buyer@alpha.test>"]
    [message] = mailbox.messages
    assert message["Subject"] == "Reset your supplierdev password"
    assert "valid for 60 minutes and works once" in text_of(message)


def test_a_kind_turned_off_is_not_sent(
    client: TestClient, session: Session, mailbox: Mailbox
) -> None:
    tenant, engagement = in_round_tables(session)
    off = client.put(
        "/api/v1/me/notification-preferences/round_table.scheduled",
        json={"cadence": "off"},
        headers=tenant.headers(Role.supplier),
    )
    assert off.status_code == 200, off.text
    client.post(
        f"/api/v1/engagements/{engagement.id}/round-tables",
        json=BODY,
        headers=tenant.headers(Role.broker),
    )
    Worker().drain()
    assert sorted(str(m["To"]) for m in mailbox.messages) == [
        "Broker <broker@alpha.test>",
        "Buyer <buyer@alpha.test>",
    ]


def test_without_an_smtp_host_mail_is_written_to_the_mail_folder(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    client.post("/api/v1/auth/password-reset", json={"email": "buyer@alpha.test"})
    Worker().drain()
    session.rollback()
    [row] = session.exec(select(OutboxMessage)).all()
    written = get_settings().mail_dir / f"{row.id}.eml"
    assert written.is_file()
    assert b"Subject: Reset your supplierdev password" in written.read_bytes()
    assert tenant.users[Role.buyer].email.encode() in written.read_bytes()
    assert uuid.UUID(written.stem) == row.id


def test_a_weekly_digest_bundles_what_came_during_the_week_into_one_message_on_monday(
    session: Session, mailbox: Mailbox
) -> None:
    tenant = plan_in_progress(session)
    supplier = tenant.users[Role.supplier]
    session.add(
        NotificationPreference(
            user_id=supplier.id, kind="reminder.action_due", cadence=Cadence.weekly
        )
    )
    session.commit()
    thursday = datetime(2027, 2, 25, 6, 30, tzinfo=UTC)
    run_schedules(thursday)
    Worker(clock=lambda: thursday).drain()
    assert sorted(m["Subject"] for m in mailbox.to("supplier@alpha.test")) == [
        "Monthly review due: Alpha supplier",
        "Tomorrow: First round table",
    ]
    assert [m["Subject"] for m in mailbox.to("provider@alpha.test")] == [
        "Action due: Production planning course"
    ]
    monday_seven_in_managua = datetime(2027, 3, 1, 13, 0, tzinfo=UTC)
    run_schedules(monday_seven_in_managua)
    run_schedules(monday_seven_in_managua)
    Worker(clock=lambda: monday_seven_in_managua).drain()
    digests = [m for m in mailbox.to("supplier@alpha.test") if "summary" in str(m["Subject"])]
    [digest] = digests
    assert digest["Subject"] == "Your supplierdev summary: 1 messages"
    assert f"- Action due: Production planning course: {UI}/plans/" in text_of(digest)
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
