"""Inline SVG charts for the PDF reports: self-contained, deterministic and legible in greyscale."""

import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta
from xml.sax.saxutils import escape, quoteattr

WIDTH = 640
HEAD = 24  # room for the visible title; charts without a title are shifted up by it
FONT = "DejaVu Sans, sans-serif"
ACCENT = "#1d4e89"  # dark blue prints as near-black, so no chart depends on it being blue
INKS = (ACCENT, "#000000", "#555555", "#888888")
DASHES = ("none", "6 3", "2 2", "9 3 2 3")
LABEL_CHARS = 28
# Characters XML 1.0 refuses (control codes, lone surrogates, non-characters) become spaces.
_UNSAFE = re.compile("[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")

Sample = Callable[[float, float], str]


def _n(value: float) -> str:
    """A coordinate with one decimal, never "-0.0"."""
    return f"{round(value, 1) + 0.0:.1f}"


# The decimal mark of the report being drawn ("," in French); set with `decimal_mark`.
_DECIMAL_MARK: ContextVar[str] = ContextVar("decimal_mark", default=".")


@contextmanager
def decimal_mark(mark: str) -> Iterator[None]:
    """Charts drawn inside write their numbers with this decimal mark."""
    token = _DECIMAL_MARK.set(mark)
    try:
        yield
    finally:
        _DECIMAL_MARK.reset(token)


def _number(value: float, places: int = 2) -> str:
    """A value for people: at most `places` decimals, trailing zeros dropped."""
    text = f"{value:.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text.replace(".", _DECIMAL_MARK.get())


def _with_unit(value: float, unit: str) -> str:
    return _number(value) + ("" if unit in ("", "%") else " ") + unit


def _clip(text: str, limit: int = LABEL_CHARS) -> str:
    """The text made XML-safe and cut to `limit` characters, an ellipsis marking the cut."""
    text = _UNSAFE.sub(" ", text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _cls(name: str) -> str:
    return f' class="{name}"' if name else ""


def _dash(dash: str) -> str:
    return f' stroke-dasharray="{dash}"' if dash != "none" else ""


def _text(x: float, y: float, content: str, *, anchor: str = "start", extra: str = "") -> str:
    """A text element; `extra` holds fixed attributes only, never data."""
    body = escape(_UNSAFE.sub(" ", content))
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{extra}>{body}</text>'


def _line(
    x1: float, y1: float, x2: float, y2: float, ink: str, *, dash: str = "none", cls: str = ""
) -> str:
    ends = f'x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}"'
    return f'<line{_cls(cls)} {ends} stroke="{ink}"{_dash(dash)}/>'


def _rect(
    x: float,
    y: float,
    w: float,
    h: float,
    fill: str,
    *,
    edge: str = "none",
    dash: str = "none",
    cls: str = "",
) -> str:
    box = f'x="{_n(x)}" y="{_n(y)}" width="{_n(max(w, 0))}" height="{_n(h)}"'
    return f'<rect{_cls(cls)} {box} fill="{fill}" stroke="{edge}"{_dash(dash)}/>'


def _points(xys: list[tuple[float, float]]) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in xys)


def _marker(shape: int, x: float, y: float, ink: str) -> str:
    """A filled circle, square, triangle or diamond, so that series differ without colour."""
    if shape % 4 == 0:
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3.5" fill="{ink}"/>'
    corners = (
        ((-1, -1), (1, -1), (1, 1), (-1, 1)),
        ((0, -1.3), (1.2, 1), (-1.2, 1)),
        ((0, -1.4), (1.4, 0), (0, 1.4), (-1.4, 0)),
    )[shape % 4 - 1]
    xys = [(x + 3.5 * a, y + 3.5 * b) for a, b in corners]
    return f'<polygon points="{_points(xys)}" fill="{ink}"/>'


def _line_sample(ink: str, dash: str, shape: int) -> Sample:
    return lambda x, y: _line(x, y, x + 22, y, ink, dash=dash) + _marker(shape, x + 11, y, ink)


def _box_sample(fill: str) -> Sample:
    return lambda x, y: _rect(x, y - 5, 22, 10, fill)


def _legend(y: float, keys: list[tuple[Sample, str]]) -> list[str]:
    """Keys side by side from the left margin, each a sample and its label; blank labels skip."""
    parts, x = [], 8.0
    for sample, label in keys:
        if label:
            text = _clip(label, 24)
            parts += [sample(x, y), _text(x + 28, y + 4, text)]
            x += 40 + 6.5 * len(text)
    return parts


def _svg(title: str, height: float, parts: list[str]) -> str:
    """The root element, titled for screen readers; the visible title is left out when blank."""
    name = _UNSAFE.sub(" ", title)
    body = "".join(parts)
    if name:
        heading = _text(8, 17, _clip(name, 80), extra=' font-size="13" font-weight="bold"')
        body = heading + body
    else:
        height -= HEAD
        body = f'<g transform="translate(0 -{HEAD})">{body}</g>'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}px" height="{_n(height)}px" '
        f'viewBox="0 0 {WIDTH} {_n(height)}" role="img" aria-label={quoteattr(name)} '
        f'font-family="{FONT}" font-size="11"><title>{escape(name)}</title>{body}</svg>'
    )


# Radar: centre and outer radius, in user units.
CX, CY, RADIUS = 320.0, 214.0, 140.0


def _spoke(i: int, count: int, score: float | None) -> tuple[float, float]:
    """Where a score sits on axis i of count, clockwise from the top; None sits at the centre."""
    return _polar(i, count, RADIUS * min(max(score or 0.0, 0.0), 100.0) / 100)


def _polar(i: int, count: int, r: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * i / count
    return CX + r * math.cos(angle), CY + r * math.sin(angle)


def _radar_grid(count: int) -> list[str]:
    parts = []
    for ring in (25, 50, 75, 100):
        corners = _points([_spoke(i, count, ring) for i in range(count)])
        parts.append(f'<polygon class="ring" points="{corners}" fill="none" stroke="#bbbbbb"/>')
        parts.append(_text(CX + 3, CY - RADIUS * ring / 100 - 2, str(ring), extra=' font-size="8"'))
    parts += [_line(CX, CY, *_spoke(i, count, 100), "#888888", cls="axis") for i in range(count)]
    return parts


def _radar_shape(
    scores: list[float | None], ink: str, dash: str, shape: int, cls: str
) -> list[str]:
    corners = [_spoke(i, len(scores), s) for i, s in enumerate(scores)]
    fill = f'fill="{ink}" fill-opacity="0.12"' if shape == 0 else 'fill="none"'
    polygon = f'<polygon class="{cls}" points="{_points(corners)}" {fill} stroke="{ink}"'
    marks = [
        _marker(shape, x, y, ink)
        for (x, y), s in zip(corners, scores, strict=True)
        if s is not None
    ]
    return [f'{polygon} stroke-width="2"{_dash(dash)}/>', *marks]


def _radar_label(i: int, count: int, label: str, value: str) -> list[str]:
    """An axis label with its score below it, placed outside the outer ring."""
    x, y = _polar(i, count, RADIUS + 14)
    dx, dy = x - CX, y - CY
    anchor = "start" if dx > 20 else "end" if dx < -20 else "middle"
    top = y - 20 if dy < -20 else y + 10 if dy > 20 else y - 2
    bold = ' font-weight="bold"'
    return [
        _text(x, top, _clip(label, 20), anchor=anchor),
        _text(x, top + 13, value, anchor=anchor, extra=bold),
    ]


def radar(
    title: str,
    axes: list[tuple[str, float | None]],
    reference: list[float | None] | None = None,
    reference_label: str = "",
    *,
    missing: str = "n/a",
) -> str:
    """Section scores 0-100 as a spider chart, an optional reference polygon dashed; a score of
    None sits at the centre and reads `missing`. Fewer than three axes are drawn as bars."""
    if reference is not None and len(reference) != len(axes):
        raise ValueError("the reference needs one value per axis")
    refs = reference if reference is not None else [None] * len(axes)
    if len(axes) < 3:
        rows = [(label, ref, score) for (label, score), ref in zip(axes, refs, strict=True)]
        return bars(title, rows, (reference_label, ""), missing=missing, scale_max=100)
    count = len(axes)
    parts = _radar_grid(count)
    if reference is not None:
        parts += _radar_shape(reference, "#333333", "6 4", 1, "reference")
    parts += _radar_shape([score for _, score in axes], ACCENT, "none", 0, "score")
    for i, (label, score) in enumerate(axes):
        parts += _radar_label(i, count, label, missing if score is None else _number(score, 1))
    if reference is not None:
        parts += _legend(38, [(_line_sample("#333333", "6 4", 1), reference_label)])
    return _svg(title, 400, parts)


def bars(
    title: str,
    rows: list[tuple[str, float | None, float | None]],
    labels: tuple[str, str] = ("Before", "After"),
    unit: str = "",
    *,
    missing: str = "n/a",
    scale_max: float | None = None,
) -> str:
    """Paired horizontal bars per row, before above after, with values at the bar ends. The scale
    runs from 0 to the largest value, to 100 for percentages, or to `scale_max` when given; a
    series with no value at all is left out, and a missing value reads `missing`."""
    shown = [k for k in (0, 1) if any(row[1 + k] is not None for row in rows)] or [0, 1]
    values = [v for row in rows for v in row[1:] if v is not None]
    top = scale_max or max(values, default=0.0)
    if unit == "%" and top <= 100:
        top = 100.0
    top = top if top > 0 else 1.0
    fills = ("#b3b3b3", ACCENT)
    pitch = 10 + 14 * len(shown)
    parts = _legend(36, [(_box_sample(fills[k]), labels[k]) for k in shown])
    for i, (label, *pair) in enumerate(rows):
        y = 50 + i * pitch
        parts.append(_text(8, y + pitch / 2 + 3, _clip(label)))
        for j, k in enumerate(shown):
            parts += _bar(pair[k], top, y + 5 + 14 * j, fills[k], unit, missing)
    height = 56 + len(rows) * pitch
    parts.append(_line(200, 46, 200, height - 6, "#000000"))
    return _svg(title, height, parts)


def _bar(
    value: float | None, top: float, y: float, fill: str, unit: str, missing: str
) -> list[str]:
    """One bar 11 high from x=200, 350 long at the top of the scale, its value printed after it."""
    if value is None:
        return [_text(204, y + 9, missing, extra=' font-style="italic" fill="#555555"')]
    width = 350 * min(max(value, 0.0), top) / top
    return [
        _rect(200, y, width, 11, fill, cls="bar"),
        _text(204 + width, y + 9, _with_unit(value, unit)),
    ]


# Gantt: the plan window spans x from GANTT_X to GANTT_X + GANTT_W; rows start at GANTT_TOP.
GANTT_X, GANTT_W, GANTT_TOP, GANTT_ROW = 190.0, 400.0, 54.0, 22.0


def _gantt_x(day: date, start: date, end: date) -> float:
    return GANTT_X + GANTT_W * (day - start).days / max((end - start).days, 1)


def _month_starts(start: date, end: date) -> list[date]:
    """The window's start, then the first day of every later month before its end."""
    days, first = [start], start.replace(day=1)
    while (first := (first + timedelta(days=32)).replace(day=1)) < end:
        days.append(first)
    return days


def _gantt_months(start: date, end: date, labels: list[str], bottom: float) -> list[str]:
    """A grid line at each month boundary; labels on every month, or on every second or third
    when the widest label is wider than a month, each cut to the room it has."""
    xs = [_gantt_x(day, start, end) for day in _month_starts(start, end)]
    month = GANTT_W * 30.5 / max((end - start).days, 1)
    every = max(1, math.ceil((6 * max(map(len, labels), default=0) + 6) / month))
    parts = [_line(x, GANTT_TOP - 8, x, bottom, "#bbbbbb", cls="month") for x in xs]
    for i in range(0, min(len(xs), len(labels)), every):
        right = xs[i + every] if i + every < len(xs) else GANTT_X + GANTT_W
        if (room := int((right - xs[i] - 4) / 6)) > 0:
            label = _clip(labels[i], room)
            parts.append(_text(xs[i] + 3, GANTT_TOP - 10, label, extra=' font-size="10"'))
    return parts


def _gantt_row(i: int, row: tuple[str, date, date, int, str], start: date, end: date) -> list[str]:
    """The label, the bar over the window and the progress figure, or a struck dashed bar
    when the action is cancelled."""
    label, starts_on, due_on, progress, status = row
    top = GANTT_TOP + i * GANTT_ROW
    parts = [_text(8, top + 15, _clip(label))]
    first, last = max(starts_on, start), min(due_on, end)
    if last < first:
        return parts
    x = _gantt_x(first, start, end)
    width = max(_gantt_x(last, start, end) - x, 3.0)
    if status == "cancelled":
        box = _rect(x, top + 5, width, 12, "#ffffff", edge="#555555", dash="3 2", cls="cancelled")
        return [*parts, box, _line(x, top + 11, x + width, top + 11, "#000000", cls="strike")]
    done = width * min(max(progress, 0), 100) / 100
    return [
        *parts,
        _rect(x, top + 5, width, 12, "#d9d9d9", edge="#555555", cls="action"),
        _rect(x, top + 5, done, 12, ACCENT, cls="progress"),
        _text(WIDTH - 6, top + 15, f"{progress}%", anchor="end"),
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
    parts = [_rect(0, GANTT_TOP + i * GANTT_ROW, WIDTH, GANTT_ROW, "#f2f2f2") for i in bands]
    parts += _gantt_months(start, end, month_labels, bottom)
    for i, row in enumerate(rows):
        parts += _gantt_row(i, row, start, end)
    if today is not None and start <= today <= end:
        x = _gantt_x(today, start, end)
        parts.append(_line(x, GANTT_TOP - 8, x, bottom, ACCENT, dash="4 3", cls="today"))
    return _svg(title, bottom + 8, parts)


def nice_ticks(low: float, high: float) -> list[float]:
    """Four or five round ticks covering low..high: the smallest step of 1, 2, 2.5 or 5 times a
    power of ten that needs at most four intervals. Equal ends are widened by 10% (or by 1 at 0).
    """
    low, high = min(low, high), max(low, high)
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
    return _number(value, max(0, 1 - math.floor(math.log10(step))))


# Trend: the plot area, in user units.
PLOT_X, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 64.0, 548.0, 60.0, 236.0


@dataclass(frozen=True)
class _Scale:
    """Maps dates and values onto the plot area; a single date sits in the middle."""

    low: float
    high: float
    first: date
    days: int

    def x(self, day: date) -> float:
        if not self.days:
            return (PLOT_X + PLOT_RIGHT) / 2
        return PLOT_X + 12 + (PLOT_RIGHT - PLOT_X - 24) * (day - self.first).days / self.days

    def y(self, value: float) -> float:
        return PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * (value - self.low) / (self.high - self.low)


def _y_axis(ticks: list[float], scale: _Scale, unit: str) -> list[str]:
    parts = [_text(8, PLOT_TOP - 7, _clip(unit, 40))]
    for tick in ticks:
        y = scale.y(tick)
        parts.append(_line(PLOT_X, y, PLOT_RIGHT, y, "#dddddd", cls="tick"))
        label = _tick_label(tick, ticks[1] - ticks[0])
        parts.append(_text(PLOT_X - 6, y + 4, label, anchor="end"))
    return parts


def _date_axis(days: list[date], scale: _Scale, labels: Callable[[date], str]) -> list[str]:
    """Up to six dates, evenly picked from the distinct ones, under the plot."""
    if len(days) > 6:
        days = [days[round(k * (len(days) - 1) / 5)] for k in range(6)]
    return [
        _text(scale.x(d), PLOT_BOTTOM + 16, _clip(labels(d), 14), anchor="middle") for d in days
    ]


def _references(scale: _Scale, lines: list[tuple[float | None, str, str, str]]) -> list[str]:
    """Horizontal lines (value, label, dash, class), each labelled in the right margin, off the
    data and clear of the dates; two labels closer than 24 units are spread apart."""
    shown = [(scale.y(v), v, label, dash, cls) for v, label, dash, cls in lines if v is not None]
    ys = [min(max(y, PLOT_TOP + 8), PLOT_BOTTOM - 12) for y, *_ in shown]  # clear of the dates
    if len(ys) == 2 and abs(ys[0] - ys[1]) < 24:
        middle = min(max((ys[0] + ys[1]) / 2, PLOT_TOP + 20), PLOT_BOTTOM - 24)
        sign = 1 if shown[0][0] >= shown[1][0] else -1
        ys = [middle + 12 * sign, middle - 12 * sign]
    parts = []
    for (y, value, label, dash, cls), text_y in zip(shown, ys, strict=True):
        parts.append(_line(PLOT_X, y, PLOT_RIGHT, y, "#000000", dash=dash, cls=cls))
        parts.append(_text(PLOT_RIGHT + 6, text_y - 1, _clip(label, 14), extra=' font-size="10"'))
        bold = ' font-size="10" font-weight="bold"'
        parts.append(_text(PLOT_RIGHT + 6, text_y + 11, _number(value), extra=bold))
    return parts


def _style(k: int) -> tuple[str, str, int]:
    """Ink, dash pattern and marker shape of series k; all three change together."""
    return INKS[k % 4], DASHES[k % 4], k % 4


def _series(k: int, points: list[tuple[date, float]], scale: _Scale) -> list[str]:
    ink, dash, shape = _style(k)
    xys = [(scale.x(d), scale.y(v)) for d, v in sorted(points)]
    line = f'<polyline class="series" points="{_points(xys)}" fill="none" stroke="{ink}"'
    parts = [f'{line} stroke-width="1.8"{_dash(dash)}/>'] if len(xys) > 1 else []
    return parts + [_marker(shape, x, y, ink) for x, y in xys]


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
) -> str:
    """KPI values over time, one line with markers per series, the baseline dotted and the
    target dashed; without any point, the empty frame and the `empty` note."""
    frame = _rect(
        PLOT_X, PLOT_TOP, PLOT_RIGHT - PLOT_X, PLOT_BOTTOM - PLOT_TOP, "none", edge="#000"
    )
    points = [point for _, line in series for point in line]
    if not points:
        middle = (PLOT_X + PLOT_RIGHT) / 2, (PLOT_TOP + PLOT_BOTTOM) / 2
        return _svg(title, 260, [frame, _text(*middle, empty, anchor="middle")])
    values = [v for _, v in points] + [v for v in (baseline, target) if v is not None]
    ticks = nice_ticks(min(values), max(values))
    days = sorted({d for d, _ in points})
    scale = _Scale(ticks[0], ticks[-1], days[0], (days[-1] - days[0]).days)
    parts = [*_y_axis(ticks, scale, unit), frame, *_date_axis(days, scale, date_labels)]
    parts += _references(
        scale,
        [(baseline, baseline_label, "1 3", "baseline"), (target, target_label, "8 4", "target")],
    )
    for k, (_, line) in enumerate(series):
        parts += _series(k, line, scale)
    keys = [(_line_sample(*_style(k)), name) for k, (name, _) in enumerate(series)]
    return _svg(title, 260, parts + _legend(36, keys))


def portfolio(title: str, rows: list[tuple[str, int]]) -> str:
    """Engagements per phase as horizontal bars, each with its count."""
    top = max([count for _, count in rows], default=0) or 1
    parts = [_line(200, 30, 200, 38 + len(rows) * 24, "#000000")]
    for i, (label, count) in enumerate(rows):
        y = 34 + i * 24
        width = 350 * max(count, 0) / top
        parts.append(_text(8, y + 14, _clip(label)))
        parts.append(_rect(200, y + 3, width, 15, ACCENT, cls="bar"))
        parts.append(_text(205 + width, y + 15, str(count), extra=' class="count"'))
    return _svg(title, 42 + len(rows) * 24, parts)
