"""A user's calendar feed (RFC 5545): the round tables, plan review dates and action due
dates the user may see, read through the same access rules as the API."""

from datetime import timedelta

from icalendar import Calendar
from icalendar import Event as CalendarEvent
from sqlalchemy import func
from sqlmodel import Session, col, select

from service.accounts.models import User
from service.engagements.models import Engagement
from service.notifications.reminders import next_review_due
from service.plans.access import action_conditions, visible_plans
from service.plans.models import Action, ActionStatus, Plan, PlanState, Review
from service.programmes.models import Organization
from service.roundtables.access import visible_round_tables
from service.roundtables.models import RoundTableState
from service.roundtables.service import starts_local
from service.settings import get_settings
from service.types import utcnow

OPEN_PLANS = (PlanState.approved, PlanState.in_progress)


def calendar_feed(session: Session, user: User) -> bytes:
    """Every round table, next review date and open action due date the user may see."""
    calendar = Calendar()
    calendar.add("prodid", "-//supplierdev//calendar feed//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "supplierdev")
    base = get_settings().public_url.rstrip("/")
    stamp = utcnow()
    for round_table in session.exec(visible_round_tables(user)).all():
        event = _event(f"round-table-{round_table.id}", round_table.title, stamp)
        start = starts_local(round_table)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=round_table.duration_minutes))
        event.add("sequence", round_table.version)
        cancelled = round_table.state == RoundTableState.cancelled
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        if round_table.place:
            event.add("location", round_table.place)
        event.add("url", f"{base}/round-tables/{round_table.id}")
        calendar.add_component(event)
    plans = session.exec(visible_plans(user).where(col(Plan.state).in_(OPEN_PLANS))).all()
    names = _firm_names(session, [plan.organization_id for plan in plans])
    reviews = dict(
        session.exec(
            select(Review.plan_id, func.count())
            .where(col(Review.plan_id).in_([plan.id for plan in plans]))
            .group_by(col(Review.plan_id))
        ).all()
    )
    for plan in plans:
        held = reviews.get(plan.id, 0)
        due = next_review_due(plan.starts_on, plan.months, held)
        if due is not None:
            title = f"Monthly review: {names.get(plan.organization_id, '')}"
            event = _event(f"review-{plan.id}-{held + 1}", title, stamp)
            event.add("dtstart", due)
            event.add("url", f"{base}/plans/{plan.id}")
            calendar.add_component(event)
    actions = session.exec(
        select(Action)
        .join(Plan, col(Plan.id) == Action.plan_id)
        .join(Engagement, col(Engagement.id) == Plan.engagement_id)
        .where(*action_conditions(user))
        .where(col(Plan.state).in_(OPEN_PLANS))
        .where(col(Action.status).in_([ActionStatus.planned, ActionStatus.in_progress]))
    ).all()
    for action in actions:
        event = _event(f"action-{action.id}", f"Due: {action.title}", stamp)
        event.add("dtstart", action.due_on)
        event.add("url", f"{base}/plans/{action.plan_id}")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def _event(uid: str, summary: str, stamp: object) -> CalendarEvent:
    event = CalendarEvent()
    event.add("uid", f"{uid}@supplierdev")
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    return event


def _firm_names(session: Session, ids: list[object]) -> dict[object, str]:
    rows = session.exec(
        select(Organization.id, Organization.name).where(col(Organization.id).in_(ids))
    ).all()
    return dict(rows)
