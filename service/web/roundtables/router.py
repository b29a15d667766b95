"""Round-table pages: the engagement's round tables and the form that schedules one; one round
table with its invitees, its calendar file, and the forms that reschedule, hold (attendance and
minutes) or cancel it."""

import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from service.accounts.models import Role
from service.engagements import access as engagement_access
from service.engagements.models import Engagement
from service.errors import NotFound, ProblemError
from service.roundtables import queries, service, views
from service.roundtables.models import (
    Cancellation,
    HoldRecord,
    Reschedule,
    RoundTable,
    RoundTableCreate,
)
from service.web.errors import MESSAGES
from service.web.forms import field_errors
from service.web.reasons import all_translated
from service.web.sessions import FormViewerDep, Viewer, ViewerDep
from service.web.templating import gettext, render

router = APIRouter(include_in_schema=False)
UNIT = (Role.admin, Role.broker)


def _unit(page: Viewer) -> None:
    if page.user.role not in UNIT:
        raise NotFound("no such page")  # firms see round tables in their portals


def _engagement(page: Viewer, engagement_id: uuid.UUID) -> Engagement:
    _unit(page)
    locking = page.request.method != "GET"
    return engagement_access.get_visible_engagement(page.session, page.user, engagement_id, locking)


def _round_table(page: Viewer, round_table_id: uuid.UUID) -> tuple[RoundTable, Engagement]:
    _unit(page)
    found: tuple[RoundTable, Engagement] = engagement_access.get_in_visible_engagement(
        page.session, page.user, RoundTable, round_table_id, "round table",
        page.request.method != "GET",
    )  # fmt: skip
    return found


def instant(local: str, timezone: str) -> datetime | str:
    """A `datetime-local` value in a time zone as an aware time (the raw text when unreadable,
    so the input model names the field)."""
    try:
        return datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(timezone))
    except (ValueError, ZoneInfoNotFoundError):
        return local


def _list(page: Viewer, engagement: Engagement, status: int = 200, **extra: Any) -> Response:
    rows = views.publics(page.session, queries.round_tables_of(page.session, page.user, engagement))
    timezone = page.programme.timezone if page.programme else "UTC"
    return render(
        page.request, "round_tables.html", page.language, page, status=status,
        engagement=engagement, round_tables=rows,
        may_act=engagement_access.may_act(page.user, engagement),
        values=extra.pop("values", {"timezone": timezone, "duration_minutes": "120"}),
        errors=extra.pop("errors", {}), **extra,
    )  # fmt: skip


@router.get("/engagements/{engagement_id}/round-tables")
def round_tables(engagement_id: uuid.UUID, page: ViewerDep) -> Response:
    """The engagement's round tables, and the form that schedules one."""
    return _list(page, _engagement(page, engagement_id))


@router.post("/engagements/{engagement_id}/round-tables")
def schedule(engagement_id: uuid.UUID, page: FormViewerDep) -> Response:
    """Schedule a round table: the buyer and every selected supplier are invited."""
    engagement = _engagement(page, engagement_id)
    form = page.form
    values = {
        k: form.get(k, "")
        for k in ("title", "starts_at", "timezone", "duration_minutes", "place", "agenda")
    }
    try:
        engagement_access.require_action(page.user, engagement)
        data = RoundTableCreate.model_validate(
            {
                "title": values["title"],
                "starts_at": instant(values["starts_at"], values["timezone"]),
                "timezone": values["timezone"],
                "duration_minutes": int(values["duration_minutes"] or 120),
                "place": values["place"].strip() or None,
                "agenda": [line.strip() for line in values["agenda"].splitlines() if line.strip()],
            }
        )
        round_table = service.schedule(
            session=page.session, actor=page.user, engagement=engagement, data=data
        )
    except ValidationError as error:
        page.session.rollback()
        return _list(
            page, engagement, 422, values=values, errors=field_errors(error, page.language)
        )
    except (ValueError, ProblemError) as error:
        page.session.rollback()
        return _list(
            page, engagement, getattr(error, "status", 422), values=values, **_refusal(page, error)
        )
    return RedirectResponse(f"/round-tables/{round_table.id}", status_code=303)


def _refusal(page: Viewer, error: Exception) -> dict[str, Any]:
    status = getattr(error, "status", 422)
    reasons = getattr(error, "extra", {}).get("blocked_by") or [getattr(error, "detail", "")]
    return {
        "error": gettext(page.language, MESSAGES.get(status, MESSAGES[500])),
        "error_reasons": all_translated([r for r in reasons if r], page.language),
    }


def _show(page: Viewer, round_table_id: uuid.UUID, status: int = 200, **extra: Any) -> Response:
    round_table, engagement = _round_table(page, round_table_id)
    return render(
        page.request, "round_table.html", page.language, page, status=status,
        round_table=views.public(page.session, round_table), engagement=engagement,
        may_act=engagement_access.may_act(page.user, engagement), **extra,
    )  # fmt: skip


@router.get("/round-tables/{round_table_id}")
def round_table(round_table_id: uuid.UUID, page: ViewerDep) -> Response:
    """One round table: when, where, the agenda, who is invited and what happened."""
    return _show(page, round_table_id)


@router.get("/round-tables/{round_table_id}/calendar.ics")
def calendar(round_table_id: uuid.UUID, page: ViewerDep) -> Response:
    """The round table as a calendar file."""
    round_table, engagement = _round_table(page, round_table_id)
    return Response(
        views.calendar(page.session, round_table, engagement),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="round-table-{round_table.id}.ics"'},
    )


def _hold_record(page: Viewer, round_table: RoundTable) -> HoldRecord:
    invited = views.public(page.session, round_table).invitees
    attendance = []
    for invitee in invited:
        key = str(invitee.organization_id)
        if page.form.get(f"attended-{key}"):
            names = [
                n.strip() for n in page.form.get(f"attendees-{key}", "").split(",") if n.strip()
            ]
            attendance.append({"organization_id": key, "attendees": names})
    return HoldRecord.model_validate(
        {"minutes": page.form.get("minutes", ""), "attendance": attendance}
    )


@router.post("/round-tables/{round_table_id}/{action}")
def change(round_table_id: uuid.UUID, action: str, page: FormViewerDep) -> Response:
    """Reschedule, hold or cancel; refused or invalid, the page says why in the user's language."""
    found, engagement = _round_table(page, round_table_id)
    version = page.form.get("version", "0")
    try:
        engagement_access.require_action(page.user, engagement)
        common: dict[str, Any] = {
            "session": page.session,
            "actor": page.user,
            "round_table": found,
            "version": int(version),
        }
        if action == "reschedule":
            timezone = page.form.get("timezone") or found.timezone
            data = Reschedule.model_validate(
                {"starts_at": instant(page.form.get("starts_at", ""), timezone),
                 "timezone": timezone, "reason": page.form.get("reason", "")}
            )  # fmt: skip
            service.reschedule(data=data, **common)
        elif action == "hold":
            service.hold(data=_hold_record(page, found), **common)
        elif action == "cancel":
            service.cancel(
                data=Cancellation.model_validate({"reason": page.form.get("reason", "")}), **common
            )
        else:
            raise NotFound("no such page")
    except NotFound:
        raise
    except (ValueError, ProblemError) as error:
        page.session.rollback()
        if isinstance(error, ValidationError):
            message = gettext(page.language, MESSAGES[422])
            reasons = sorted(set(field_errors(error, page.language).values()))
            return _show(page, round_table_id, 422, error=message, error_reasons=reasons)
        return _show(page, round_table_id, getattr(error, "status", 422), **_refusal(page, error))
    return RedirectResponse(f"/round-tables/{round_table_id}", status_code=303)
