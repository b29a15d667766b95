"""The reminder schedule, in each programme's time zone, with the clock passed in.

Every reminder is an outbox e-mail whose unique key names its kind, subject, recipient and
day, so running the schedule again (every few minutes, in several workers at once) adds
nothing: no reminder is sent twice for the same thing and day.

- a monthly review: 3 days before it is due, and overdue on the day after, then weekly;
- an action: 7 days before its due date, and overdue the day after, then weekly;
- a plan awaiting approval more than 5 days: each party that has not approved, then weekly;
- a round table: the day before, in its own time zone;
- a plan turning at risk or off track: once per plan and health, to broker and buyer.
"""

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from service.accounts.models import Role, User
from service.database import write_session
from service.engagements.models import Engagement
from service.history import Event, SubjectKind
from service.notifications.digests import bundle_digests
from service.notifications.fanout import _with_broker, mail_to, plan_people, users_of
from service.notifications.models import Topic, WebhookEndpoint
from service.plans.models import Action, ActionStatus, Plan, PlanApproval, PlanState, Review
from service.plans.queries import health_of
from service.programmes.models import Organization, Programme
from service.roundtables.models import RoundTable, RoundTableInvitee, RoundTableState
from service.roundtables.service import starts_local
from service.settings import get_settings
from workflows.plan_health import Health, add_months

REVIEW_NOTICE_DAYS = 3
ACTION_NOTICE_DAYS = 7
APPROVAL_WAIT_DAYS = 5
REPEAT_DAYS = 7


def overdue_day(due: date, today: date) -> date | None:
    """The day of the overdue reminder in force today: the day after `due`, then every
    week after that; None while not overdue."""
    if today <= due:
        return None
    weeks = (today - due - timedelta(days=1)).days // REPEAT_DAYS
    return due + timedelta(days=1 + REPEAT_DAYS * weeks)


def next_review_due(starts_on: date, months: int, reviews_held: int) -> date | None:
    """The day the next monthly review is due: review n is due n calendar months after the
    start (clamped to a shorter month's end); None once every month has its review."""
    if reviews_held >= months:
        return None
    return add_months(starts_on, reviews_held + 1)


def due_soon(due: date, today: date, notice_days: int) -> bool:
    """Whether `due` is at most `notice_days` ahead (and not past)."""
    return today <= due <= today + timedelta(days=notice_days)


def run_schedules(now: datetime) -> int:
    """Write today's reminders for every programme (one transaction); how many are new."""
    with write_session() as session:
        written = 0
        for programme in session.exec(select(Programme)).all():
            today = now.astimezone(ZoneInfo(programme.timezone)).date()
            written += _plans(session, programme.id, today, now)
            written += _actions(session, programme.id, today, now)
        written += _round_tables(session, now)
        written += bundle_digests(session, now)
        session.commit()
    return written


def _plans(session: Session, programme_id: uuid.UUID, today: date, now: datetime) -> int:
    written = 0
    plans = session.exec(
        select(Plan).where(
            Plan.programme_id == programme_id,
            col(Plan.state).in_([PlanState.submitted, PlanState.in_progress]),
        )
    ).all()
    for plan in plans:
        if plan.state == PlanState.submitted:
            written += _approval_waiting(session, plan, today, now)
            continue
        people = plan_people(session, plan)
        path = f"/plans/{plan.id}"
        reviews = list(session.exec(select(Review).where(Review.plan_id == plan.id)).all())
        due = next_review_due(plan.starts_on, plan.months, len(reviews))
        if due is not None:
            topic, day = Topic.review_due, due
            late = overdue_day(due, today)
            if late is not None:
                topic, day = Topic.review_overdue, late
            if late is not None or due_soon(due, today, REVIEW_NOTICE_DAYS):
                for user, args in people:
                    written += _remind(session, user, topic, (plan.id, day, due, now), args, path)
        actions = list(session.exec(select(Action).where(Action.plan_id == plan.id)).all())
        health = health_of(plan, actions, reviews, today).health
        if health in (Health.at_risk, Health.off_track):
            topic = Topic.plan_at_risk if health == Health.at_risk else Topic.plan_off_track
            # To the broker and the buyer: a supplier's own users are not among them.
            for user, args in people:
                if user.organization_id == plan.organization_id and user.role == Role.supplier:
                    continue
                key = f"{plan.id}"
                written += mail_to(session, user, topic, args, path, key=key, due_at=now)
    return written


def _remind(
    session: Session,
    user: User,
    topic: Topic,
    when: tuple[uuid.UUID, date, date, datetime],
    args: dict[str, str],
    path: str,
) -> int:
    """One reminder about a subject, keyed by its day: (subject, reminder day, the day it is
    about, now)."""
    subject_id, day, about, now = when
    words = {**args, "day": about.isoformat()}
    key = f"{subject_id}:{day.isoformat()}"
    return mail_to(session, user, topic, words, path, key=key, due_at=now)


def _approval_waiting(session: Session, plan: Plan, today: date, now: datetime) -> int:
    submitted = session.exec(
        select(Event.created_at)
        .where(Event.subject_kind == SubjectKind.plan, Event.subject_id == plan.id)
        .where(Event.trigger == "submit")
        .order_by(col(Event.created_at).desc())
    ).first()
    if submitted is None:
        return 0
    since = submitted.date()
    late = overdue_day(since + timedelta(days=APPROVAL_WAIT_DAYS - 1), today)
    if late is None:
        return 0
    parties = set(
        session.exec(select(PlanApproval.party).where(PlanApproval.plan_id == plan.id)).all()
    )
    written = 0
    for user, args in plan_people(session, plan):
        if _party_of(session, user, plan) in parties:
            continue
        when = (plan.id, late, since, now)
        written += _remind(session, user, Topic.approval_waiting, when, args, f"/plans/{plan.id}")
    return written


def _party_of(session: Session, user: User, plan: Plan) -> str:
    if user.role in (Role.broker, Role.admin):
        return "broker"
    engagement = session.get(Engagement, plan.engagement_id)
    return "buyer" if engagement and user.organization_id == engagement.buyer_id else "supplier"


def _actions(session: Session, programme_id: uuid.UUID, today: date, now: datetime) -> int:
    """Actions of plans in progress due within a week, or overdue: to the firm that owns
    the action and to the provider that delivers it."""
    rows = session.exec(
        select(Action, Plan)
        .join(Plan, col(Plan.id) == Action.plan_id)
        .where(Plan.programme_id == programme_id, Plan.state == PlanState.in_progress)
        .where(col(Action.status).in_([ActionStatus.planned, ActionStatus.in_progress]))
        .where(col(Action.due_on) <= today + timedelta(days=ACTION_NOTICE_DAYS))
    ).all()
    written = 0
    for action, plan in rows:
        late = overdue_day(action.due_on, today)
        topic, day = (Topic.action_overdue, late) if late else (Topic.action_due, action.due_on)
        firm = session.get(Organization, plan.organization_id)
        args = {"title": action.title, "firm": firm.name if firm else ""}
        for user in users_of(session, [plan.organization_id, action.provider_id]):
            when = (action.id, day, action.due_on, now)
            written += _remind(session, user, topic, when, args, f"/plans/{plan.id}")
    return written


def _round_tables(session: Session, now: datetime) -> int:
    """Round tables starting tomorrow in their own time zone: to everyone invited."""
    soon = session.exec(
        select(RoundTable).where(
            RoundTable.state == RoundTableState.scheduled,
            col(RoundTable.starts_at) > now,
            col(RoundTable.starts_at) <= now + timedelta(days=2),
        )
    ).all()
    written = 0
    for round_table in soon:
        today = now.astimezone(ZoneInfo(round_table.timezone)).date()
        starts = starts_local(round_table)
        if starts.date() != today + timedelta(days=1):
            continue
        engagement = session.get(Engagement, round_table.engagement_id)
        assert engagement is not None
        invited = session.exec(
            select(RoundTableInvitee.organization_id).where(
                RoundTableInvitee.round_table_id == round_table.id
            )
        ).all()
        buyer = session.get(Organization, engagement.buyer_id)
        args = {
            "title": round_table.title,
            "buyer": buyer.name if buyer else "",
            "when": starts.strftime("%Y-%m-%d %H:%M ") + round_table.timezone,
        }
        for user in _with_broker(session, engagement, users_of(session, invited)):
            written += mail_to(
                session,
                user,
                Topic.round_table_tomorrow,
                args,
                f"/round-tables/{round_table.id}",
                key=f"{round_table.id}:{starts.date().isoformat()}",
                due_at=now,
                extra={"round_table_id": str(round_table.id)},
            )
    return written


def endpoint_outcome(
    session: Session, endpoint_id: uuid.UUID, *, ok: bool, error: str | None, now: datetime
) -> None:
    """Remember when an endpoint started failing; disable one that failed for days without
    a success and tell its programme's administrators. Never commits."""
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        return
    if ok:
        endpoint.failing_since = None
    elif endpoint.failing_since is None:
        endpoint.failing_since = now
    elif endpoint.enabled and now - endpoint.failing_since >= timedelta(
        days=get_settings().webhook_disable_after_days
    ):
        endpoint.enabled = False
        endpoint.version = col(WebhookEndpoint.version) + 1  # type: ignore[assignment]
        endpoint.updated_at = now
        endpoint.disabled_reason = f"failed since {endpoint.failing_since.isoformat()}: {error}"
        days = (now - endpoint.failing_since).days
        admins = session.exec(
            select(User).where(
                User.programme_id == endpoint.programme_id,
                User.role == Role.admin,
                col(User.is_active),
            )
        ).all()
        args = {"url": endpoint.url, "days": str(days), "error": error or ""}
        for admin in admins:
            mail_to(
                session,
                admin,
                Topic.webhook_disabled,
                args,
                None,
                key=f"{endpoint.id}:{endpoint.failing_since.isoformat()}",
                due_at=now,
            )
    session.add(endpoint)
