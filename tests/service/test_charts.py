"""Report charts: well-formed, self-contained SVG, identical on every call, with positions worked
out by hand; WeasyPrint draws every kind."""

import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import weasyprint

from service.reports import charts

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<img src="file:///etc/passwd">'


def month_label(day: date) -> str:
    return day.strftime("%b %Y")


def radar_chart(label: str = "Quality") -> str:
    axes = [(label, 80.0), ("Delivery", 55.5), ("Costs", None), ("People", 100.0), ("Safety", 30.0)]
    return charts.radar("Audit", axes, [70.0, 70.0, 70.0, 90.0, None], "Targets")


def bars_chart(label: str = "Quality") -> str:
    return charts.bars("Sections", [(label, 40.0, 72.5), ("Delivery", None, 60.0)], unit="%")


def gantt_chart(label: str = "Train operators") -> str:
    rows = [
        (label, date(2024, 1, 10), date(2024, 2, 20), 60, "in_progress"),
        ("Buy a press", date(2024, 2, 1), date(2024, 3, 31), 0, "planned"),
        ("Dropped", date(2024, 1, 15), date(2024, 2, 15), 10, "cancelled"),
    ]
    return charts.gantt(
        "Plan", date(2024, 1, 1), date(2024, 3, 31), rows, date(2024, 2, 15), ["Jan", "Feb", "Mar"]
    )


def trend_chart(label: str = "Plant A") -> str:
    series = [
        (label, [(date(2024, 1, 1), 12.0), (date(2024, 2, 1), 9.5), (date(2024, 4, 1), 7.0)]),
        ("Plant B", [(date(2024, 1, 1), 8.0), (date(2024, 3, 1), 6.5)]),
    ]
    return charts.trend("Scrap rate", series, 12.0, 4.0, "%", month_label)


def portfolio_chart(label: str = "Audits") -> str:
    return charts.portfolio("Engagements", [("Enrolment", 12), (label, 7), ("Round tables", 0)])


KINDS: dict[str, Callable[..., str]] = {
    "radar": radar_chart,
    "bars": bars_chart,
    "gantt": gantt_chart,
    "trend": trend_chart,
    "portfolio": portfolio_chart,
}


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def with_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if e.get("class") == name]


def texts(root: ET.Element) -> list[str]:
    return [e.text or "" for e in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("kind", KINDS)
def test_every_chart_is_a_titled_svg_image_with_size_and_view_box(kind: str) -> None:
    markup = KINDS[kind]()
    root = parse(markup)
    assert markup.startswith("<svg")
    assert markup.endswith("</svg>")
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == root.findtext(f"{SVG}title") != ""
    assert root.get("width", "").endswith("px")
    assert root.get("height", "").endswith("px")
    assert root.get("viewBox", "").startswith("0 0 640 ")
    assert root.get("font-family") == "DejaVu Sans, sans-serif"


@pytest.mark.parametrize("kind", KINDS)
def test_the_same_input_gives_byte_identical_markup(kind: str) -> None:
    assert KINDS[kind]() == KINDS[kind]()


@pytest.mark.parametrize("kind", KINDS)
def test_a_hostile_label_is_escaped_not_injected(kind: str) -> None:
    markup = KINDS[kind](HOSTILE)
    assert "<img" not in markup
    assert "&lt;img src=" in markup
    assert all(e.tag.startswith(SVG) for e in parse(markup).iter())


@pytest.mark.parametrize("kind", KINDS)
def test_no_chart_refers_to_anything_outside_itself(kind: str) -> None:
    markup = KINDS[kind](HOSTILE)
    for reference in ("href", "url(", "<image", "<use", "@import"):
        assert reference not in markup


def test_a_hostile_title_is_escaped_in_the_accessible_name() -> None:
    markup = charts.portfolio(HOSTILE + ' & "x"', [])
    root = parse(markup)
    assert "<img" not in markup
    assert root.get("aria-label") == root.findtext(f"{SVG}title") == HOSTILE + ' & "x"'


def test_control_characters_in_a_label_still_give_well_formed_xml() -> None:
    root = parse(charts.portfolio("Bell\x07", [("Tab\there\x00", 1)]))
    assert root.findtext(f"{SVG}title") == "Bell "
    assert "Tab here" in texts(root)


def test_a_chart_without_a_title_has_no_heading_and_is_24_units_shorter() -> None:
    titled = parse(charts.portfolio("Engagements", [("Audits", 2)]))
    untitled = parse(charts.portfolio("", [("Audits", 2)]))
    assert titled.get("height") == "66.0px"
    assert untitled.get("height") == "42.0px"
    assert "Engagements" not in texts(untitled)


def test_a_radar_with_five_axes_draws_five_axis_lines() -> None:
    assert len(with_class(parse(radar_chart()), "axis")) == 5


def test_radar_scores_of_100_reach_the_outer_ring_and_50_half_way() -> None:
    # Centre (320, 238), outer radius 140; axes clockwise from the top: up, right, down, left.
    axes: list[tuple[str, float | None]] = [("N", 100.0), ("E", 50.0), ("S", 100.0), ("W", 50.0)]
    (score,) = with_class(parse(charts.radar("Four", axes)), "score")
    assert score.get("points") == "320.0,98.0 390.0,238.0 320.0,378.0 250.0,238.0"


def test_the_outer_ring_passes_through_every_axis_end() -> None:
    axes: list[tuple[str, float | None]] = [("N", 10.0), ("E", 10.0), ("S", 10.0), ("W", 10.0)]
    rings = with_class(parse(charts.radar("Four", axes)), "ring")
    assert [r.get("points") for r in rings] == [
        "320.0,203.0 355.0,238.0 320.0,273.0 285.0,238.0",
        "320.0,168.0 390.0,238.0 320.0,308.0 250.0,238.0",
        "320.0,133.0 425.0,238.0 320.0,343.0 215.0,238.0",
        "320.0,98.0 460.0,238.0 320.0,378.0 180.0,238.0",
    ]


def test_an_unscored_radar_axis_sits_at_the_centre_and_reads_missing() -> None:
    axes = [("N", 100.0), ("E", None), ("S", 100.0)]
    root = parse(charts.radar("Three", axes, missing="s.o."))
    (score,) = with_class(root, "score")
    assert score.get("points", "").split()[1] == "320.0,238.0"
    assert "s.o." in texts(root)


def test_the_radar_reference_is_a_dashed_polygon_named_in_the_legend() -> None:
    axes = [("Quality", 80.0), ("Delivery", 55.5), ("Costs", None)]
    root = parse(charts.radar("Audit", axes, [70.0, 70.0, 90.0], "Targets"))
    (reference,) = with_class(root, "reference")
    assert reference.get("stroke-dasharray") == "6 4"
    assert "Targets" in texts(root)


def test_a_radar_with_two_axes_falls_back_to_bars() -> None:
    root = parse(charts.radar("Two", [("A", 40.0), ("B", 100.0)]))
    assert not with_class(root, "score")
    assert [bar.get("width") for bar in with_class(root, "bar")] == ["140.0", "350.0"]


def test_a_radar_reference_needs_one_value_per_axis() -> None:
    with pytest.raises(ValueError, match="one value per axis"):
        charts.radar("Three", [("A", 1.0), ("B", 2.0), ("C", 3.0)], [1.0])


def test_percent_bars_are_scaled_to_100_when_every_value_is_at_most_100() -> None:
    root = parse(charts.bars("S", [("A", 50.0, 25.0)], unit="%"))
    assert [bar.get("width") for bar in with_class(root, "bar")] == ["175.0", "87.5"]
    assert [t for t in texts(root) if t.endswith("%")] == ["50.0%", "25.0%"]


def test_bars_without_a_percent_unit_are_scaled_to_the_largest_value() -> None:
    root = parse(charts.bars("S", [("A", 40.0, 80.0), ("B", 20.0, 10.0)], unit="days"))
    widths = [bar.get("width") for bar in with_class(root, "bar")]
    assert widths == ["175.0", "350.0", "87.5", "43.8"]
    assert "80.0 days" in texts(root)


def test_a_missing_bar_value_reads_missing() -> None:
    root = parse(charts.bars("S", [("A", None, 80.0), ("B", 30.0, 40.0)], missing="k. A."))
    assert len(with_class(root, "bar")) == 3
    assert "k. A." in texts(root)


def test_a_bar_series_without_any_value_is_left_out() -> None:
    root = parse(charts.bars("S", [("A", None, 80.0), ("B", None, 40.0)], ("Before", "After")))
    assert "Before" not in texts(root)
    assert len(with_class(root, "bar")) == 2


def plan(today: date | None, rows: list[tuple[str, date, date, int, str]] | None = None) -> str:
    """A plan window of 90 days, 1 January to 31 March 2024, drawn 400 wide from x=190."""
    rows = rows or [("Train", date(2024, 1, 1), date(2024, 3, 31), 25, "in_progress")]
    return charts.gantt("Plan", date(2024, 1, 1), date(2024, 3, 31), rows, today, ["J", "F", "M"])


def test_the_today_line_sits_at_its_share_of_the_plan_window() -> None:
    (today,) = with_class(parse(plan(date(2024, 2, 15))), "today")
    assert today.get("x1") == today.get("x2") == "390.0"  # 190 + 400 * 45 / 90
    assert today.get("stroke-dasharray") == "4 3"


@pytest.mark.parametrize("today", [None, date(2023, 12, 31), date(2024, 4, 1)])
def test_there_is_no_today_line_outside_the_plan_window(today: date | None) -> None:
    assert not with_class(parse(plan(today)), "today")


def test_month_lines_fall_on_the_first_of_each_month_and_carry_the_given_names() -> None:
    root = parse(plan(None))
    # 1 January at 0 days, 1 February at 31 (400 * 31 / 90 = 137.8), 1 March at 60 (266.7).
    assert [line.get("x1") for line in with_class(root, "month")] == ["190.0", "327.8", "456.7"]
    assert {"J", "F", "M"} <= set(texts(root))


def test_the_progress_fills_its_share_of_the_action_bar() -> None:
    root = parse(plan(None))
    assert [bar.get("width") for bar in with_class(root, "action")] == ["400.0"]
    assert [bar.get("width") for bar in with_class(root, "progress")] == ["100.0"]
    assert "25%" in texts(root)


def test_a_cancelled_action_is_struck_through_without_progress() -> None:
    rows = [("Dropped", date(2024, 1, 1), date(2024, 1, 31), 40, "cancelled")]
    root = parse(plan(None, rows))
    assert len(with_class(root, "cancelled")) == len(with_class(root, "strike")) == 1
    assert not with_class(root, "progress")
    assert "40%" not in texts(root)


def test_a_long_action_label_wraps_over_two_lines_and_is_never_cut() -> None:
    title = "Asistencia técnica para estandarizar el corte y el pespunte"
    rows = [(title, date(2024, 1, 1), date(2024, 1, 31), 0, "planned")]
    labels = [t for t in texts(parse(plan(None, rows))) if t[:1] in "Ae"]
    assert labels == ["Asistencia técnica para estandarizar", "el corte y el pespunte"]


def test_a_label_too_long_for_its_lines_abbreviates_its_longest_words() -> None:
    title = "Asistencia técnica para estandarizar el corte y el pespunte de la línea de botas"
    rows = [(title, date(2024, 1, 1), date(2024, 1, 31), 0, "planned")]
    assert texts(parse(plan(None, rows)))[4:6] == [
        "Asistencia técnica para esta. el corte",
        "y el pespunte de la línea de botas",
    ]


def test_a_radar_target_on_one_section_is_a_mark_on_its_axis_not_a_spoke() -> None:
    axes = [("N", 50.0), ("E", 50.0), ("S", 50.0), ("W", 50.0)]
    root = parse(charts.radar("", axes, [100.0, None, None, None], "Target"))
    marks = [p for p in root.iter(f"{SVG}polygon") if p.get("fill") == "#333333"]
    assert (with_class(root, "reference"), len(marks)) == ([], 2)  # on the axis, in the legend


@pytest.mark.parametrize(
    ("low", "high", "ticks"),
    [
        (0, 100, [0, 25, 50, 75, 100]),  # step 10 or 20 needs 10 or 5 intervals; 25 needs 4
        (3, 17, [0, 5, 10, 15, 20]),  # steps 1, 2, 2.5 need 14, 8, 6 intervals; 5 needs 4
        (24, 76, [20, 40, 60, 80]),  # step 10 needs 2..8, 6 intervals; 20 needs 1..4, 3
        (800, 1200, [800, 900, 1000, 1100, 1200]),
        (0.1, 0.9, [0, 0.25, 0.5, 0.75, 1]),  # 0.2 would need 0..5, 5 intervals
        (50, 50, [45, 47.5, 50, 52.5, 55]),  # equal ends widened by 10%
        (0, 0, [-1, -0.5, 0, 0.5, 1]),  # and by 1 at zero
        (17, 3, [0, 5, 10, 15, 20]),
    ],
)
def test_nice_ticks_are_round_and_cover_the_range(
    low: float, high: float, ticks: list[float]
) -> None:
    assert charts.nice_ticks(low, high) == pytest.approx(ticks)


def test_the_trend_axis_is_labelled_with_nice_ticks() -> None:
    series = [("A", [(date(2024, 1, 1), 3.0), (date(2024, 2, 1), 17.0)])]
    root = parse(charts.trend("T", series, None, None, "", month_label))
    assert [line.get("y1") for line in with_class(root, "tick")] == [
        "236.0",  # 0 at the bottom of the plot
        "192.0",  # each step of 5 rises 176 / 4 = 44
        "148.0",
        "104.0",
        "60.0",
    ]
    assert {"0", "5", "10", "15", "20"} <= set(texts(root))


def test_a_trend_with_one_point_puts_it_in_the_middle() -> None:
    series = [("A", [(date(2024, 1, 1), 50.0)])]
    root = parse(charts.trend("T", series, None, None, "", month_label))
    circles = [(c.get("cx"), c.get("cy")) for c in root.iter(f"{SVG}circle")]
    # x midway between 64 and 548; ticks 45..55 so 50 sits halfway between y=60 and y=236;
    # the second circle is the legend's.
    assert circles == [("306.0", "148.0"), ("19.0", "36.0")]
    assert not with_class(root, "series")


def test_a_trend_without_points_draws_the_frame_and_the_empty_note() -> None:
    root = parse(charts.trend("T", [("A", [])], 3.0, 4.0, "", month_label, empty="Keine Daten"))
    assert len(list(root.iter(f"{SVG}rect"))) == 1
    assert "Keine Daten" in texts(root)
    assert not with_class(root, "series")
    assert not with_class(root, "target")


def test_the_trend_baseline_is_dotted_and_the_target_dashed_both_labelled() -> None:
    series = [("A", [(date(2024, 1, 1), 0.0), (date(2024, 2, 1), 100.0)])]
    markup = charts.trend(
        "T", series, 25.0, 75.0, "%", month_label, baseline_label="Départ", target_label="Cible"
    )
    root = parse(markup)
    (baseline,) = with_class(root, "baseline")
    (target,) = with_class(root, "target")
    assert (baseline.get("y1"), baseline.get("stroke-dasharray")) == ("192.0", "1 3")
    assert (target.get("y1"), target.get("stroke-dasharray")) == ("104.0", "8 4")
    assert {"Départ", "Cible", "25", "75"} <= set(texts(root))


def test_portfolio_bars_are_scaled_to_the_largest_count_and_print_the_counts() -> None:
    root = parse(portfolio_chart())
    assert [e.text for e in with_class(root, "count")] == ["12", "7", "0"]
    assert [bar.get("width") for bar in with_class(root, "bar")] == ["350.0", "204.2", "0.0"]


def page() -> str:
    return (
        "<html><body>"
        + "".join(f"<p>{make(HOSTILE)}</p>" for make in KINDS.values())
        + "</body></html>"
    )


class RecordingFetcher(weasyprint.urls.URLFetcher):
    """Refuses and records every URL WeasyPrint asks for."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> Any:
        self.urls.append(url)
        raise ValueError(f"charts fetch nothing, not {url}")


def test_the_recording_fetcher_sees_an_external_reference() -> None:
    fetcher = RecordingFetcher()
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/hostname"/></svg>'
    weasyprint.HTML(string=svg, url_fetcher=fetcher).write_pdf()
    assert fetcher.urls == ["file:///etc/hostname"]


def test_weasyprint_draws_every_chart_without_fetching_anything() -> None:
    fetcher = RecordingFetcher()
    pdf = weasyprint.HTML(string=page(), url_fetcher=fetcher).write_pdf()
    assert pdf is not None
    assert pdf.startswith(b"%PDF")
    assert fetcher.urls == []


def test_numbers_take_the_decimal_mark_of_the_report() -> None:
    rows = [("Quality", 62.5, 70.75)]
    with charts.decimal_mark(","):
        french = charts.bars("", rows, unit="%")
    english = charts.bars("", rows, unit="%")
    assert ("62,5%" in french, "70,8%" in french, "62.5" in french) == (True, True, False)
    assert ("62.5%" in english, "70.8%" in english) == (True, True)
