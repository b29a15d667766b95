"""The calendar file (RFC 5545) of a round table, made with the icalendar package."""

from datetime import timedelta

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from service.roundtables.models import RoundTable, RoundTableState
from service.roundtables.service import starts_local
from service.types import utcnow


def calendar_file(round_table: RoundTable, buyer_name: str) -> bytes:
    """One VEVENT with the start in the round table's own time zone (VTIMEZONE included)."""
    calendar = Calendar()
    calendar.add("prodid", "-//supplierdev//round tables//EN")
    calendar.add("version", "2.0")
    calendar.add(
        "method", "CANCEL" if round_table.state == RoundTableState.cancelled else "PUBLISH"
    )
    event = CalendarEvent()
    start = starts_local(round_table)
    event.add("uid", f"{round_table.id}@supplierdev")
    event.add("dtstamp", utcnow())
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=round_table.duration_minutes))
    event.add("sequence", round_table.version)
    event.add("summary", f"{round_table.title} ({buyer_name})")
    agenda = "\n".join(f"{number}. {item}" for number, item in enumerate(round_table.agenda, 1))
    event.add("description", agenda)
    if round_table.place:
        event.add("location", round_table.place)
    if round_table.video_link:
        event.add("url", round_table.video_link)
    cancelled = round_table.state == RoundTableState.cancelled
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
