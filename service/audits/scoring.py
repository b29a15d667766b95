"""Audit scoring, pure: weighted section and total scores, critical gaps and bands.

A scored answer counts a fraction of its question's weight: a scale level l counts
(l - min) / (max - min), yes 1 and no 0, a choice its option's score / 100. A section scores
100 × Σ(weight × fraction) / Σ(weight) over its answered, applicable scored questions; the
total is the section scores' mean weighted by section weight, over sections with a score.
Not-applicable answers leave both sums. A critical question at its lowest level is a gap.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from service.audits.templates import Question, Template


@dataclass(frozen=True)
class AnswerValue:
    """What was answered to one question (value None when marked not applicable)."""

    value: Any
    not_applicable: bool = False


@dataclass(frozen=True)
class SectionScore:
    section_id: str
    score: float | None  # None when nothing scored was answered
    answered: int
    scored_questions: int


@dataclass(frozen=True)
class AuditScore:
    total: float | None
    band: str | None
    sections: tuple[SectionScore, ...]
    critical_gaps: tuple[str, ...]  # question ids


def fraction(template: Template, question: Question, value: Any) -> float:
    """The share of the question's weight an answer earns, 0 to 1."""
    if question.type == "scale":
        low, high = template.scale.min, template.scale.max
        return (int(value) - low) / (high - low)
    if question.type == "yes_no":
        return 1.0 if value is True else 0.0
    if question.type == "choice":
        option = next(option for option in question.options or [] if option.id == value)
        return option.score / 100
    raise ValueError(f"{question.type} questions are not scored")


def score_audit(template: Template, answers: dict[str, AnswerValue]) -> AuditScore:
    """Section scores, total, band and critical gaps for a set of answers."""
    sections = []
    raw: list[tuple[float, float]] = []  # (section weight, unrounded score)
    gaps = []
    for section in template.sections:
        earned = possible = 0.0
        answered = scored = 0
        for question in section.questions:
            if not question.scored:
                continue
            scored += 1
            answer = answers.get(question.id)
            if answer is None or answer.not_applicable or answer.value is None:
                continue
            share = fraction(template, question, answer.value)
            earned += question.weight * share  # type: ignore[operator]
            possible += question.weight  # type: ignore[operator]
            answered += 1
            if question.critical and share == 0:
                gaps.append(question.id)
        score = 100 * earned / possible if possible else None
        if score is not None:
            raw.append((section.weight, score))
        rounded = round(score, 2) if score is not None else None
        sections.append(SectionScore(section.id, rounded, answered, scored))
    total = _weighted_total(raw)
    band = template.band(total) if total is not None else None
    return AuditScore(total, band, tuple(sections), tuple(gaps))


def _weighted_total(counted: list[tuple[float, float]]) -> float | None:
    if not counted:
        return None
    total_weight = sum(weight for weight, _ in counted)
    return round(sum(weight * score for weight, score in counted) / total_weight, 2)


def score_of(template: Template, answers: Sequence[Any]) -> AuditScore:
    """The score of answers: rows or objects with question_id, value and not_applicable."""
    values = {row.question_id: AnswerValue(row.value, row.not_applicable) for row in answers}
    return score_audit(template, values)
