"""Issue a report: gather its view, render it off the request's transaction, keep its bytes
and describe it, in one commit."""

import re
import threading
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from sqlmodel import Session

from service.accounts.models import User
from service.database import read_session
from service.engagements.models import Engagement
from service.errors import NotFound, ProblemError, Unprocessable
from service.programmes.calendar import today_in
from service.programmes.models import Organization, Programme
from service.reports import charts, store
from service.reports.models import IssuedReport, ReportKind, ReportRequest
from service.reports.rendering import decimal_mark, plain, render, render_pool
from service.reports.subjects import VIEWS
from service.reports.views import ReportView
from service.settings import get_settings
from service.types import Language


@dataclass
class Prepared:
    """A report ready to render: its view, language and the plain template context."""

    view: ReportView
    language: str
    context: dict[str, Any]
    programme_id: uuid.UUID


@lru_cache
def render_slots() -> threading.BoundedSemaphore:
    """At most SUPPLIERDEV_MAX_CONCURRENT_RENDERS renders at once per worker; others wait."""
    return threading.BoundedSemaphore(get_settings().max_concurrent_renders)


def language_of(session: Session, user: User, lang: Language | None) -> str:
    """The asked language, else the user's, else the programme's."""
    if lang is not None:
        return lang.value
    if user.language is not None:
        return user.language.value
    programme = session.get(Programme, user.programme_id) if user.programme_id else None
    return programme.language.value if programme else "en"


def prepare(
    *,
    session: Session,
    user: User,
    kind: ReportKind,
    subject_id: uuid.UUID,
    language: str,
    period: dict[str, date | None] | None = None,
) -> Prepared:
    """The view of a report the user may see, and the context its template lays out."""
    if user.programme_id is None:
        raise NotFound("no such report subject", field="subject_id")
    with charts.decimal_mark(decimal_mark(language)):
        view = VIEWS[kind](session, user, subject_id, language, period or {})
    programme = session.get(Programme, user.programme_id)
    assert programme is not None
    context = plain(
        {
            "title": view.title,
            "subtitle": view.subtitle,
            "firm": view.firm,
            "programme": programme.name,
            "paper": programme.paper_size.value,
            "currency": programme.currency,
            "issued_on": today_in(session, programme.id),
            **view.context,
        }
    )
    return Prepared(view, language, context, programme.id)


@dataclass(frozen=True)
class Rendered:
    """What a render worker sends back: the report's description and its bytes."""

    title: str
    engagement_id: uuid.UUID | None
    organization_id: uuid.UUID | None
    programme_id: uuid.UUID
    pdf: bytes


def render_report(
    user_id: uuid.UUID,
    kind: ReportKind,
    subject_id: uuid.UUID,
    language: str,
    period: dict[str, date | None] | None,
) -> Rendered | tuple[type[ProblemError], str, dict[str, Any]]:
    """What a render worker does: read the view from the database, lay it out and render
    it, all at the worker's low priority, so that the server process spends no CPU on it.
    A refusal (404, 403, 409) comes back as (class, detail, extra), to be raised again."""
    with read_session() as session:
        user = session.get(User, user_id)
        assert user is not None
        try:
            prepared = prepare(
                session=session,
                user=user,
                kind=kind,
                subject_id=subject_id,
                language=language,
                period=period,
            )
        except ProblemError as error:
            return type(error), error.detail, error.extra
    view = prepared.view
    pdf = render(view.template, language, prepared.context)
    return Rendered(
        view.title, view.engagement_id, view.organization_id, prepared.programme_id, pdf
    )


def render_in_worker(
    user_id: uuid.UUID,
    kind: ReportKind,
    subject_id: uuid.UUID,
    language: str,
    period: dict[str, date | None] | None,
) -> Rendered | tuple[type[ProblemError], str, dict[str, Any]]:
    """`render_report` in a render worker process; the calling thread waits for it."""
    return render_pool().submit(render_report, user_id, kind, subject_id, language, period).result()


def _refusal(kind: type[ProblemError], detail: str, extra: dict[str, Any]) -> ProblemError:
    error = kind.__new__(kind)
    Exception.__init__(error, detail)
    error.detail, error.extra, error.headers = detail, extra, {}
    return error


def issue(
    *,
    session: Session,
    user: User,
    kind: ReportKind,
    subject_id: uuid.UUID,
    lang: Language | None,
    period: dict[str, date | None] | None = None,
) -> IssuedReport:
    """Render a report as PDF in a worker process, keep its bytes with their sha256 and
    record it: one commit."""
    if user.programme_id is None:
        raise NotFound("no such report subject", field="subject_id")
    language = language_of(session, user, lang)
    user_id = user.id
    session.rollback()  # no transaction (nor SQLite write lock) is held while rendering
    with render_slots():
        outcome = render_in_worker(user_id, kind, subject_id, language, period)
    if isinstance(outcome, tuple):
        raise _refusal(*outcome)
    sha256, key = store.store(outcome.pdf)
    report = IssuedReport(
        programme_id=outcome.programme_id,
        engagement_id=outcome.engagement_id,
        organization_id=outcome.organization_id,
        kind=kind,
        subject_id=subject_id,
        language=Language(language),
        title=outcome.title,
        sha256=sha256,
        size=len(outcome.pdf),
        storage_key=key,
        issued_by=user_id,
    )
    session.add(report)
    session.commit()
    session.refresh(report)
    return report


def file_name(session: Session, report: IssuedReport) -> tuple[str, str]:
    """`<kind>-<subject>-<language>-<date>.pdf`: an ASCII-safe name and the original one."""
    subject = _subject_name(session, report)
    day = report.created_at.date().isoformat()
    kind = report.kind.value.replace("_", "-")
    original = f"{kind}-{subject}-{report.language.value}-{day}.pdf"
    ascii_subject = unicodedata.normalize("NFKD", subject).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_subject).strip("-").lower()[:60] or "report"
    return f"{kind}-{slug}-{report.language.value}-{day}.pdf", original


def _subject_name(session: Session, report: IssuedReport) -> str:
    """The firm a report is about, else its engagement's buyer, else the programme."""
    organization_id = report.organization_id
    if organization_id is None and report.engagement_id is not None:
        engagement = session.get(Engagement, report.engagement_id)
        organization_id = engagement.buyer_id if engagement else None
    if organization_id is not None:
        organization = session.get(Organization, organization_id)
        if organization is not None:
            return organization.name
    programme = session.get(Programme, report.programme_id)
    return programme.name if programme else "programme"


def content_disposition(session: Session, report: IssuedReport) -> str:
    """An attachment header with the ASCII name and, for the original, `filename*` (RFC 6266)."""
    safe, original = file_name(session, report)
    return f"attachment; filename=\"{safe}\"; filename*=UTF-8''{quote(original, safe='')}"


def reporting_period(data: ReportRequest) -> dict[str, date | None]:
    """The reporting period, for the programme report only, with its start before its end."""
    given: dict[str, date | None] = {"period_from": data.period_from, "period_to": data.period_to}
    for name, value in given.items():
        if value is not None and data.kind != ReportKind.programme:
            raise Unprocessable(f"{name} applies to the programme report only", field=name)
    if data.period_from and data.period_to and data.period_from > data.period_to:
        raise Unprocessable("period_from is after period_to", field="period_from")
    return given
