"""Inline SVG charts for the PDF reports: self-contained, deterministic and legible in greyscale.
Labels wrap or are abbreviated by rule to the room they have; none is cut."""

import math

from service.reports.svg import (
    ACCENT,
    WIDTH,
    box_sample,
    decimal_mark,
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
    with_unit,
)
from service.reports.timecharts import gantt, nice_ticks, trend

__all__ = ["bars", "decimal_mark", "gantt", "nice_ticks", "portfolio", "radar", "trend"]

# Radar: centre and outer radius, in user units.
CX, CY, RADIUS = 320.0, 238.0, 140.0
RADAR_HEIGHT = 440
LABEL_SIZE = 10


def _spoke(i: int, count: int, score: float | None) -> tuple[float, float]:
    """Where a score sits on axis i of count, clockwise from the top; None sits at the centre."""
    return _polar(i, count, RADIUS * min(max(score or 0.0, 0.0), 100.0) / 100)


def _polar(i: int, count: int, r: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * i / count
    return CX + r * math.cos(angle), CY + r * math.sin(angle)


def _radar_grid(count: int) -> list[str]:
    parts = []
    for ring in (25, 50, 75, 100):
        corners = points([_spoke(i, count, ring) for i in range(count)])
        parts.append(f'<polygon class="ring" points="{corners}" fill="none" stroke="#bbbbbb"/>')
        parts.append(text(CX + 3, CY - RADIUS * ring / 100 - 2, str(ring), size=8))
    parts += [line(CX, CY, *_spoke(i, count, 100), "#888888", name="axis") for i in range(count)]
    return parts


def _radar_shape(
    scores: list[float | None], ink: str, dash: str, shape: int, name: str
) -> list[str]:
    """A polygon through the scores with a marker on each; when some axes have no value
    (a target on one section only), the markers alone, with no polygon through the centre."""
    corners = [_spoke(i, len(scores), s) for i, s in enumerate(scores)]
    marks = [
        marker(shape, x, y, ink) for (x, y), s in zip(corners, scores, strict=True) if s is not None
    ]
    if any(s is None for s in scores) and name == "reference":
        return marks
    fill = f'fill="{ink}" fill-opacity="0.12"' if shape == 0 else 'fill="none"'
    polygon = f'<polygon class="{name}" points="{points(corners)}" {fill} stroke="{ink}"'
    style = f' stroke-dasharray="{dash}"' if dash != "none" else ""
    return [f'{polygon} stroke-width="2"{style}/>', *marks]


def _radar_label(i: int, count: int, name: str, value: str) -> list[str]:
    """An axis label (up to three lines) with its score below it, outside the outer ring."""
    x, y = _polar(i, count, RADIUS + 14)
    dx, dy = x - CX, y - CY
    anchor = "start" if dx > 20 else "end" if dx < -20 else "middle"
    room = WIDTH - x - 6 if anchor == "start" else x - 6 if anchor == "end" else 220.0
    lines = label(0, 0, name, min(room, 220.0), lines=3, size=LABEL_SIZE, middle=False)
    lead = LABEL_SIZE * 1.15
    block = lead * len(lines) + 13  # the label's lines and the score below them
    top = y - block + 6 if dy < -20 else y + 12 if dy > 20 else y - block / 2 + 8
    parts = label(
        x, top, name, min(room, 220.0), lines=3, anchor=anchor, size=LABEL_SIZE, middle=False
    )
    parts.append(text(x, top + lead * (len(lines) - 1) + 13, value, anchor=anchor, bold=True))
    return parts


def radar(
    title: str,
    axes: list[tuple[str, float | None]],
    reference: list[float | None] | None = None,
    reference_label: str = "",
    *,
    missing: str = "n/a",
) -> str:
    """Section scores 0-100 as a spider chart, an optional reference polygon dashed (markers
    alone where only some axes have one); a score of None sits at the centre and reads
    `missing`. Fewer than three axes are drawn as bars."""
    if reference is not None and len(reference) != len(axes):
        raise ValueError("the reference needs one value per axis")
    refs = reference if reference is not None else [None] * len(axes)
    if len(axes) < 3:
        rows = [(name, ref, score) for (name, score), ref in zip(axes, refs, strict=True)]
        return bars(title, rows, (reference_label, ""), missing=missing, scale_max=100)
    count = len(axes)
    parts = _radar_grid(count)
    if reference is not None:
        parts += _radar_shape(reference, "#333333", "6 4", 1, "reference")
    parts += _radar_shape([score for _, score in axes], ACCENT, "none", 0, "score")
    for i, (name, score) in enumerate(axes):
        parts += _radar_label(i, count, name, missing if score is None else number(score, 1))
    if reference is not None:
        parts += legend(38, [(line_sample("#333333", "6 4", 1), reference_label)])[0]
    return svg(title, RADAR_HEIGHT, parts)


def bars(
    title: str,
    rows: list[tuple[str, float | None, float | None]],
    labels: tuple[str, str] = ("Before", "After"),
    unit: str = "",
    *,
    missing: str = "n/a",
    scale_max: float | None = None,
    decimals: int = 1,
) -> str:
    """Paired horizontal bars per row, before above after, with values at the bar ends, all
    with `decimals` decimals. The scale runs from 0 to the largest value, to 100 for
    percentages, or to `scale_max` when given; a series with no value at all is left out, and
    a missing value reads `missing`."""
    shown = [k for k in (0, 1) if any(row[1 + k] is not None for row in rows)] or [0, 1]
    values = [v for row in rows for v in row[1:] if v is not None]
    top = scale_max or max(values, default=0.0)
    if unit == "%" and top <= 100:
        top = 100.0
    top = top if top > 0 else 1.0
    fills = ("#b3b3b3", ACCENT)
    pitch = 10 + 14 * len(shown)
    keys, used = legend(36, [(box_sample(fills[k]), labels[k]) for k in shown])
    first = 50 + used
    parts = keys
    for i, (name, *pair) in enumerate(rows):
        y = first + i * pitch
        parts += label(8, y + pitch / 2 + 3, name, 185, size=LABEL_SIZE)
        for j, k in enumerate(shown):
            value = pair[k]
            parts += _bar(value, top, y + 5 + 14 * j, fills[k], unit, missing, decimals)
    height = first + 6 + len(rows) * pitch
    parts.append(line(200, first - 4, 200, height - 6, "#000000"))
    return svg(title, height, parts)


def _bar(
    value: float | None,
    top: float,
    y: float,
    fill: str,
    unit: str,
    missing: str,
    decimals: int,
) -> list[str]:
    """One bar 11 high from x=200, 350 long at the top of the scale, its value printed after it."""
    if value is None:
        return [text(204, y + 9, missing, extra=' font-style="italic" fill="#555555"')]
    size = 350 * min(max(value, 0.0), top) / top
    return [
        rect(200, y, size, 11, fill, name="bar"),
        text(204 + size, y + 9, with_unit(value, unit, decimals)),
    ]


def portfolio(title: str, rows: list[tuple[str, int]]) -> str:
    """Counts (engagements per phase) as horizontal bars, each with its count."""
    top = max([count for _, count in rows], default=0) or 1
    parts = [line(200, 30, 200, 38 + len(rows) * 24, "#000000")]
    for i, (name, count) in enumerate(rows):
        y = 34 + i * 24
        size = 350 * max(count, 0) / top
        parts += label(8, y + 14, name, 185, size=LABEL_SIZE)
        parts.append(rect(200, y + 3, size, 15, ACCENT, name="bar"))
        parts.append(text(205 + size, y + 15, str(count), extra=' class="count"'))
    return svg(title, 42 + len(rows) * 24, parts)
