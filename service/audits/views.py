"""Public shapes of audits: answers, evidence and scores with section titles."""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from service.audits import queries, service
from service.audits.models import (
    Answer,
    Audit,
    AuditPublic,
    ScorePublic,
    SectionScorePublic,
)
from service.audits.scoring import AuditScore, score_of
from service.audits.templates import Template, template_registry
from service.engagements.views import organization_names


def score_public(template: Template, score: AuditScore, language: str = "en") -> ScorePublic:
    """A score with its sections' titles in the language."""
    titles = {section.id: getattr(section.title, language) for section in template.sections}
    return ScorePublic(
        total=score.total,
        band=score.band,
        sections=[
            SectionScorePublic(
                section_id=s.section_id,
                title=titles[s.section_id],
                score=s.score,
                answered=s.answered,
                scored_questions=s.scored_questions,
            )
            for s in score.sections
        ],
        critical_gaps=list(score.critical_gaps),
    )


def audit_public(session: Session, audit: Audit) -> AuditPublic:
    """One audit with its firm's name, score, answers and evidence."""
    template = service.template_for(audit.template_id, audit.template_version)
    answers = queries.answers_of(session, audit)
    names = organization_names(session, [audit.organization_id])
    return AuditPublic.model_validate(
        {
            **audit.model_dump(),
            "organization_name": names.get(audit.organization_id, ""),
            "score": score_public(template, score_of(template, answers)),
            "answers": [row._asdict() for row in answers],
            "evidence": [row._asdict() for row in queries.evidence_of(session, audit)],
        }
    )


def audit_summaries(session: Session, audits: Sequence[Audit]) -> list[AuditPublic]:
    """Many audits with their scores, answers loaded in one query (no evidence list)."""
    by_audit: dict[object, list[Any]] = defaultdict(list)
    if audits:
        statement = select(
            Answer.audit_id, Answer.question_id, Answer.value, Answer.not_applicable
        ).where(col(Answer.audit_id).in_([a.id for a in audits]))
        rows: list[Any] = list(session.exec(statement).all())
        for row in rows:
            by_audit[row.audit_id].append(row)
    names = organization_names(session, (audit.organization_id for audit in audits))
    items = []
    for audit in audits:
        template = service.template_for(audit.template_id, audit.template_version)
        score = score_of(template, by_audit[audit.id])
        items.append(
            AuditPublic.model_validate(
                {
                    **audit.model_dump(),
                    "organization_name": names.get(audit.organization_id, ""),
                    "score": score_public(template, score),
                    "answers": [],
                    "evidence": [],
                }
            )
        )
    return items


def template_summaries() -> list[dict[str, Any]]:
    """Every shipped template version: id, version, titles, which firms it applies to."""
    return [
        {
            "id": template.id,
            "version": template.version,
            "title": template.title.model_dump(),
            "applies_to": template.applies_to,
            "sections": len(template.sections),
            "questions": sum(1 for _ in template.questions()),
        }
        for template in template_registry().values()
    ]
