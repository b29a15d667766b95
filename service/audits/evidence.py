"""Routes for evidence files: streamed upload under a size cap, typed by bytes; private download."""

import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import FileResponse, Response, StreamingResponse
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from service.accounts.models import User
from service.audits import access, service
from service.audits.evidence_store import (
    UnsupportedMediaType,
    UploadTooLarge,
    open_stored,
    safe_download_name,
    store_upload,
)
from service.audits.models import Audit, Evidence, EvidencePublic
from service.deps import CallerDep
from service.engagements import access as engagement_access
from service.engagements.models import Engagement
from service.errors import Conflict, Gone, NotFound, PayloadTooLarge, UnsupportedMedia, problems
from service.settings import get_settings
from service.storage import storage_for
from workflows import AuditState

router = APIRouter(tags=["audits"])
QuestionQuery = Annotated[str, Query(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
FilenameQuery = Annotated[str, Query(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]
BINARY_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def unlocked_audit(audit_id: uuid.UUID, caller: CallerDep) -> tuple[Audit, Engagement]:
    """The audit for an upload: visible, but not locked while the file streams in."""
    return access.get_visible_audit(caller.session, caller.user, audit_id, for_update=False)


def _check_upload(
    session: Session, user: User, audit: Audit, engagement: Engagement, question_id: str
) -> None:
    engagement_access.require_action(user, engagement)
    if audit.state != AuditState.draft:
        raise Conflict(
            f"the audit is {audit.state.value}; evidence is added to drafts",
            blocked_by=[f"the audit is {audit.state.value}"],
        )
    template = service.template_for(audit.template_id, audit.template_version)
    if template.question(question_id) is None:
        raise NotFound(f"no question {question_id} in {template.id}", field="question_id")
    # End the read transaction: no lock or connection is held while the file streams in.
    session.commit()


@router.post(
    "/audits/{audit_id}/evidence",
    response_model=EvidencePublic,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 404, 409, 413, 415, 422),
    openapi_extra=BINARY_BODY,
)
async def upload_evidence(
    request: Request,
    question_id: QuestionQuery,
    filename: FilenameQuery,
    caller: CallerDep,
    found: Annotated[tuple[Audit, Engagement], Depends(unlocked_audit)],
) -> Evidence:
    """Upload one file (the raw body) as evidence: PDF, JPEG, PNG, XLSX, DOCX or CSV."""
    audit, engagement = found
    await run_in_threadpool(
        _check_upload, caller.session, caller.user, audit, engagement, question_id
    )
    settings = get_settings()
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > settings.upload_max_bytes:
        raise PayloadTooLarge(f"the file is larger than {settings.upload_max_bytes} bytes")
    try:
        stored = await store_upload(
            request.stream(),
            settings.upload_dir,
            settings.upload_max_bytes,
            storage_for("evidence"),
        )
    except UploadTooLarge as error:
        raise PayloadTooLarge(f"the file is larger than {error.limit} bytes") from error
    except UnsupportedMediaType as error:
        raise UnsupportedMedia(
            f"accepted: PDF, JPEG, PNG, XLSX, DOCX, CSV; this is {error.detail}"
        ) from error
    name = safe_download_name(filename, stored.media_type)
    try:
        return await run_in_threadpool(
            service.add_evidence,
            session=caller.session,
            actor=caller.user,
            audit=audit,
            question_id=question_id,
            filename=name,
            stored=stored,
        )
    except BaseException:
        # Refused or failed: keep no file that no row points to.
        await run_in_threadpool(storage_for("evidence").delete, stored.storage_key)
        raise


def _visible_evidence(audit_id: uuid.UUID, evidence_id: uuid.UUID, caller: CallerDep) -> Evidence:
    audit, _engagement = access.get_visible_audit(
        caller.session, caller.user, audit_id, for_update=False
    )
    evidence = caller.session.get(Evidence, evidence_id)
    if evidence is None or evidence.audit_id != audit.id:
        raise NotFound("no such evidence")
    return evidence


@router.get(
    "/audits/{audit_id}/evidence/{evidence_id}",
    response_class=FileResponse,
    responses={200: {"content": {"application/octet-stream": {}}}, **problems(401, 404, 410, 422)},
)
def download_evidence(evidence: Annotated[Evidence, Depends(_visible_evidence)]) -> Response:
    """The file as stored, always as an attachment, never sniffed or rendered by the browser."""
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
