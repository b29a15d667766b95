"""Charts over time: a plan's schedule (Gantt) and a KPI's trend against its baseline and
target. Month and date labels that would not fit or would overlap are left out, not cut."""

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from service.reports.svg import (
    ACCENT,
    DASHES,
    INKS,
    WIDTH,
    label,
    legend,
    line,
    line_sample,
    marker,
    number,
    points,
    rect,
    svg,
    text,
)
from service.reports.textfit import width

# Gantt: the plan window spans x from GANTT_X to GANTT_X + GANTT_W; rows start at GANTT_TOP.
GANTT_X, GANTT_W, GANTT_TOP, GANTT_ROW = 190.0, 400.0, 54.0, 26.0
AXIS_SIZE, ROW_SIZE = 10.0, 9.5


def _gantt_x(day: date, start: date, end: date) -> float:
    return GANTT_X + GANTT_W * (day - start).days / max((end - start).days, 1)


def _month_starts(start: date, end: date) -> list[date]:
    """The window's start, then the first day of every later month before its end."""
    days, first = [start], start.replace(day=1)
    while (first := (first + timedelta(days=32)).replace(day=1)) < end:
        days.append(first)
    return days


def _gantt_months(start: date, end: date, labels: list[str], bottom: float) -> list[str]:
    """A grid line at each month boundary; labels on every month, or every second or third
    when the widest label is wider than a month; a label without room for it is left out."""
    xs = [_gantt_x(day, start, end) for day in _month_starts(start, end)]
    month = GANTT_W * 30.5 / max((end - start).days, 1)
    widest = max((width(name, AXIS_SIZE) for name in labels), default=0.0)
    every = max(1, math.ceil((widest + 8) / month))
    parts = [line(x, GANTT_TOP - 8, x, bottom, "#bbbbbb", name="month") for x in xs]
    for i in range(0, min(len(xs), len(labels)), every):
        right = xs[i + every] if i + every < len(xs) else WIDTH - 4
        if width(labels[i], AXIS_SIZE) + 6 <= right - xs[i]:
            parts.append(text(xs[i] + 3, GANTT_TOP - 10, labels[i], size=AXIS_SIZE))
    return parts


def _gantt_row(i: int, row: tuple[str, date, date, int, str], start: date, end: date) -> list[str]:
    """The label (up to two lines), the bar over the window and the progress figure, or a
    struck dashed bar when the action is cancelled."""
    name, starts_on, due_on, progress, status = row
    top = GANTT_TOP + i * GANTT_ROW
    parts = label(8, top + 16, name, GANTT_X - 14, size=ROW_SIZE)
    first, last = max(starts_on, start), min(due_on, end)
    if last < first:
        return parts
    x = _gantt_x(first, start, end)
    size = max(_gantt_x(last, start, end) - x, 3.0)
    if status == "cancelled":
        box = rect(x, top + 7, size, 12, "#ffffff", edge="#555555", dash="3 2", name="cancelled")
        return [*parts, box, line(x, top + 13, x + size, top + 13, "#000000", name="strike")]
    done = size * min(max(progress, 0), 100) / 100
    return [
        *parts,
        rect(x, top + 7, size, 12, "#d9d9d9", edge="#555555", name="action"),
        rect(x, top + 7, done, 12, ACCENT, name="progress"),
        text(WIDTH - 6, top + 17, f"{progress}%", anchor="end"),
    ]


def gantt(
    title: str,
    start: date,
    end: date,
    rows: list[tuple[str, date, date, int, str]],
    today: date | None,
    month_labels: list[str],
) -> str:
    """A plan schedule: a bar per action (label, starts_on, due_on, progress, status) over the
    window from start to end, its progress filled, month lines labelled with `month_labels`
    (one per boundary from start on) and a dashed line at today when it falls in the window."""
    bottom = GANTT_TOP + len(rows) * GANTT_ROW
    bands = range(0, len(rows), 2)  # zebra bands guide the eye from label to bar
    parts = [rect(0, GANTT_TOP + i * GANTT_ROW, WIDTH, GANTT_ROW, "#f2f2f2") for i in bands]
    parts += _gantt_months(start, end, month_labels, bottom)
    for i, row in enumerate(rows):
        parts += _gantt_row(i, row, start, end)
    if today is not None and start <= today <= end:
        x = _gantt_x(today, start, end)
        parts.append(line(x, GANTT_TOP - 8, x, bottom, ACCENT, dash="4 3", name="today"))
    return svg(title, bottom + 8, parts)


def nice_ticks(
    low: float, high: float, min_span: float = 0.0, floor: float | None = None
) -> list[float]:
    """Four or five round ticks covering low..high: the smallest step of 1, 2, 2.5 or 5 times a
    power of ten that needs at most four intervals. A range narrower than `min_span` is widened
    around its middle (not below `floor`), so that a small change looks small; equal ends are
    widened by 10% (or by 1 at 0)."""
    low, high = min(low, high), max(low, high)
    if high - low < min_span:
        middle = (low + high) / 2
        low, high = middle - min_span / 2, middle + min_span / 2
        if floor is not None and low < floor:
            low, high = floor, floor + min_span
    if low == high:
        pad = abs(low) / 10 or 1.0
        low, high = low - pad, high + pad
    power = 10 ** math.floor(math.log10((high - low) / 4))
    for factor in (1, 2, 2.5, 5, 10, 20, 25, 50):
        step = factor * power
        first = math.floor(low / step + 1e-9)
        last = math.ceil(high / step - 1e-9)
        if last - first <= 4:
            break
    return [(first + k) * step for k in range(last - first + 1)]


def _tick_label(value: float, step: float) -> str:
    return number(value, max(0, -math.floor(math.log10(step) + 1e-9)) if step < 1 else 0)


# Trend: the plot area, in user units (moved down by the legend's extra rows).
PLOT_X, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 64.0, 548.0, 60.0, 236.0


@dataclass(frozen=True)
class _Scale:
    """Maps dates and values onto the plot area; a single date sits in the middle."""

    low: float
    high: float
    first: date
    days: int
    top: float = PLOT_TOP
    bottom: float = PLOT_BOTTOM

    def x(self, day: date) -> float:
        if not self.days:
            return (PLOT_X + PLOT_RIGHT) / 2
        return PLOT_X + 12 + (PLOT_RIGHT - PLOT_X - 24) * (day - self.first).days / self.days

    def y(self, value: float) -> float:
        return self.bottom - (self.bottom - self.top) * (value - self.low) / (self.high - self.low)


def _y_axis(ticks: list[float], scale: _Scale, unit: str) -> list[str]:
    parts = label(8, scale.top - 7, unit, PLOT_RIGHT - 8, lines=1, middle=False)
    for tick in ticks:
        y = scale.y(tick)
        parts.append(line(PLOT_X, y, PLOT_RIGHT, y, "#dddddd", name="tick"))
        parts.append(text(PLOT_X - 6, y + 4, _tick_label(tick, ticks[1] - ticks[0]), anchor="end"))
    return parts


def _date_axis(days: list[date], scale: _Scale, labels: Callable[[date], str]) -> list[str]:
    """Dates under the plot, the first and the last always; one that would touch its
    neighbour is left out."""
    placed: list[tuple[float, float, str]] = []
    for day in days:
        name = labels(day)
        half = width(name, 11) / 2 + 4
        x = scale.x(day)
        if placed and x - half < placed[-1][0] + placed[-1][1]:
            if day != days[-1]:
                continue
            placed.pop()  # the last date wins over the one before it
        placed.append((x, half, name))
    return [text(x, scale.bottom + 16, name, anchor="middle") for x, _half, name in placed]


def _references(scale: _Scale, lines: list[tuple[float | None, str, str, str]]) -> list[str]:
    """Horizontal lines (value, label, dash, class), each labelled in the right margin, off the
    data and clear of the dates; two labels closer than 24 units are spread apart."""
    shown = [(scale.y(v), v, name, dash, c) for v, name, dash, c in lines if v is not None]
    ys = [min(max(y, scale.top + 8), scale.bottom - 12) for y, *_ in shown]
    if len(ys) == 2 and abs(ys[0] - ys[1]) < 24:
        middle = min(max((ys[0] + ys[1]) / 2, scale.top + 20), scale.bottom - 24)
        sign = 1 if shown[0][0] >= shown[1][0] else -1
        ys = [middle + 12 * sign, middle - 12 * sign]
    parts = []
    for (y, value, name, dash, c), text_y in zip(shown, ys, strict=True):
        parts.append(line(PLOT_X, y, PLOT_RIGHT, y, "#000000", dash=dash, name=c))
        parts += label(PLOT_RIGHT + 6, text_y - 1, name, WIDTH - PLOT_RIGHT - 8, lines=1, size=10)
        parts.append(text(PLOT_RIGHT + 6, text_y + 11, _value(value), size=10, bold=True))
    return parts


def _value(value: float) -> str:
    return number(value, 0 if float(value).is_integer() else 1)


def _style(k: int) -> tuple[str, str, int]:
    """Ink, dash pattern and marker shape of series k; all three change together."""
    return INKS[k % 4], DASHES[k % 4], k % 4


def _series(k: int, data: list[tuple[date, float]], scale: _Scale) -> list[str]:
    ink, dash, shape = _style(k)
    xys = [(scale.x(d), scale.y(v)) for d, v in sorted(data)]
    polyline = f'<polyline class="series" points="{points(xys)}" fill="none" stroke="{ink}"'
    style = f' stroke-dasharray="{dash}"' if dash != "none" else ""
    parts = [f'{polyline} stroke-width="1.8"{style}/>'] if len(xys) > 1 else []
    return parts + [marker(shape, x, y, ink) for x, y in xys]


def trend(
    title: str,
    series: list[tuple[str, list[tuple[date, float]]]],
    baseline: float | None,
    target: float | None,
    unit: str,
    date_labels: Callable[[date], str],
    *,
    empty: str = "No data",
    baseline_label: str = "Baseline",
    target_label: str = "Target",
    min_span: float = 0.0,
    floor: float | None = None,
) -> str:
    """KPI values over time, one line with markers per series, the baseline dotted and the
    target dashed; the value axis spans at least `min_span` (not below `floor`); without any
    point, the empty frame and the `empty` note."""
    keys = [(line_sample(*_style(k)), name) for k, (name, _) in enumerate(series)]
    key_parts, used = legend(36, keys)
    scale_top, scale_bottom = PLOT_TOP + used, PLOT_BOTTOM + used
    frame = rect(
        PLOT_X, scale_top, PLOT_RIGHT - PLOT_X, scale_bottom - scale_top, "none", edge="#000"
    )
    values_seen = [point for _, data in series for point in data]
    if not values_seen:
        middle = (PLOT_X + PLOT_RIGHT) / 2, (scale_top + scale_bottom) / 2
        return svg(title, 260 + used, [frame, text(*middle, empty, anchor="middle")])
    values = [v for _, v in values_seen] + [v for v in (baseline, target) if v is not None]
    ticks = nice_ticks(min(values), max(values), min_span, floor)
    days = sorted({d for d, _ in values_seen})
    scale = _Scale(ticks[0], ticks[-1], days[0], (days[-1] - days[0]).days, scale_top, scale_bottom)
    parts = [*_y_axis(ticks, scale, unit), frame, *_date_axis(days, scale, date_labels)]
    parts += _references(
        scale,
        [(baseline, baseline_label, "1 3", "baseline"), (target, target_label, "8 4", "target")],
    )
    for k, (_, data) in enumerate(series):
        parts += _series(k, data, scale)
    return svg(title, 260 + used, parts + key_parts)
