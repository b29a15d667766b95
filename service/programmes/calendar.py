"""The programme's calendar: today in its timezone, and the day a window of months ends."""

import uuid
from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlmodel import Session

from service.programmes.models import Programme
from workflows.plan_health import add_months


class Window(Protocol):
    """Anything that starts on a day and runs for whole months, such as a plan."""

    @property
    def starts_on(self) -> date: ...

    @property
    def months(self) -> int: ...


def today_in(session: Session, programme_id: uuid.UUID | None) -> date:
    """Today in the programme's timezone: the day a firm sees on its calendar."""
    programme = session.get(Programme, programme_id) if programme_id else None
    zone = ZoneInfo(programme.timezone if programme else "UTC")
    return datetime.now(zone).date()


def ends_on(window: Window) -> date:
    """The day a window of whole months ends: its start plus its months."""
    return add_months(window.starts_on, window.months)
