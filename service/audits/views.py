"""Public shapes of audits: answers, evidence and scores with section titles."""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from fastapi.responses import FileResponse, Response, StreamingResponse
from sqlmodel import Session, col, select

from service.audits import queries, service
from service.audits.evidence_store import open_stored
from service.audits.models import (
    Answer,
    Audit,
    AuditPublic,
    AuditSummary,
    Evidence,
    ScorePublic,
    SectionScorePublic,
)
from service.audits.scoring import AuditScore, score_of
from service.audits.templates import Template, template_registry
from service.engagements.views import organization_names
from service.errors import Gone
from service.settings import get_settings
from service.storage import storage_for
from service.types import as_number


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
            "answers": [answer_public(template, row._asdict()) for row in answers],
            "evidence": [row._asdict() for row in queries.evidence_of(session, audit)],
        }
    )


def answer_public(template: Template, answer: dict[str, Any]) -> dict[str, Any]:
    """An answer as it is sent: a number question's exact decimal text as a JSON number."""
    question = template.question(answer["question_id"])
    if question is not None and question.type == "number" and isinstance(answer["value"], str):
        return {**answer, "value": as_number(answer["value"])}
    return answer


def audit_summaries(session: Session, audits: Sequence[Audit]) -> list[AuditSummary]:
    """Many audits with their scores, answers loaded in one query (no answers or evidence
    listed)."""
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
            AuditSummary.model_validate(
                {
                    **audit.model_dump(),
                    "organization_name": names.get(audit.organization_id, ""),
                    "score": score_public(template, score),
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


def evidence_download(evidence: Evidence) -> Response:
    """The stored file as an attachment (streamed from object storage, or sent from the local
    folder); 410 naming the evidence when its file is missing."""
    open_stored(get_settings().upload_dir, evidence.storage_key)  # refuses a malformed key
    storage = storage_for("evidence")
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
    path = storage.local_path(evidence.storage_key)
    if path is not None and path.is_file():
        return FileResponse(
            path,
            media_type=evidence.media_type,
            filename=evidence.filename,
            content_disposition_type="attachment",
            headers=headers,
        )
    if path is not None or not storage.exists(evidence.storage_key):
        raise Gone(
            f"the file of evidence {evidence.id} is missing from storage; "
            "restore it from a backup (`supplierdev check` lists every missing file)"
        )
    headers["Content-Disposition"] = attachment(evidence.filename)
    return StreamingResponse(
        storage.iter_bytes(evidence.storage_key), media_type=evidence.media_type, headers=headers
    )


def attachment(filename: str) -> str:
    """A Content-Disposition for a download, as Starlette's FileResponse writes it."""
    quoted = quote(filename)
    if quoted != filename:
        return f"attachment; filename*=utf-8''{quoted}"
    return f'attachment; filename="{filename}"'
