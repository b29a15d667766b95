"""The strict template loader: each broken file is refused with file, line and a plain message."""

from pathlib import Path

import pytest

from service.audits.templates import load_template
from service.datafiles import DataFileInvalid
from service.kpis import kpi_catalogue

T = '{en: "%s", es: "%s", fr: "%s"}'


def texts(word: str) -> str:
    return T % (word, word, word)


VALID = f"""\
id: mini
version: 1
title: {texts("Mini audit")}
description: {texts("A small template for tests")}
applies_to: [supplier]
scale:
  min: 0
  max: 2
  levels:
    0: {texts("none")}
    1: {texts("some")}
    2: {texts("full")}
sections:
  - id: quality
    title: {texts("Quality")}
    weight: 3
    questions:
      - id: qa-01
        type: scale
        text: {texts("Incoming inspection")}
        weight: 2
        critical: true
        evidence: required
        levels:
          0: {texts("never")}
          1: {texts("sometimes")}
          2: {texts("always")}
      - id: qa-02
        type: yes_no
        text: {texts("Written specifications")}
        weight: 1
  - id: delivery
    title: {texts("Delivery")}
    weight: 1
    questions:
      - id: dl-01
        type: number
        text: {texts("On-time deliveries")}
        unit: "%"
        kpi: on_time_delivery
      - id: dl-02
        type: choice
        text: {texts("Delivery records")}
        weight: 1
        options:
          - {{id: none, score: 0, text: {texts("none")}}}
          - {{id: paper, score: 50, text: {texts("paper")}}}
          - {{id: system, score: 100, text: {texts("system")}}}
"""


def write(tmp_path: Path, text: str, name: str = "mini-v1.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refusal(tmp_path: Path, text: str, name: str = "mini-v1.yaml") -> list[str]:
    with pytest.raises(DataFileInvalid) as caught:
        load_template(write(tmp_path, text, name), kpi_catalogue())
    return [str(error) for error in caught.value.errors]


def test_the_valid_template_loads(tmp_path: Path) -> None:
    template = load_template(write(tmp_path, VALID), kpi_catalogue())
    assert [section.id for section in template.sections] == ["quality", "delivery"]
    assert template.question("dl-01").kpi == "on_time_delivery"  # type: ignore[union-attr]


BROKEN = [
    (
        "an unknown key",
        VALID.replace("    weight: 3\n", "    weight: 3\n    colour: red\n"),
        "mini-v1.yaml:17: sections[0].colour: unknown key 'colour'",
    ),
    (
        "a duplicate key",
        VALID.replace("version: 1\n", "version: 1\nversion: 2\n"),
        "mini-v1.yaml:3: duplicate key 'version' (first on line 2)",
    ),
    (
        "a zero weight",
        VALID.replace("    weight: 3\n", "    weight: 0\n"),
        "mini-v1.yaml:16: sections[0].weight: Input should be greater than 0",
    ),
    (
        "a negative question weight",
        VALID.replace("        weight: 2\n", "        weight: -1\n"),
        "mini-v1.yaml:21: sections[0].questions[0].weight: Input should be greater than 0",
    ),
    (
        "a weight that is text",
        VALID.replace("        weight: 2\n", "        weight: heavy\n"),
        "mini-v1.yaml:21: sections[0].questions[0].weight: Input should be a valid number",
    ),
    (
        "a scale gap",
        VALID.replace(f"    1: {texts('some')}\n", ""),
        "mini-v1.yaml:6: scale: levels must cover the scale without gaps: missing level 1",
    ),
    (
        "a question missing a level",
        VALID.replace(f"          1: {texts('sometimes')}\n", ""),
        "mini-v1.yaml:24: question qa-01: levels must cover the scale without gaps: missing level 1",
    ),
    (
        "a missing translation",
        VALID.replace(texts("Quality"), '{en: "Quality", es: "Calidad"}'),
        "mini-v1.yaml:15: sections[0].title.fr: Field required",
    ),
    (
        "a blank translation",
        VALID.replace(texts("Quality"), '{en: "Quality", es: "Calidad", fr: " "}'),
        "mini-v1.yaml:15: sections[0].title.fr: String should match pattern '\\S'",
    ),
    (
        "a KPI not in the catalogue",
        VALID.replace("kpi: on_time_delivery", "kpi: happiness"),
        "mini-v1.yaml:40: question dl-01: KPI 'happiness' is not in the catalogue",
    ),
    (
        "a duplicate question id",
        VALID.replace("id: qa-02", "id: qa-01"),
        "mini-v1.yaml:28: question id 'qa-01' is used twice",
    ),
    (
        "a duplicate section id",
        VALID.replace("id: delivery", "id: quality"),
        "mini-v1.yaml:32: sections[1].id: duplicate section id 'quality'",
    ),
    (
        "a weight on a number question",
        VALID.replace('unit: "%"', 'unit: "%"\n        weight: 1'),
        "mini-v1.yaml:36: sections[1].questions[0]: a number question is not scored and takes no weight",
    ),
    (
        "a scored question without weight",
        VALID.replace("        weight: 1\n        options", "        options"),
        "mini-v1.yaml:41: sections[1].questions[1]: a choice question needs a weight",
    ),
    (
        "an unknown question type",
        VALID.replace("type: yes_no", "type: maybe"),
        "mini-v1.yaml:29: sections[0].questions[1].type: Input should be 'scale', 'yes_no', 'number', 'choice' or 'text'",
    ),
    (
        "a choice score above 100",
        VALID.replace("score: 100", "score: 120"),
        "mini-v1.yaml:48: sections[1].questions[1].options[2].score: Input should be less than or equal to 100",
    ),
    (
        "invalid YAML",
        VALID.replace("applies_to: [supplier]", "applies_to: [supplier"),
        "mini-v1.yaml:6: expected ',' or ']', but got ':'",
    ),
]


@pytest.mark.parametrize(("what", "text", "message"), BROKEN, ids=[case[0] for case in BROKEN])
def test_a_broken_file_is_refused_with_file_line_and_message(
    tmp_path: Path, what: str, text: str, message: str
) -> None:
    assert message in refusal(tmp_path, text)


def test_the_file_name_must_carry_id_and_version(tmp_path: Path) -> None:
    assert refusal(tmp_path, VALID, "mini.yaml") == [
        "mini.yaml:1: the file must be named mini-v1.yaml"
    ]
