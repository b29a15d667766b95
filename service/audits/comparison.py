"""Comparisons: candidates ranked by their reviewed audits, and before/after deltas."""

from collections import defaultdict
from typing import Any

from sqlmodel import Session, col, select

from service.audits.models import Answer, Audit, AuditPurpose
from service.audits.scoring import AuditScore, score_of
from service.audits.templates import Template
from service.engagements.models import Engagement
from service.engagements.views import organization_names
from workflows import AuditState

BEFORE = (AuditPurpose.evaluation, AuditPurpose.baseline)


def compare(session: Session, engagement: Engagement, template: Template) -> dict[str, Any]:
    """Rank firms by their latest reviewed evaluation; before/after where a final exists."""
    audits = _reviewed(session, engagement, template)
    scores = _scores(session, template, audits)
    names = organization_names(session, (audit.organization_id for audit in audits))
    before = _latest(audits, BEFORE)
    after = _latest(audits, (AuditPurpose.final,))
    ranked = sorted(before.values(), key=lambda a: -(scores[a.id].total or 0))
    candidates = [
        {
            "rank": rank,
            "organization_id": a.organization_id,
            "name": names.get(a.organization_id, ""),
            "participation_id": a.participation_id,
            "audit_id": a.id,
            **_summary(template, scores[a.id]),
        }
        for rank, a in enumerate(ranked, start=1)
    ]
    deltas = [
        _delta(
            template,
            names.get(firm, ""),
            before[firm],
            scores[before[firm].id],
            after[firm],
            scores[after[firm].id],
        )
        for firm in after
        if firm in before
    ]
    return {
        "template_id": template.id,
        "template_version": template.version,
        "candidates": candidates,
        "before_after": deltas,
    }


def _reviewed(session: Session, engagement: Engagement, template: Template) -> list[Audit]:
    statement = (
        select(Audit)
        .where(
            Audit.engagement_id == engagement.id,
            Audit.template_id == template.id,
            Audit.template_version == template.version,
            Audit.state == AuditState.reviewed,
        )
        .order_by(col(Audit.reviewed_at), col(Audit.created_at))
    )
    return list(session.exec(statement).all())


def _scores(session: Session, template: Template, audits: list[Audit]) -> dict[Any, AuditScore]:
    answers: dict[Any, list[Answer]] = defaultdict(list)
    if audits:
        statement = select(Answer).where(col(Answer.audit_id).in_([a.id for a in audits]))
        for row in session.exec(statement).all():
            answers[row.audit_id].append(row)
    return {audit.id: score_of(template, answers[audit.id]) for audit in audits}


def _latest(audits: list[Audit], purposes: tuple[AuditPurpose, ...]) -> dict[Any, Audit]:
    latest: dict[Any, Audit] = {}
    for audit in audits:  # oldest first, so the last one kept is the newest
        if audit.purpose in purposes:
            latest[audit.organization_id] = audit
    return latest


def _summary(template: Template, score: AuditScore) -> dict[str, Any]:
    titles = {section.id: section.title.en for section in template.sections}
    return {
        "total": score.total,
        "band": score.band,
        "critical_gaps": list(score.critical_gaps),
        "sections": [
            {"section_id": s.section_id, "title": titles[s.section_id], "score": s.score}
            for s in score.sections
        ],
    }


def _delta(
    template: Template,
    name: str,
    before: Audit,
    before_score: AuditScore,
    after: Audit,
    after_score: AuditScore,
) -> dict[str, Any]:
    def diff(old: float | None, new: float | None) -> float | None:
        return round(new - old, 2) if old is not None and new is not None else None

    sections = [
        {
            "section_id": old.section_id,
            "before": old.score,
            "after": new.score,
            "delta": diff(old.score, new.score),
        }
        for old, new in zip(before_score.sections, after_score.sections, strict=True)
    ]
    return {
        "name": name,
        "before_audit_id": before.id,
        "after_audit_id": after.id,
        "before_total": before_score.total,
        "after_total": after_score.total,
        "delta_total": diff(before_score.total, after_score.total),
        "sections": sections,
    }
