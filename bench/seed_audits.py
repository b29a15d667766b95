"""Audits from the shipped templates: every answer valid for its question's type, evidence for
the questions that require it, the audit's events, and its score by the service's scoring."""

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bench.seed_rows import Row, changed
from bench.seed_story import Story, Track
from service.audits.evidence_store import open_stored
from service.audits.models import Answer, Audit, AuditPurpose, Evidence
from service.audits.scoring import AnswerValue, AuditScore, score_audit
from service.audits.templates import Template
from service.demo.fieldwork import CONSTRAINTS, KPI_VALUES, RECORDS_CSV
from service.history import EventKind
from workflows import AuditState

# A plausible measured value for each KPI a number question may feed, by maturity level.
NUMBERS = {**KPI_VALUES, "local_purchases": lambda level: 400_000 * (level + 1)}
# How far one answer strays from the firm's maturity, in scale levels, and how often.
NOISE = (-1, 0, 0, 0, 1)
NOT_APPLICABLE_SHARE = 0.03
NOT_APPLICABLE_WHY = "Does not apply: the firm subcontracts this work."
TEXTS = (
    CONSTRAINTS,
    "Working capital is short; orders are financed by the owner.",
    "Skilled operators leave for the capital; training is lost with them.",
    "Raw materials are imported and arrive late in the rainy season.",
)
# Every bench evidence row points at this one small file, stored once per seed.
EVIDENCE_SHA256 = hashlib.sha256(RECORDS_CSV).hexdigest()
EVIDENCE_KEY = f"{EVIDENCE_SHA256[:2]}/{EVIDENCE_SHA256[:32]}"


@dataclass(frozen=True)
class Question:
    """What the seed needs to know to answer one question of a template."""

    id: str
    type: str
    options: tuple[str, ...]
    kpi: str | None
    needs_evidence: bool
    critical: bool


@dataclass(frozen=True)
class AuditDays:
    """The day offsets an audit was created, submitted and reviewed on (None: not yet)."""

    created: int
    submitted: int | None = None
    reviewed: int | None = None


_QUESTIONS: dict[tuple[str, int], tuple[Question, ...]] = {}


def questions_of(template: Template) -> tuple[Question, ...]:
    """The template's questions in order, read once per template version."""
    key = (template.id, template.version)
    if key not in _QUESTIONS:
        _QUESTIONS[key] = _read_questions(template)
    return _QUESTIONS[key]


def _read_questions(template: Template) -> tuple[Question, ...]:
    return tuple(
        Question(
            id=question.id,
            type=question.type,
            options=tuple(option.id for option in question.options or []),
            kpi=question.kpi,
            needs_evidence=question.evidence == "required",
            critical=question.critical,
        )
        for _section, question in template.questions()
    )


def store_evidence_file(upload_dir: Any) -> None:
    """The one evidence file every bench evidence row points at, where uploads are kept."""
    path = open_stored(upload_dir, EVIDENCE_KEY)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.write_bytes(RECORDS_CSV)
    path.chmod(0o600)


def write_audit(
    story: Story,
    track: Track,
    template: Template,
    purpose: AuditPurpose,
    days: AuditDays,
    complete: bool = True,
) -> tuple[Row, AuditScore]:
    """An audit of the firm made by the broker: created, answered in two saves (one when it
    is still incomplete), then submitted and reviewed on the days given."""
    created_at = story.calendar.at(days.created, 9)
    audit = story.rows.add(
        Audit,
        programme_id=story.engagement["programme_id"],
        engagement_id=story.engagement["id"],
        participation_id=track.participation["id"] if track.participation else None,
        organization_id=track.organization["id"],
        template_id=template.id,
        template_version=template.version,
        purpose=purpose,
        created_by=story.broker["id"],
        created_at=created_at,
        updated_at=created_at,
    )
    _event(story, track, audit, (days.created, 9), "audit_created", (None, "draft"), purpose)
    maturity = min(4, track.maturity + (1 if purpose == AuditPurpose.final else 0))
    values = _answers(story, track, audit, template, maturity, days.created, complete)
    if days.submitted is not None:
        at = _event(story, track, audit, (days.submitted, 15), "submit", ("draft", "submitted"))
        changed(audit, at, state=AuditState.submitted)
    if days.reviewed is not None:
        at = _event(story, track, audit, (days.reviewed, 11), "review", ("submitted", "reviewed"))
        changed(audit, at, state=AuditState.reviewed, reviewed_at=at)
    return audit, score_audit(template, values)


def _answers(
    story: Story,
    track: Track,
    audit: Row,
    template: Template,
    maturity: int,
    created: int,
    complete: bool,
) -> dict[str, AnswerValue]:
    """Half the questions saved the day after creation, the rest two days later; a complete
    audit then gets its required evidence."""
    questions = questions_of(template)
    half = len(questions) // 2
    saves = [(questions[:half], (created + 1, 11))]
    if complete:
        saves.append((questions[half:], (created + 3, 15)))
    values: dict[str, AnswerValue] = {}
    for batch, when in saves:
        at = story.calendar.at(*when)
        for question in batch:
            values[question.id] = _answer(story, audit, question, template, maturity, at)
        changed(audit, at)
    if complete:
        for question in questions:
            if question.needs_evidence and not values[question.id].not_applicable:
                _evidence(story, track, audit, question, created + 3)
    return values


def _answer(
    story: Story, audit: Row, question: Question, template: Template, maturity: int, at: Any
) -> AnswerValue:
    rng = story.rows.rng
    not_applicable = not question.critical and rng.random() < NOT_APPLICABLE_SHARE
    value = None if not_applicable else _value(question, template, maturity, rng)
    story.rows.add(
        Answer,
        audit_id=audit["id"],
        question_id=question.id,
        value=value,
        not_applicable=not_applicable,
        comment=NOT_APPLICABLE_WHY if not_applicable else None,
        answered_by=story.broker["id"],
        answered_at=at,
    )
    return AnswerValue(value, not_applicable)


def _value(question: Question, template: Template, maturity: int, rng: Any) -> Any:
    """A value of the question's type, as the service stores it, near the firm's maturity."""
    low, high = template.scale.min, template.scale.max
    level = max(low, min(high, maturity + rng.choice(NOISE)))
    if question.type == "scale":
        return level
    if question.type == "yes_no":
        return rng.random() < (level - low + 0.5) / (high - low + 1)
    if question.type == "choice":
        index = (level - low) * len(question.options) // (high - low + 1)
        return question.options[index]
    if question.type == "number":
        compute = NUMBERS.get(question.kpi or "")
        return str(Decimal(compute(level)) if compute else Decimal(10 + 5 * level))
    return rng.choice(TEXTS)


def _evidence(story: Story, track: Track, audit: Row, question: Question, day: int) -> None:
    filename = f"{question.id}-records.csv"
    at = story.calendar.at(day, 16)
    story.rows.add(
        Evidence,
        audit_id=audit["id"],
        question_id=question.id,
        filename=filename,
        media_type="text/csv",
        size=len(RECORDS_CSV),
        sha256=EVIDENCE_SHA256,
        storage_key=EVIDENCE_KEY,
        uploaded_by=story.broker["id"],
        created_at=at,
    )
    reason = f"{question.id}: {filename} ({EVIDENCE_SHA256[:12]})"
    _event(story, track, audit, (day, 16), "add_evidence", reason=reason)
    changed(audit, at)


def _event(
    story: Story,
    track: Track,
    audit: Row,
    when: tuple[int, int],
    trigger: str,
    states: tuple[str | None, str | None] = (None, None),
    reason: str | None = None,
) -> Any:
    return story.event(
        story.broker,
        EventKind.audit,
        when,
        trigger,
        states,
        track=track,
        audit=audit,
        reason=reason,
    )
