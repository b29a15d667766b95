"""SVG building blocks of the report charts: escaped texts, lines, boxes, markers, legends
and the root element; labels fitted to their room by `textfit`, never cut."""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape, quoteattr

from service.reports.textfit import fit, width

WIDTH = 640
HEAD = 24  # room for the visible title; charts without a title are shifted up by it
FONT = "DejaVu Sans, sans-serif"
SIZE = 11  # the root font size; texts of another size say so
ACCENT = "#1d4e89"  # dark blue prints as near-black, so no chart depends on it being blue
INKS = (ACCENT, "#000000", "#555555", "#888888")
DASHES = ("none", "6 3", "2 2", "9 3 2 3")
# Characters XML 1.0 refuses (control codes, lone surrogates, non-characters) become spaces.
_UNSAFE = re.compile("[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")

Sample = Callable[[float, float], str]

# The decimal mark of the report being drawn ("," in French); set with `decimal_mark`.
_DECIMAL_MARK: ContextVar[str] = ContextVar("decimal_mark", default=".")


def n(value: float) -> str:
    """A coordinate with one decimal, never "-0.0"."""
    return f"{round(value, 1) + 0.0:.1f}"


@contextmanager
def decimal_mark(mark: str) -> Iterator[None]:
    """Charts drawn inside write their numbers with this decimal mark."""
    token = _DECIMAL_MARK.set(mark)
    try:
        yield
    finally:
        _DECIMAL_MARK.reset(token)


def number(value: float, places: int = 1) -> str:
    """A value for people with exactly `places` decimals, in the report's decimal mark,
    rounded half up from its decimal text as the tables round it (formats.number)."""
    step = Decimal(1).scaleb(-places)
    text = str(Decimal(str(value + 0.0)).quantize(step, ROUND_HALF_UP) + 0)
    return text.replace(".", _DECIMAL_MARK.get())


def with_unit(value: float, unit: str, places: int = 1) -> str:
    return number(value, places) + ("" if unit in ("", "%") else " ") + unit


def safe(text: str) -> str:
    return _UNSAFE.sub(" ", text)


def cls(name: str) -> str:
    return f' class="{name}"' if name else ""


def dash_attr(dash: str) -> str:
    return f' stroke-dasharray="{dash}"' if dash != "none" else ""


def text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "start",
    size: float = SIZE,
    bold: bool = False,
    extra: str = "",
) -> str:
    """A text element at baseline y; `extra` holds fixed attributes only, never data."""
    body = escape(safe(content))
    sized = f' font-size="{size:g}"' if size != SIZE else ""
    weight = ' font-weight="bold"' if bold else ""
    at = f'x="{n(x)}" y="{n(y)}" text-anchor="{anchor}"'
    return f"<text {at}{sized}{weight}{extra}>{body}</text>"


def label(
    x: float,
    y: float,
    content: str,
    room: float,
    *,
    lines: int = 2,
    anchor: str = "start",
    size: float = SIZE,
    middle: bool = True,
    bold: bool = False,
    extra: str = "",
) -> list[str]:
    """A label fitted to `room` units over at most `lines` lines, centred on y (or starting
    on baseline y when `middle` is false), one text element per line."""
    rows = fit(safe(content), room, size, lines, bold)
    leading = size * 1.15
    first = y - leading * (len(rows) - 1) / 2 if middle else y
    return [
        text(x, first + k * leading, row, anchor=anchor, size=size, bold=bold, extra=extra)
        for k, row in enumerate(rows)
    ]


def line(
    x1: float, y1: float, x2: float, y2: float, ink: str, *, dash: str = "none", name: str = ""
) -> str:
    ends = f'x1="{n(x1)}" y1="{n(y1)}" x2="{n(x2)}" y2="{n(y2)}"'
    return f'<line{cls(name)} {ends} stroke="{ink}"{dash_attr(dash)}/>'


def rect(
    x: float,
    y: float,
    w: float,
    h: float,
    fill: str,
    *,
    edge: str = "none",
    dash: str = "none",
    name: str = "",
) -> str:
    box = f'x="{n(x)}" y="{n(y)}" width="{n(max(w, 0))}" height="{n(h)}"'
    return f'<rect{cls(name)} {box} fill="{fill}" stroke="{edge}"{dash_attr(dash)}/>'


def points(xys: list[tuple[float, float]]) -> str:
    return " ".join(f"{n(x)},{n(y)}" for x, y in xys)


def marker(shape: int, x: float, y: float, ink: str) -> str:
    """A filled circle, square, triangle or diamond, so that series differ without colour."""
    if shape % 4 == 0:
        return f'<circle cx="{n(x)}" cy="{n(y)}" r="3.5" fill="{ink}"/>'
    corners = (
        ((-1, -1), (1, -1), (1, 1), (-1, 1)),
        ((0, -1.3), (1.2, 1), (-1.2, 1)),
        ((0, -1.4), (1.4, 0), (0, 1.4), (-1.4, 0)),
    )[shape % 4 - 1]
    xys = [(x + 3.5 * a, y + 3.5 * b) for a, b in corners]
    return f'<polygon points="{points(xys)}" fill="{ink}"/>'


def line_sample(ink: str, dash: str, shape: int) -> Sample:
    return lambda x, y: line(x, y, x + 22, y, ink, dash=dash) + marker(shape, x + 11, y, ink)


def box_sample(fill: str) -> Sample:
    return lambda x, y: rect(x, y - 5, 22, 10, fill)


def legend(y: float, keys: list[tuple[Sample, str]]) -> tuple[list[str], float]:
    """Keys from the left margin, each a sample and its label, on as many rows as they need
    (a label too long for a row wraps over two lines); blank labels skip. Returns the parts
    and the height used below y."""
    parts, x, row_y, used = [], 8.0, y, 0.0
    for sample, name in keys:
        if not name:
            continue
        rows = fit(safe(name), WIDTH - 60, SIZE, 2)
        span = 40 + max(width(row, SIZE) for row in rows)
        if x > 8 and x + span > WIDTH - 8:
            x, row_y = 8.0, row_y + 16 * max(1, len(rows))
        parts.append(sample(x, row_y))
        parts += [text(x + 28, row_y + 4 + 13 * k, row) for k, row in enumerate(rows)]
        used = max(used, row_y - y + 13 * (len(rows) - 1))
        x += span
    return parts, used


def svg(title: str, height: float, parts: list[str]) -> str:
    """The root element, titled for screen readers; the visible title is left out when blank."""
    name = safe(title)
    body = "".join(parts)
    if name:
        heading = label(8, 17, name, WIDTH - 16, lines=1, middle=False, size=13, bold=True)
        body = "".join(heading) + body
    else:
        height -= HEAD
        body = f'<g transform="translate(0 -{HEAD})">{body}</g>'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}px" height="{n(height)}px" '
        f'viewBox="0 0 {WIDTH} {n(height)}" role="img" aria-label={quoteattr(name)} '
        f'font-family="{FONT}" font-size="{SIZE}"><title>{escape(name)}</title>{body}</svg>'
    )
