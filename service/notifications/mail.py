"""E-mail: each message rendered in its recipient's language (catalogue domain `mail`), as
HTML with a plain-text alternative, and sent by SMTP or written to a folder.

Texts are gettext messages with named placeholders; the HTML part is a small Jinja2
template with autoescaping, so a firm's name can never inject markup."""

import smtplib
import ssl
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Any

from jinja2 import Environment

from service.i18n import translations
from service.notifications.models import Topic
from service.settings import get_settings
from service.types import utcnow

DOMAIN = "mail"

# Per topic: the subject, the paragraph and the label of the link, in English (msgids).
TEXTS: dict[Topic, tuple[str, str, str]] = {
    Topic.round_table_scheduled: (
        "Invitation: %(title)s",
        "You are invited to the round table %(title)s of %(buyer)s on %(when)s. "
        "The calendar invitation is attached.",
        "Open the round table",
    ),
    Topic.round_table_rescheduled: (
        "Rescheduled: %(title)s",
        "The round table %(title)s of %(buyer)s has moved to %(when)s. "
        "The updated calendar invitation is attached.",
        "Open the round table",
    ),
    Topic.round_table_cancelled: (
        "Cancelled: %(title)s",
        "The round table %(title)s of %(buyer)s on %(when)s is cancelled.",
        "Open the round table",
    ),
    Topic.audit_reviewed: (
        "Audit reviewed: %(firm)s",
        "The audit of %(firm)s has been reviewed. Its results are now available.",
        "Open the audit",
    ),
    Topic.plan_submitted: (
        "Approval requested: improvement plan of %(firm)s",
        "The improvement plan of %(firm)s was submitted and awaits your approval.",
        "Open the plan",
    ),
    Topic.plan_approved: (
        "Plan approved: %(firm)s",
        "The improvement plan of %(firm)s has been approved by every party.",
        "Open the plan",
    ),
    Topic.plan_at_risk: (
        "Plan at risk: %(firm)s",
        "The improvement plan of %(firm)s is at risk.",
        "Open the plan",
    ),
    Topic.plan_off_track: (
        "Plan off track: %(firm)s",
        "The improvement plan of %(firm)s is off track.",
        "Open the plan",
    ),
    Topic.partnership_decided: (
        "Partnership decision: %(buyer)s",
        "%(buyer)s has recorded its partnership decision about %(firm)s: %(outcome)s.",
        "Open the engagement",
    ),
    Topic.user_created: (
        "Your supplierdev account",
        "An account was created for you. Choose your password with the link below; "
        "it is valid for %(minutes)s minutes.",
        "Set your password",
    ),
    Topic.password_reset: (
        "Reset your supplierdev password",
        "Someone asked to reset the password of this account. If it was you, choose a new "
        "password with the link below; it is valid for %(minutes)s minutes and works once. "
        "If it was not you, ignore this message.",
        "Reset your password",
    ),
    Topic.review_due: (
        "Monthly review due: %(firm)s",
        "The monthly review of the improvement plan of %(firm)s is due on %(day)s.",
        "Open the plan",
    ),
    Topic.review_overdue: (
        "Monthly review overdue: %(firm)s",
        "The monthly review of the improvement plan of %(firm)s was due on %(day)s.",
        "Open the plan",
    ),
    Topic.action_due: (
        "Action due: %(title)s",
        "The action %(title)s of the plan of %(firm)s is due on %(day)s.",
        "Open the plan",
    ),
    Topic.action_overdue: (
        "Action overdue: %(title)s",
        "The action %(title)s of the plan of %(firm)s was due on %(day)s.",
        "Open the plan",
    ),
    Topic.approval_waiting: (
        "Approval waiting: improvement plan of %(firm)s",
        "The improvement plan of %(firm)s has been waiting for your approval since %(day)s.",
        "Open the plan",
    ),
    Topic.round_table_tomorrow: (
        "Tomorrow: %(title)s",
        "The round table %(title)s of %(buyer)s is tomorrow, %(when)s.",
        "Open the round table",
    ),
    Topic.digest: (
        "Your supplierdev summary: %(count)s messages",
        "Here is what happened since your last summary:",
        "",
    ),
    Topic.webhook_disabled: (
        "Webhook endpoint disabled",
        "The webhook endpoint %(url)s failed for %(days)s days and has been disabled. "
        "Its last error: %(error)s",
        "Open the programme",
    ),
}
GREETING = "Hello %(name)s,"
UNSUBSCRIBE = "You receive these messages because of your notification settings. Unsubscribe:"

_HTML = Environment(autoescape=True).from_string(
    """<!doctype html>
<html lang="{{ language }}"><head><meta charset="utf-8"><title>{{ subject }}</title></head>
<body style="font-family: sans-serif; max-width: 40em">
<p>{{ greeting }}</p>
<p>{{ paragraph }}</p>
{% if items %}<ul>{% for text, href in items %}
<li>{% if href %}<a href="{{ href }}">{{ text }}</a>{% else %}{{ text }}{% endif %}</li>
{% endfor %}</ul>{% endif %}
{% if link %}<p><a href="{{ link }}">{{ label }}</a></p>{% endif %}
{% if unsubscribe %}<p style="color: #555; font-size: small">{{ unsubscribe_text }}
<a href="{{ unsubscribe }}">{{ unsubscribe }}</a></p>{% endif %}
</body></html>
"""
)


@dataclass
class Letter:
    """What one recipient receives, before it is put into words."""

    message_id: uuid.UUID
    to: str
    name: str
    language: str
    topic: Topic
    args: dict[str, Any]
    link: str | None = None
    unsubscribe: str | None = None
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)
    # A digest's items: (subject in the recipient's language, link or None).
    items: list[tuple[str, str | None]] = field(default_factory=list)


def compose(letter: Letter) -> EmailMessage:
    """The e-mail of a letter: subject and text in the recipient's language, HTML and plain
    text, the stable Message-ID and, for reminders and digests, one-click unsubscribe."""
    settings = get_settings()
    strings = translations(letter.language, DOMAIN)
    subject_id, paragraph_id, label_id = TEXTS[letter.topic]
    subject = strings.gettext(subject_id) % letter.args
    greeting = strings.gettext(GREETING) % {"name": letter.name}
    paragraph = strings.gettext(paragraph_id) % letter.args
    label = strings.gettext(label_id) if label_id else ""
    unsubscribe_text = strings.gettext(UNSUBSCRIBE)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.mail_sender
    message["To"] = formataddr((letter.name, letter.to))
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = f"<{letter.message_id}@supplierdev>"
    if letter.unsubscribe:
        message["List-Unsubscribe"] = f"<{letter.unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    text = [greeting, "", paragraph]
    for item, href in letter.items:
        text.append(f"- {item}" + (f": {href}" if href else ""))
    if letter.link:
        text += ["", f"{label}: {letter.link}"]
    if letter.unsubscribe:
        text += ["", "-- ", f"{unsubscribe_text} {letter.unsubscribe}"]
    message.set_content("\n".join(text) + "\n")
    html = _HTML.render(
        language=letter.language,
        subject=subject,
        greeting=greeting,
        paragraph=paragraph,
        link=letter.link,
        label=label,
        unsubscribe=letter.unsubscribe,
        unsubscribe_text=unsubscribe_text,
        items=letter.items,
    )
    message.add_alternative(html, subtype="html")
    for filename, content, media_type in letter.attachments:
        kind, *parameters = (part.strip() for part in media_type.split(";"))
        maintype, subtype = kind.split("/", 1)
        params = dict(parameter.split("=", 1) for parameter in parameters)
        message.add_attachment(
            content, maintype=maintype, subtype=subtype, filename=filename, params=params
        )
    # Set last: adding parts moves the Content-* headers set before into the first part.
    message["Content-Language"] = letter.language
    return message


def subject_of(language: str, topic: Topic, args: dict[str, Any]) -> str:
    """The subject line of one kind of message in a language (a digest lists them)."""
    return translations(language, DOMAIN).gettext(TEXTS[topic][0]) % args


def send(message: EmailMessage) -> None:
    """Send through the configured SMTP server, or write to the mail folder without one."""
    settings = get_settings()
    if not settings.smtp_host:
        _write(settings.mail_dir, message)
        return
    timeout = 30
    if settings.smtp_security == "tls":
        context = ssl.create_default_context()
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    with smtp:
        if settings.smtp_security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(message)


def _write(folder: Path, message: EmailMessage) -> None:
    """One .eml file per message, named by its id (a message sent twice is one file)."""
    folder.mkdir(parents=True, exist_ok=True)
    name = str(message["Message-ID"]).strip("<>").split("@", 1)[0]
    partial = folder / f".{name}.eml.partial"
    partial.write_bytes(bytes(message))
    partial.replace(folder / f"{name}.eml")
