"""What an audit page shows: the template's sections in the page's language, the answers so
far, each section's progress, the live scores and the audit's transitions."""

from typing import Any

from sqlmodel import Session

from service.audits import service, views
from service.audits.models import Audit
from service.engagements.models import Engagement
from service.settings import get_settings
from service.web.reasons import all_translated
from service.web.sessions import Viewer
from workflows import available_for_audit


def text(texts: Any, language: str) -> str:
    """A template text in the language, English when it has none."""
    return str(getattr(texts, language, None) or texts.en)


def audit_page(
    page: Viewer, audit: Audit, engagement: Engagement, section_id: str | None
) -> dict[str, Any]:
    """The audit, one section of its template at a time."""
    template = service.template_for(audit.template_id, audit.template_version)
    public = views.audit_public(page.session, audit)
    answers = {answer.question_id: answer for answer in public.answers}
    sections = template.sections
    section = next((s for s in sections if s.id == section_id), sections[0])
    checks = available_for_audit(service.snapshot(page.session, audit, engagement))
    scores = {row.section_id: row for row in public.score.sections}
    progress = {
        s.id: (sum(1 for q in s.questions if q.id in answers), len(s.questions)) for s in sections
    }
    return {
        "audit": public,
        "engagement": engagement,
        "template": template,
        "sections": sections,
        "section": section,
        "answers": answers,
        "scores": scores,
        "progress": progress,
        "evidence": [
            row
            for row in public.evidence
            if any(row.question_id == q.id for q in section.questions)
        ],
        "checks": [(check, all_translated(check.blocked_by, page.language)) for check in checks],
        "text": lambda texts: text(texts, page.language),
        "may_write": page.user.role == "admin" or page.user.id == engagement.broker_id,
        "upload_limit": get_settings().upload_max_bytes,
        "megabytes": f"{get_settings().upload_max_bytes / (1024 * 1024):g}",
        "accepted": ".pdf,.jpg,.jpeg,.png,.xlsx,.docx,.csv",
    }


def templates_for_suppliers(language: str) -> list[tuple[str, str]]:
    """The templates an evaluation of a supplier can use, as form choices (`id:version`)."""
    return [
        (
            f"{row['id']}:{row['version']}",
            f"{row['title'].get(language) or row['title']['en']} (v{row['version']})",
        )
        for row in views.template_summaries()
        if "supplier" in row["applies_to"]
    ]


def audits_of(session: Session, rows: list[Audit]) -> list[Any]:
    """The engagement's audits with their scores, for its page."""
    return views.audit_summaries(session, rows)
