"""The plan's actions on a month timeline, as positions in percent of the plan's span: pure
arithmetic over dates, laid out by the template with plain HTML and CSS."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from workflows.plan_health import add_months


@dataclass(frozen=True)
class Month:
    starts_on: date
    left: float  # percent of the span from the plan's start
    width: float


@dataclass(frozen=True)
class Bar:
    action: Any
    left: float
    width: float
    late: bool


@dataclass(frozen=True)
class Timeline:
    months: list[Month]
    bars: list[Bar]
    today: float | None  # percent of the span, None when today is outside the plan


def _percent(day: date, start: date, days: int) -> float:
    return round(max(0, min(days, (day - start).days)) * 100 / days, 2)


def timeline(
    starts_on: date, months: int, actions: list[Any], late: set[str], today: date
) -> Timeline:
    """Months, one bar per action (its due day included) and today's mark on the plan's span."""
    end = add_months(starts_on, months)
    days = max((end - starts_on).days, 1)
    columns = []
    for n in range(months):
        first, next_first = add_months(starts_on, n), add_months(starts_on, n + 1)
        left = _percent(first, starts_on, days)
        columns.append(Month(first, left, round(_percent(next_first, starts_on, days) - left, 2)))
    bars = []
    for action in actions:
        left = _percent(action.starts_on, starts_on, days)
        right = _percent(action.due_on + timedelta(days=1), starts_on, days)
        bars.append(Bar(action, left, max(round(right - left, 2), 0.5), action.title in late))
    mark = _percent(today, starts_on, days) if starts_on <= today <= end else None
    return Timeline(columns, bars, mark)
