"""The layout check of the PDF reports: lay a report out with WeasyPrint's document API and
list every box beyond its page's content area, every text cut with an ellipsis, and, in the
inline SVG charts, every label outside its chart or overlapping another label."""

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from service.reports.rendering import TEMPLATES, TemplateFolderFetcher
from service.reports.textfit import width

SVG = "{http://www.w3.org/2000/svg}"
SLACK = 0.5  # points, or chart units: rounding, not overflow
ELLIPSIS = "…"


def _walk(box: Any, cell: Any = None) -> Iterator[tuple[Any, Any]]:
    """Every box with the table cell it lies in, if any; running headers (in the page's
    margins) left out."""
    yield box, cell
    inner = box if isinstance(box, boxes.TableCellBox) else cell
    for child in getattr(box, "children", []):
        if not isinstance(child, boxes.MarginBox):
            yield from _walk(child, inner)


def _beyond_cell(box: Any, cell: Any) -> bool:
    """A text running out of its table cell, over its neighbour."""
    if cell is None or not isinstance(box, boxes.TextBox):
        return False
    left, right = cell.border_box_x(), cell.border_box_x() + cell.border_width()
    x = box.border_box_x()
    return x < left - SLACK or x + box.border_width() > right + SLACK


def page_problems(html: str) -> list[str]:
    """Boxes that extend beyond their page's content area, and texts cut with an ellipsis."""
    document = HTML(
        string=html, base_url=f"{TEMPLATES.as_uri()}/", url_fetcher=TemplateFolderFetcher()
    ).render()
    found = []
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        left, top = page_box.content_box_x(), page_box.content_box_y()
        right, bottom = left + page_box.width, top + page_box.height
        for box, cell in _walk(page_box):
            if box is page_box or isinstance(box, boxes.LineBox):
                continue
            if _beyond_cell(box, cell):
                found.append(f"p{number}: {box.text!r} runs out of its table cell")
            if isinstance(box, boxes.TextBox) and ELLIPSIS in box.text:
                found.append(f"p{number}: text cut with an ellipsis: {box.text!r}")
            x, y = box.border_box_x(), box.border_box_y()
            w, h = box.border_width(), box.border_height()
            if x < left - SLACK or x + w > right + SLACK or y + h > bottom + SLACK:
                what = box.text if isinstance(box, boxes.TextBox) else type(box).__name__
                found.append(
                    f"p{number}: {what!r} spans x {x:.1f}-{x + w:.1f}, y to {y + h:.1f}; "
                    f"the content area is x {left:.1f}-{right:.1f}, y to {bottom:.1f}"
                )
    return found


def _translate(element: ET.Element) -> tuple[float, float]:
    match = re.match(r"translate\(([-\d.]+)[ ,]+([-\d.]+)\)", element.get("transform", ""))
    return (float(match[1]), float(match[2])) if match else (0.0, 0.0)


def _texts(
    element: ET.Element, dx: float, dy: float, size: float, bold: bool
) -> Iterator[tuple[str, float, float, float, float]]:
    """(text, left, top, right, bottom) of every text element, in the chart's units."""
    tx, ty = _translate(element)
    dx, dy = dx + tx, dy + ty
    size = float(element.get("font-size", size))
    bold = element.get("font-weight", "bold" if bold else "normal") == "bold"
    if element.tag == f"{SVG}text":
        content = "".join(element.itertext())
        x, y = float(element.get("x", 0)) + dx, float(element.get("y", 0)) + dy
        span = width(content, size, bold)
        anchor = element.get("text-anchor", "start")
        start = x - span if anchor == "end" else x - span / 2 if anchor == "middle" else x
        yield content, start, y - 0.76 * size, start + span, y + 0.24 * size
        return
    for child in element:
        yield from _texts(child, dx, dy, size, bold)


def chart_problems(markup: str) -> list[str]:
    """Labels of a chart outside its view box, cut with an ellipsis, or overlapping."""
    root = ET.fromstring(markup)
    _x, _y, view_width, view_height = map(float, root.get("viewBox", "0 0 0 0").split())
    texts = [t for t in _texts(root, 0, 0, float(root.get("font-size", 11)), False) if t[0]]
    found = []
    for content, left, top, right, bottom in texts:
        if ELLIPSIS in content:
            found.append(f"chart label cut with an ellipsis: {content!r}")
        if left < -SLACK or right > view_width + SLACK or top < -SLACK or bottom > view_height:
            found.append(f"chart label {content!r} leaves the chart ({left:.0f}, {top:.0f})")
    for i, (a, al, at, ar, ab) in enumerate(texts):
        for b, bl, bt, br, bb in texts[i + 1 :]:
            if al < br - SLACK and bl < ar - SLACK and at < bb - SLACK and bt < ab - SLACK:
                found.append(f"chart labels {a!r} and {b!r} overlap")
    return found


def charts_in(context: Any) -> Iterator[str]:
    """Every inline SVG chart in a report's view data."""
    if isinstance(context, str):
        if context.startswith("<svg"):
            yield context
    elif isinstance(context, dict):
        for value in context.values():
            yield from charts_in(value)
    elif isinstance(context, list | tuple):
        for value in context:
            yield from charts_in(value)
