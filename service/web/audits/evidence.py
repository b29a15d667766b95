"""Evidence on the audit page: the raw upload stored under the size cap and typed by its
bytes, its refusals in the user's language, and one question's evidence list."""

import uuid
from typing import Any

from fastapi import Request
from sqlmodel import Session

from service.audits import access, queries, service
from service.audits.evidence_store import UnsupportedMediaType, UploadTooLarge, store_upload
from service.audits.models import Audit, Evidence
from service.errors import NotFound, PayloadTooLarge, ProblemError, UnsupportedMedia
from service.settings import get_settings
from service.storage import storage_for
from service.web.audits.views import text
from service.web.errors import MESSAGES
from service.web.labels import N_
from service.web.sessions import Viewer
from service.web.templating import gettext

ACCEPTED = ".pdf,.jpg,.jpeg,.png,.xlsx,.docx,.csv"
TOO_LARGE = N_("The file is larger than %(megabytes)s MB; choose a smaller one.")
WRONG_TYPE = N_("This type of file is not accepted: choose a PDF, JPEG, PNG, XLSX, DOCX or CSV.")
NOT_DRAFT = N_("Evidence is added while the audit is a draft.")


async def stored_body(request: Request) -> Any:
    """The request body stored under the size cap and typed by its bytes; 413 or 415."""
    limit = get_settings().upload_max_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the file is larger than {limit} bytes")
    try:
        return await store_upload(
            request.stream(), get_settings().upload_dir, limit, storage_for("evidence")
        )
    except UploadTooLarge as error:
        raise PayloadTooLarge(f"the file is larger than {error.limit} bytes") from error
    except UnsupportedMediaType as error:
        raise UnsupportedMedia(f"this is {error.detail}") from error


def megabytes() -> str:
    """The upload limit in megabytes, as the messages say it."""
    return f"{get_settings().upload_max_bytes / (1024 * 1024):g}"


def message(problem: ProblemError, language: str) -> str:
    """Why an upload was refused, in words."""
    if problem.status == 413:
        return gettext(language, TOO_LARGE, megabytes=megabytes())
    if problem.status == 415:
        return gettext(language, WRONG_TYPE)
    if problem.status == 409:
        return gettext(language, NOT_DRAFT)
    return gettext(language, MESSAGES.get(problem.status, MESSAGES[500]))


def question_context(page: Viewer, audit_id: uuid.UUID, question_id: str) -> dict[str, Any]:
    """One question of the audit with its evidence files, for its part of the page."""
    page.session.rollback()
    audit, engagement = access.get_visible_audit(page.session, page.user, audit_id, False)
    template = service.template_for(audit.template_id, audit.template_version)
    question = template.question(question_id)
    if question is None:
        raise NotFound("no such question")
    public = queries.evidence_of(page.session, audit)
    return {
        "audit": audit,
        "q": question,
        "evidence": [row for row in public if row.question_id == question_id],
        "editable": access.may_write(page.user, engagement, audit) and audit.state == "draft",
        "upload_limit": get_settings().upload_max_bytes,
        "megabytes": megabytes(),
        "accepted": ACCEPTED,
        "text": lambda texts: text(texts, page.language),
    }


def of_audit(session: Session, audit: Audit, evidence_id: uuid.UUID) -> Evidence:
    """One evidence file of the audit, else 404."""
    row = session.get(Evidence, evidence_id)
    if row is None or row.audit_id != audit.id:
        raise NotFound("no such evidence")
    return row
