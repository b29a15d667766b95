"""Plan health: every expected report below was worked out by hand from the rule."""

from datetime import date

import pytest

from workflows.plan_health import (
    ActionFacts,
    ActionStatus,
    Health,
    HealthReport,
    PlanFacts,
    add_months,
    plan_end,
    plan_health,
    whole_months_between,
)

JAN_1 = date(2027, 1, 1)
FEB_1 = date(2027, 2, 1)
FEB_15 = date(2027, 2, 15)  # day 45 of the 90-day action JAN_1 → APR_1
APR_1 = date(2027, 4, 1)  # JAN_1 + 90 days (31 + 28 + 31)


def action(
    title: str = "A",
    status: ActionStatus = ActionStatus.in_progress,
    starts_on: date = JAN_1,
    due_on: date = APR_1,
    progress: int = 0,
) -> ActionFacts:
    return ActionFacts(title, status, starts_on, due_on, progress)


def plan(
    *actions: ActionFacts,
    reviews: tuple[date, ...] = (FEB_1,),
    starts_on: date = JAN_1,
    months: int = 6,
) -> PlanFacts:
    return PlanFacts(starts_on, months, actions, reviews)


def report(
    health: Health,
    *reasons: str,
    late: tuple[str, ...] = (),
    expected: int = 0,
    actual: int = 0,
    months: int = 0,
) -> HealthReport:
    return HealthReport(health, reasons, late, expected, actual, months)


ON, RISK, OFF = Health.on_track, Health.at_risk, Health.off_track
DONE, PLANNED, CANCELLED = ActionStatus.done, ActionStatus.planned, ActionStatus.cancelled
A_LATE = "1 action is late: A"

CASES = [
    # day 45 of 90 → 50 %; reported 50 → gap 0; review Feb 1 → Mar 1 not reached → 0 months
    pytest.param(
        plan(action(progress=50)),
        FEB_15,
        report(ON, expected=50, actual=50),
        id="on-track-mid-plan",
    ),
    # today before the plan and the action start → expected 0, actual 10; on track whatever
    pytest.param(
        plan(action(progress=10), reviews=()),
        date(2026, 12, 20),
        report(ON, expected=0, actual=10),
        id="before-start",
    ),
    # action due Dec 10 before the plan starts: expected 100, actual 0, yet before start → on track, nothing late
    pytest.param(
        plan(action(starts_on=date(2026, 12, 1), due_on=date(2026, 12, 10)), reviews=()),
        date(2026, 12, 20),
        report(ON, expected=100, actual=0),
        id="before-start-ignores-an-overdue-action",
    ),
    # today = due Feb 1 → expected 100, not late; reported 95 → gap 5; review Jan 15 → Feb 15 not reached
    pytest.param(
        plan(action(due_on=FEB_1, progress=95), reviews=(date(2027, 1, 15),)),
        FEB_1,
        report(ON, expected=100, actual=95),
        id="on-the-due-date-not-late",
    ),
    # Feb 2 is 1 day after due Feb 1 → late; gap 5; review Jan 15 → 0 months
    pytest.param(
        plan(action(due_on=FEB_1, progress=95), reviews=(date(2027, 1, 15),)),
        date(2027, 2, 2),
        report(RISK, A_LATE, late=("A",), expected=100, actual=95),
        id="one-day-late",
    ),
    # Feb 1 + 28 = Mar 1, + 30 = Mar 3 → exactly 30 days late: late only; review Feb 20 → Mar 20 not reached
    pytest.param(
        plan(action(due_on=FEB_1, progress=95), reviews=(date(2027, 2, 20),)),
        date(2027, 3, 3),
        report(RISK, A_LATE, late=("A",), expected=100, actual=95),
        id="thirty-days-late-is-late-only",
    ),
    # Mar 4 → 31 days late → very late → off track
    pytest.param(
        plan(action(due_on=FEB_1, progress=95), reviews=(date(2027, 2, 20),)),
        date(2027, 3, 4),
        report(
            OFF,
            A_LATE,
            "1 action is more than 30 days late: A",
            late=("A",),
            expected=100,
            actual=95,
        ),
        id="thirty-one-days-late-is-very-late",
    ),
    # day 45 of 90 → 50 %; reported 40 → gap 10 → at risk
    pytest.param(
        plan(action(progress=40)),
        FEB_15,
        report(
            RISK,
            "progress is 10 points behind the schedule (expected 50 %, reported 40 %)",
            expected=50,
            actual=40,
        ),
        id="gap-10",
    ),
    # 50 − 41 = 9 → on track
    pytest.param(plan(action(progress=41)), FEB_15, report(ON, expected=50, actual=41), id="gap-9"),
    # 50 − 25 = 25 → off track
    pytest.param(
        plan(action(progress=25)),
        FEB_15,
        report(
            OFF,
            "progress is 25 points behind the schedule (expected 50 %, reported 25 %)",
            expected=50,
            actual=25,
        ),
        id="gap-25",
    ),
    # 50 − 26 = 24 → at risk
    pytest.param(
        plan(action(progress=26)),
        FEB_15,
        report(
            RISK,
            "progress is 24 points behind the schedule (expected 50 %, reported 26 %)",
            expected=50,
            actual=26,
        ),
        id="gap-24",
    ),
    # done A (due Feb 1, reported 80) counts 100 and is not late; B day 45/90 → 50, reported 50
    # expected (100 + 50) / 2 = 75; actual (100 + 50) / 2 = 75 (with 80 it would be 65 → gap 10)
    pytest.param(
        plan(action("A", DONE, due_on=FEB_1, progress=80), action("B", progress=50)),
        FEB_15,
        report(ON, expected=75, actual=75),
        id="done-counts-as-100",
    ),
    # cancelled A (due Jan 20, reported 0) ignored; B 50/50 (counted, A would make 75/25 and late)
    pytest.param(
        plan(action("A", CANCELLED, due_on=date(2027, 1, 20)), action("B", progress=50)),
        FEB_15,
        report(ON, expected=50, actual=50),
        id="cancelled-is-ignored",
    ),
    # no actions → 0 and 0; review Feb 1 → 0 months
    pytest.param(plan(), FEB_15, report(ON), id="no-actions"),
    # no review since the start Jan 1; Feb 1 reached → 1 month; day 31 of 90 → 34.44 → 34, reported 34
    pytest.param(
        plan(action(progress=34), reviews=()),
        FEB_1,
        report(RISK, "no monthly review for 1 month", expected=34, actual=34, months=1),
        id="no-review-for-1-month",
    ),
    # review Jan 10; Feb 10 and Mar 10 reached → 2 months; day 68 of 90 → 75.56 → 76, reported 76
    pytest.param(
        plan(action(progress=76), reviews=(date(2027, 1, 10),)),
        date(2027, 3, 10),
        report(OFF, "no monthly review for 2 months", expected=76, actual=76, months=2),
        id="no-review-for-2-months",
    ),
    # reviews in any order; Apr 1 is after today so ignored; last Feb 1 → Mar 1 reached → 1 month
    pytest.param(
        plan(reviews=(date(2027, 4, 1), FEB_1)),
        date(2027, 3, 15),
        report(RISK, "no monthly review for 1 month", months=1),
        id="future-reviews-do-not-count",
    ),
    # a review held today → 0 months
    pytest.param(
        plan(reviews=(FEB_1, date(2027, 3, 15))),
        date(2027, 3, 15),
        report(ON),
        id="review-held-today",
    ),
    # review Jan 31; Jan 31 + 1 month = Feb 28 (clamped) ≤ Feb 28 → 1 month
    pytest.param(
        plan(reviews=(date(2027, 1, 31),), starts_on=date(2027, 1, 31)),
        date(2027, 2, 28),
        report(RISK, "no monthly review for 1 month", months=1),
        id="month-end-review-one-month-ago",
    ),
    # Feb 28 not reached on Feb 27 → 0 months
    pytest.param(
        plan(reviews=(date(2027, 1, 31),), starts_on=date(2027, 1, 31)),
        date(2027, 2, 27),
        report(ON),
        id="month-end-review-not-yet-a-month",
    ),
    # leap year: start Jan 31 2028, 1 month → end Feb 29; Feb 29 ≤ Feb 29 → 1 month
    pytest.param(
        plan(reviews=(), starts_on=date(2028, 1, 31), months=1),
        date(2028, 2, 29),
        report(RISK, "no monthly review for 1 month", months=1),
        id="leap-year-end-of-february",
    ),
    # after the end Feb 29 2028: counted to Feb 29 → 1 month (up to Mar 31 it would be 2 → off track)
    pytest.param(
        plan(reviews=(), starts_on=date(2028, 1, 31), months=1),
        date(2028, 3, 31),
        report(RISK, "no monthly review for 1 month", months=1),
        id="leap-year-after-the-end",
    ),
    # end Jul 1; review Jun 1 → Jul 1 reached → 1 month (to Sep 15 it would be 3); done A → 100/100
    pytest.param(
        plan(
            action(status=DONE, due_on=date(2027, 6, 30), progress=100), reviews=(date(2027, 6, 1),)
        ),
        date(2027, 9, 15),
        report(RISK, "no monthly review for 1 month", expected=100, actual=100, months=1),
        id="after-the-end-reviews-counted-to-the-end",
    ),
    # last review Jul 5 after the end Jul 1 → Jul 1 is before Jul 5 → 0 months
    pytest.param(
        plan(
            action(status=DONE, due_on=date(2027, 6, 30), progress=100),
            reviews=(date(2027, 6, 1), date(2027, 7, 5)),
        ),
        date(2027, 9, 15),
        report(ON, expected=100, actual=100),
        id="after-the-end-a-later-review",
    ),
    # a review before the plan start does not start the clock: start Mar 1 → Apr 1 not reached → 0
    pytest.param(
        plan(reviews=(date(2027, 1, 15),), starts_on=date(2027, 3, 1)),
        date(2027, 3, 20),
        report(ON),
        id="review-before-the-start-counts-from-the-start",
    ),
    # due the day it starts, today → expected 100, not late; reported 0 → gap 100
    pytest.param(
        plan(action(starts_on=FEB_15, due_on=FEB_15)),
        FEB_15,
        report(
            OFF,
            "progress is 100 points behind the schedule (expected 100 %, reported 0 %)",
            expected=100,
            actual=0,
        ),
        id="action-due-the-day-it-starts",
    ),
    # A not started → 0; B day 45/90 → 50; C Nov 6 → Feb 15 = 24+31+31+15 = 101 of 200 (to May 25) → 50.5
    # expected (0 + 50 + 50.5) / 3 = 33.5 → 34 (half up); actual (0 + 50 + 50) / 3 = 33.33 → 33
    pytest.param(
        plan(
            action("A", PLANNED, starts_on=date(2027, 3, 1)),
            action("B", progress=50),
            action("C", starts_on=date(2026, 11, 6), due_on=date(2027, 5, 25), progress=50),
        ),
        FEB_15,
        report(ON, expected=34, actual=33),
        id="rounding-half-up",
    ),
    # elapsed/span: 1/6, 7/12, 13/21, 1/3, 1/3, 3/14 = (14+49+52+28+28+18)/84 = 189/84
    # → × 100 / 6 = 37.5 exactly → 38 (Decimals per action would sum to 37.4999… → 37); actual 40
    pytest.param(
        plan(
            action("A", starts_on=date(2027, 2, 14), due_on=date(2027, 2, 20), progress=40),
            action("B", starts_on=date(2027, 2, 8), due_on=date(2027, 2, 20), progress=40),
            action("C", starts_on=date(2027, 2, 2), due_on=date(2027, 2, 23), progress=40),
            action("D", starts_on=date(2027, 2, 14), due_on=date(2027, 2, 17), progress=40),
            action("E", starts_on=date(2027, 2, 14), due_on=date(2027, 2, 17), progress=40),
            action("F", starts_on=date(2027, 2, 12), due_on=date(2027, 2, 26), progress=40),
        ),
        FEB_15,
        report(ON, expected=38, actual=40),
        id="rounding-is-exact",
    ),
    # Mar 15: Repair press due Mar 1 → 14 days late; Train operators due Jan 31 → 28+15 = 43;
    # Label bins due Feb 10 → 18+15 = 33; all expected 100, reported 50 → gap 50;
    # no review since Jan 1 → Feb 1, Mar 1 reached → 2 months
    pytest.param(
        plan(
            action("Repair press", due_on=date(2027, 3, 1), progress=50),
            action("Train operators", due_on=date(2027, 1, 31), progress=50),
            action("Label bins", PLANNED, due_on=date(2027, 2, 10), progress=50),
            reviews=(),
        ),
        date(2027, 3, 15),
        report(
            OFF,
            "3 actions are late: Repair press, Train operators, Label bins",
            "2 actions are more than 30 days late: Train operators, Label bins",
            "progress is 50 points behind the schedule (expected 100 %, reported 50 %)",
            "no monthly review for 2 months",
            late=("Repair press", "Train operators", "Label bins"),
            expected=100,
            actual=50,
            months=2,
        ),
        id="every-reason-in-order",
    ),
]


@pytest.mark.parametrize(("facts", "today", "expected"), CASES)
def test_a_plans_health_matches_the_report_worked_by_hand(
    facts: PlanFacts, today: date, expected: HealthReport
) -> None:
    assert plan_health(facts, today) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        pytest.param(date(2027, 1, 15), 6, date(2027, 7, 15), id="same-day"),
        pytest.param(date(2027, 1, 31), 1, date(2027, 2, 28), id="clamped-to-february"),
        pytest.param(date(2027, 3, 31), 1, date(2027, 4, 30), id="clamped-to-april"),
        pytest.param(date(2028, 1, 31), 1, date(2028, 2, 29), id="clamped-to-leap-february"),
        pytest.param(date(2028, 2, 29), 12, date(2029, 2, 28), id="leap-day-a-year-later"),
        pytest.param(
            date(2027, 11, 30), 3, date(2028, 2, 29), id="across-the-year-into-a-leap-february"
        ),
        pytest.param(date(2027, 12, 31), 0, date(2027, 12, 31), id="zero-months"),
    ],
)
def test_add_months_clamps_to_the_end_of_a_shorter_month(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(date(2027, 1, 31), date(2027, 2, 27), 0, id="a-day-short-of-february-end"),
        pytest.param(date(2027, 1, 31), date(2027, 2, 28), 1, id="february-end"),
        pytest.param(date(2027, 1, 31), date(2027, 3, 30), 1, id="a-day-short-of-march-end"),
        pytest.param(date(2027, 1, 31), date(2027, 3, 31), 2, id="march-end"),
        pytest.param(date(2028, 1, 31), date(2028, 2, 29), 1, id="leap-february-end"),
        pytest.param(date(2028, 2, 29), date(2029, 2, 28), 12, id="leap-day-to-next-february-end"),
        pytest.param(date(2027, 1, 15), date(2028, 1, 14), 11, id="a-day-short-of-a-year"),
        pytest.param(date(2027, 1, 15), date(2028, 1, 15), 12, id="a-year"),
        pytest.param(date(2027, 3, 1), date(2027, 3, 1), 0, id="same-day"),
        pytest.param(date(2027, 3, 1), date(2027, 2, 1), 0, id="end-before-start"),
    ],
)
def test_whole_months_between_counts_complete_calendar_months(
    start: date, end: date, expected: int
) -> None:
    assert whole_months_between(start, end) == expected


def test_a_one_month_plan_from_january_31_ends_on_the_leap_day() -> None:
    assert plan_end(plan(starts_on=date(2028, 1, 31), months=1)) == date(2028, 2, 29)


def test_a_six_month_plan_ends_on_the_same_day_six_months_later() -> None:
    assert plan_end(plan(starts_on=date(2027, 1, 31))) == date(2027, 7, 31)
