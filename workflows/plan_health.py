"""The health of an improvement plan on a given day: on track, at risk or off track, and why.

The rule, applied to the plan's actions and monthly reviews as they stand on `today`:

- Cancelled actions are ignored everywhere. A done action counts as 100 % progress whatever
  its last reported `progress` says.
- An action is late when it is not done and its `due_on` is before today; it is very late
  when its `due_on` is more than 30 days before today (31 days or more).
- The expected progress of an action is 0 before its `starts_on`, 100 on or after its
  `due_on`, and linear in between: (today - starts_on) / (due_on - starts_on) × 100 (so an
  action due the day it starts is expected at 100 from that day).
- The plan's expected and actual progress are the plain means over the counted (not
  cancelled) actions, kept exact and rounded half up to a whole percent at the end only;
  0 when no action counts. The gap is expected − actual, after rounding.
- Months without review: the whole calendar months from the last review held on or before
  today (from the plan start when there was none, or when the last one came before the
  start) to today, or to the plan end once the plan is over; 0 before the plan starts.
- Before the plan starts it is on track with no reasons, no late action and no month
  without review; expected and actual progress are reported as usual.
- Otherwise it is off track when an action is very late, the gap is 25 or more, or two
  months or more passed without review; at risk when an action is late, the gap is 10 or
  more, or one month passed without review; on track otherwise.
- The reasons name every condition that holds, in this order: late actions, very late
  actions, the progress gap (from 10), the months without review (from 1).

All arithmetic is exact (fractions), so a mean of exactly 37.5 % reads 38 %, never 37 %.
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction
from math import floor

VERY_LATE_AFTER_DAYS = 30
AT_RISK_GAP = 10  # percentage points behind the schedule
OFF_TRACK_GAP = 25
OFF_TRACK_MONTHS_WITHOUT_REVIEW = 2


class Health(StrEnum):
    """How an improvement plan is doing against its schedule."""

    on_track = "on_track"
    at_risk = "at_risk"
    off_track = "off_track"


class ActionStatus(StrEnum):
    """Where one action of an improvement plan stands."""

    planned = "planned"
    in_progress = "in_progress"
    done = "done"
    cancelled = "cancelled"


@dataclass(frozen=True)
class ActionFacts:
    """What the health rule reads of one action."""

    title: str
    status: ActionStatus
    starts_on: date
    due_on: date
    progress: int  # percent, 0-100, as last reported


@dataclass(frozen=True)
class PlanFacts:
    """What the health rule reads of one improvement plan."""

    starts_on: date
    months: int  # plan length in calendar months (the service's default is 6)
    actions: tuple[ActionFacts, ...]
    review_dates: tuple[date, ...]  # dates of the monthly reviews held, in any order


@dataclass(frozen=True)
class HealthReport:
    """A plan's health on one day, with the figures and reasons behind it."""

    health: Health
    reasons: tuple[str, ...]  # one plain-English sentence per problem
    late_actions: tuple[str, ...]  # titles, in the plan's order
    expected_progress: int  # percent, rounded half up
    actual_progress: int  # percent, rounded half up
    months_without_review: int


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later, clamped to the end of a shorter month."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def plan_end(plan: PlanFacts) -> date:
    """The day the plan's last month ends: its start plus its length in calendar months."""
    return add_months(plan.starts_on, plan.months)


def whole_months_between(start: date, end: date) -> int:
    """How many n ≥ 1 have add_months(start, n) on or before end; 0 when end is before start."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1  # the last calendar month is not complete yet
    return max(months, 0)


def _expected(action: ActionFacts, today: date) -> Fraction:
    if today < action.starts_on:
        return Fraction(0)
    if today >= action.due_on:
        return Fraction(100)
    elapsed = (today - action.starts_on).days
    return Fraction(elapsed * 100, (action.due_on - action.starts_on).days)


def _reported(action: ActionFacts) -> Fraction:
    return Fraction(100 if action.status == ActionStatus.done else action.progress)


def _mean_percent(values: list[Fraction]) -> int:
    # Exact fractions, not Decimals: with Decimals a true 37.5 can arrive as 37.4999… and read 37.
    if not values:
        return 0
    return floor(sum(values, Fraction(0)) / len(values) + Fraction(1, 2))


def _months_without_review(plan: PlanFacts, today: date) -> int:
    held = [day for day in plan.review_dates if day <= today]
    since = max([plan.starts_on, *held])
    return whole_months_between(since, min(today, plan_end(plan)))


def _actions_that(titles: tuple[str, ...], what: str) -> str:
    noun = "action is" if len(titles) == 1 else "actions are"
    return f"{len(titles)} {noun} {what}: {', '.join(titles)}"


def _reasons(
    late: tuple[str, ...], very_late: tuple[str, ...], expected: int, actual: int, months: int
) -> tuple[str, ...]:
    reasons = []
    if late:
        reasons.append(_actions_that(late, "late"))
    if very_late:
        reasons.append(_actions_that(very_late, f"more than {VERY_LATE_AFTER_DAYS} days late"))
    if expected - actual >= AT_RISK_GAP:
        reasons.append(
            f"progress is {expected - actual} points behind the schedule "
            f"(expected {expected} %, reported {actual} %)"
        )
    if months >= 1:
        reasons.append(f"no monthly review for {months} month{'' if months == 1 else 's'}")
    return tuple(reasons)


def _health(late: bool, very_late: bool, gap: int, months: int) -> Health:
    if very_late or gap >= OFF_TRACK_GAP or months >= OFF_TRACK_MONTHS_WITHOUT_REVIEW:
        return Health.off_track
    if late or gap >= AT_RISK_GAP or months >= 1:
        return Health.at_risk
    return Health.on_track


def plan_health(plan: PlanFacts, today: date) -> HealthReport:
    """The plan's health on `today`, by the rule in this module's docstring.

    Cancelled actions are ignored; done ones count as 100 %. An action is late when not done
    and due before today, very late when due more than 30 days before today. An action is
    expected at 0 before its start, 100 from its due date, linearly in between; the plan's
    expected and actual progress are exact means over the counted actions, rounded half up
    at the end (0 without actions), and the gap is expected − actual. Months without review
    run from the last review on or before today (or the plan start, if later or if none) to
    today, or to the plan end once it is over. Before the plan starts: on track, no reasons.
    Otherwise off track when an action is very late, the gap is 25 or more or 2 months or
    more passed without review; at risk when an action is late, the gap is 10 or more or one
    month passed without review; on track otherwise. Reasons name every condition that
    holds, in the order: late, very late, gap (from 10), reviews (from 1 month).
    """
    counted = [a for a in plan.actions if a.status != ActionStatus.cancelled]
    expected = _mean_percent([_expected(a, today) for a in counted])
    actual = _mean_percent([_reported(a) for a in counted])
    if today < plan.starts_on:
        return HealthReport(Health.on_track, (), (), expected, actual, 0)
    overdue = [a for a in counted if a.status != ActionStatus.done and a.due_on < today]
    late = tuple(a.title for a in overdue)
    very_late = tuple(a.title for a in overdue if (today - a.due_on).days > VERY_LATE_AFTER_DAYS)
    months = _months_without_review(plan, today)
    reasons = _reasons(late, very_late, expected, actual, months)
    health = _health(bool(late), bool(very_late), expected - actual, months)
    return HealthReport(health, reasons, late, expected, actual, months)
