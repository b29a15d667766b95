"""The reminder schedule with a clock passed in: month ends, the programme's time zone, and
never twice for the same thing and day."""

from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, select

from service.accounts.models import Role
from service.engagements.models import Participation
from service.notifications.models import OutboxMessage
from service.notifications.reminders import next_review_due, overdue_day, run_schedules
from service.plans.models import PlanState
from tests.factories import Tenant, make_engagement, make_plan, make_round_table, make_tenant


def test_monthly_reviews_fall_due_on_the_same_day_or_the_end_of_a_shorter_month() -> None:
    start = date(2027, 1, 31)
    assert [next_review_due(start, 6, held) for held in range(7)] == [
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
        date(2027, 5, 31),
        date(2027, 6, 30),
        date(2027, 7, 31),
        None,
    ]
    assert next_review_due(date(2028, 1, 30), 6, 0) == date(2028, 2, 29)


def test_overdue_reminders_come_the_day_after_and_then_weekly() -> None:
    due = date(2027, 2, 28)
    days = [overdue_day(due, due + timedelta(days=n)) for n in (0, 1, 2, 7, 8, 15)]
    assert days == [
        None,
        date(2027, 3, 1),
        date(2027, 3, 1),
        date(2027, 3, 1),
        date(2027, 3, 8),
        date(2027, 3, 15),
    ]


def plan_in_progress(session: Session) -> Tenant:
    """The tenant's supplier plan in progress from 31 January 2027, its action due on
    4 March, and a round table on 26 February at 15:00 in Managua (UTC-6)."""
    tenant = make_tenant(session, "Alpha")
    tenant.engagement = make_engagement(session, tenant)
    tenant.participation = session.exec(select(Participation)).one()
    plan, action = make_plan(session, tenant)
    plan.starts_on = date(2027, 1, 31)
    plan.state = PlanState.in_progress
    action.starts_on = date(2027, 2, 1)
    action.due_on = date(2027, 3, 4)
    round_table = make_round_table(session, tenant)
    round_table.starts_at = datetime(2027, 2, 26, 21, 0, tzinfo=UTC)
    for row in (plan, action, round_table):
        session.add(row)
    session.commit()
    return tenant


def reminders(session: Session, topic: str) -> list[tuple[str, str]]:
    """(recipient's e-mail, the day the reminder is about) of each reminder of a kind."""
    session.rollback()
    rows = session.exec(select(OutboxMessage).where(OutboxMessage.topic == topic)).all()
    from service.accounts.models import User

    return sorted(
        (session.get(User, row.recipient_id).email, row.payload["args"].get("day", ""))  # type: ignore[union-attr]
        for row in rows
    )


def test_reminders_follow_the_programmes_time_zone_and_come_once_a_day(session: Session) -> None:
    plan_in_progress(session)
    late_evening_in_managua = datetime(2027, 2, 25, 5, 0, tzinfo=UTC)  # 24 Feb, 23:00
    run_schedules(late_evening_in_managua)
    assert reminders(session, "reminder.review_due") == []
    assert reminders(session, "reminder.round_table_tomorrow") == []

    just_after_midnight = datetime(2027, 2, 25, 6, 30, tzinfo=UTC)  # 25 Feb, 00:30
    first = run_schedules(just_after_midnight)
    again = run_schedules(just_after_midnight + timedelta(hours=5))
    assert first > 0
    assert again == 0
    firm = ["broker@alpha.test", "buyer@alpha.test", "supplier@alpha.test"]
    assert reminders(session, "reminder.review_due") == [(who, "2027-02-28") for who in firm]
    assert [who for who, _ in reminders(session, "reminder.round_table_tomorrow")] == firm
    owners = ["provider@alpha.test", "supplier@alpha.test"]
    assert reminders(session, "reminder.action_due") == [(who, "2027-03-04") for who in owners]


def test_an_overdue_review_is_reminded_the_day_after_and_then_weekly(session: Session) -> None:
    plan_in_progress(session)
    for day in (1, 2, 5, 8):  # local noon, 1 to 8 March
        run_schedules(datetime(2027, 3, day, 18, 0, tzinfo=UTC))
    session.rollback()
    rows = session.exec(
        select(OutboxMessage).where(
            OutboxMessage.topic == "reminder.review_overdue",
            OutboxMessage.recipient_id == plan_owner(session),
        )
    ).all()
    assert sorted(row.dedup_key.rsplit(":", 2)[-2] for row in rows) == ["2027-03-01", "2027-03-08"]


def plan_owner(session: Session):  # type: ignore[no-untyped-def]
    from service.accounts.models import User

    return session.exec(select(User.id).where(User.role == Role.supplier)).one()
