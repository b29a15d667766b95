"""Scoring checked against numbers worked by hand (mini template: scale 0-2).

quality (weight 3): qa-01 scale, weight 2, critical; qa-02 yes/no, weight 1
delivery (weight 1): dl-01 number (not scored); dl-02 choice, weight 1 (none 0, paper 50, system 100)
"""

from pathlib import Path

import pytest

from service.audits.scoring import AnswerValue, score_audit
from service.audits.templates import Template, load_template
from service.kpis import kpi_catalogue
from tests.service.test_audit_templates import VALID


@pytest.fixture
def template(tmp_path: Path) -> Template:
    path = tmp_path / "mini-v1.yaml"
    path.write_text(VALID, encoding="utf-8")
    return load_template(path, kpi_catalogue())


def test_unequal_weights(template: Template) -> None:
    # quality = 100 × (2 × 1/2 + 1 × 1) / 3 = 66.67; delivery = 50
    # total = (3 × 66.667 + 1 × 50) / 4 = 62.50 → qualified
    answers = {
        "qa-01": AnswerValue(1),
        "qa-02": AnswerValue(True),
        "dl-01": AnswerValue(93.5),
        "dl-02": AnswerValue("paper"),
    }
    score = score_audit(template, answers)
    assert [(s.section_id, s.score) for s in score.sections] == [
        ("quality", 66.67),
        ("delivery", 50.0),
    ]
    assert (score.total, score.band, score.critical_gaps) == (62.5, "qualified", ())


def test_not_applicable_leaves_the_denominators(template: Template) -> None:
    # quality = 100 × (2 × 1/2) / 2 = 50; total = (3 × 50 + 1 × 50) / 4 = 50.00 → developable
    answers = {
        "qa-01": AnswerValue(1),
        "qa-02": AnswerValue(None, not_applicable=True),
        "dl-02": AnswerValue("paper"),
    }
    score = score_audit(template, answers)
    assert score.sections[0].score == 50.0
    assert (score.total, score.band) == (50.0, "developable")


def test_a_critical_question_at_the_lowest_level_is_a_gap(template: Template) -> None:
    # quality = 100 × (0 + 1) / 3 = 33.33; total = (3 × 33.333 + 1 × 100) / 4 = 50.00
    answers = {"qa-01": AnswerValue(0), "qa-02": AnswerValue(True), "dl-02": AnswerValue("system")}
    score = score_audit(template, answers)
    assert score.sections[0].score == 33.33
    assert (score.total, score.critical_gaps) == (50.0, ("qa-01",))


def test_a_section_without_scored_answers_is_left_out_of_the_total(template: Template) -> None:
    # quality = 100 × (2 × 1 + 1 × 0) / 3 = 66.67; delivery unanswered → total = 66.67
    score = score_audit(template, {"qa-01": AnswerValue(2), "qa-02": AnswerValue(False)})
    assert [(s.section_id, s.score, s.answered) for s in score.sections] == [
        ("quality", 66.67, 2),
        ("delivery", None, 0),
    ]
    assert (score.total, score.band) == (66.67, "qualified")


def test_nothing_answered_has_no_score(template: Template) -> None:
    score = score_audit(template, {})
    assert (score.total, score.band) == (None, None)
