"""Routes for audit templates, audits, answers, evidence, review and comparisons."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from service.accounts.models import Role
from service.audits import access, comparison, queries, service, views
from service.audits.access import AuditDep, EvidenceDep, UnlockedAuditDep
from service.audits.evidence_store import (
    StoredFile,
    UnsupportedMediaType,
    UploadTooLarge,
    safe_download_name,
    store_upload,
)
from service.audits.models import (
    AnswersIn,
    AuditCreate,
    AuditPublic,
    AuditSummary,
    AuditTransition,
    AuditTrigger,
    Evidence,
    EvidencePublic,
)
from service.audits.template_views import TemplatePublic, TemplateSummary, template_public
from service.audits.templates import template_registry
from service.deps import READ, WRITE, CallerDep, EngagementDep, VersionDep, etag
from service.engagements import access as engagement_access
from service.engagements.views import triggers
from service.errors import Forbidden, NotFound, PayloadTooLarge, UnsupportedMedia, problems
from service.pagination import (
    SORT_HELP,
    CreationSort,
    LimitQuery,
    Page,
    sorted_cursor_query,
)
from service.settings import get_settings
from service.storage import storage_for
from workflows import available_for_audit

router = APIRouter(tags=["audits"])
AuditCursor = Annotated[str | None, sorted_cursor_query(queries.AUDITS)]
QuestionQuery = Annotated[str, Query(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
FilenameQuery = Annotated[str, Query(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]
BINARY_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.get("/audit-templates", response_model=list[TemplateSummary], responses=problems(401))
def list_templates(caller: CallerDep) -> list[dict[str, Any]]:
    """Every shipped template version: id, version, titles, which firms it applies to."""
    return views.template_summaries()


@router.get(
    "/audit-templates/{template_id}/versions/{version}",
    response_model=TemplatePublic,
    responses=problems(401, 404, 422),
)
def read_template(template_id: str, version: int, caller: CallerDep) -> TemplatePublic:
    """One template version in full, with every text in English, Spanish and French; each
    question typed by `type`, which says how it is answered."""
    template = template_registry().get((template_id, version))
    if template is None:
        raise NotFound(f"no template {template_id} version {version}")
    return template_public(template)


@router.post(
    "/engagements/{engagement_id}/audits",
    response_model=AuditPublic,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 404, 409, 422),
)
def create_audit(
    data: AuditCreate, engagement: EngagementDep, caller: CallerDep, response: Response
) -> AuditPublic:
    """Start a draft audit of a candidate (or of the buyer) from a template version."""
    engagement_access.require_action(caller.user, engagement)
    audit = service.create_audit(
        session=caller.session, actor=caller.user, engagement=engagement, data=data
    )
    etag(response, audit.version)
    return views.audit_public(caller.session, audit)


@router.get(
    "/engagements/{engagement_id}/audits", response_model=Page[AuditSummary], responses=READ
)
def list_audits(
    engagement: EngagementDep,
    caller: CallerDep,
    sort: Annotated[CreationSort, Query(description=SORT_HELP)] = CreationSort.created_at,
    cursor: AuditCursor = None,
    limit: LimitQuery = 50,
) -> Page[AuditSummary]:
    """The engagement's audits the caller may see, oldest first unless `sort` says
    otherwise, with their scores (read an audit for its answers and evidence)."""
    audits = queries.audits_of(caller.session, caller.user, engagement)
    return queries.AUDITS.page_after(
        audits, sort, cursor, limit, lambda rows: views.audit_summaries(caller.session, rows)
    )


@router.get("/engagements/{engagement_id}/comparison", responses=READ)
def compare_candidates(
    engagement: EngagementDep,
    caller: CallerDep,
    template_id: Annotated[
        str, Query(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)
    ] = "supplier-evaluation",
    template_version: Annotated[int, Query(ge=1, le=1000)] = 1,
) -> dict[str, Any]:
    """Candidates ranked by latest reviewed evaluation, with sections and before/after deltas."""
    engagement_access.require_unit_view(caller.user)
    template = service.template_for(template_id, template_version)
    return comparison.compare(caller.session, engagement, template)


@router.get("/audits/{audit_id}", response_model=AuditPublic, responses=READ)
def read_audit(found: AuditDep, caller: CallerDep, response: Response) -> AuditPublic:
    """One audit with its answers, evidence and scores; its ETag is the version for If-Match."""
    etag(response, found[0].version)
    return views.audit_public(caller.session, found[0])


@router.put("/audits/{audit_id}/answers", response_model=AuditPublic, responses=WRITE)
def save_answers(
    data: AnswersIn, found: AuditDep, version: VersionDep, caller: CallerDep, response: Response
) -> AuditPublic:
    """Save answers in bulk; each is checked against its question's type, or none is saved."""
    audit, engagement = found
    engagement_access.require_action(caller.user, engagement)
    audit = service.save_answers(
        session=caller.session,
        actor=caller.user,
        audit=audit,
        answers=data.answers,
        version=version,
    )
    etag(response, audit.version)
    return views.audit_public(caller.session, audit)


@router.get("/audits/{audit_id}/transitions", responses=READ)
def audit_transitions(found: AuditDep, caller: CallerDep) -> list[Any]:
    """submit, review and reopen: whether each is allowed now and what blocks it."""
    audit, engagement = found
    return triggers(available_for_audit(service.snapshot(caller.session, audit, engagement)))


@router.post(
    "/audits/{audit_id}/transitions/{trigger}", response_model=AuditPublic, responses=WRITE
)
def transition_audit(
    trigger: AuditTrigger,
    found: AuditDep,
    version: VersionDep,
    caller: CallerDep,
    response: Response,
    data: AuditTransition | None = None,
) -> AuditPublic:
    """Submit (lists what is missing), review and lock, or reopen (administrators, with reason)."""
    audit, engagement = found
    if not (caller.has_role(Role.admin) or access.may_write(caller.user, engagement, audit)):
        raise Forbidden("only an administrator or the engagement's broker may do this")
    audit = service.transition_audit(
        session=caller.session,
        actor=caller.user,
        engagement=engagement,
        audit=audit,
        trigger=trigger.value,
        reason=data.reason if data else None,
        version=version,
    )
    etag(response, audit.version)
    return views.audit_public(caller.session, audit)


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
    found: UnlockedAuditDep,
) -> Evidence:
    """Upload one file (the raw body) as evidence: PDF, JPEG, PNG, XLSX, DOCX or CSV."""
    audit, engagement = found
    engagement_access.require_action(caller.user, engagement)
    await run_in_threadpool(
        lambda: service.ready_for_upload(
            session=caller.session, audit=audit, question_id=question_id
        )
    )
    stored = await _stored_body(request)
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


MULTIPART_REFUSED = (
    "multipart form uploads are not accepted: send the file itself as the request body "
    "(Content-Type: application/octet-stream), with question_id and filename in the query"
)


async def _stored_body(request: Request) -> StoredFile:
    """The request body stored under the size cap and typed by its bytes; 413 or 415."""
    settings = get_settings()
    if request.headers.get("content-type", "").lower().startswith("multipart/"):
        raise UnsupportedMedia(MULTIPART_REFUSED)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > settings.upload_max_bytes:
        raise PayloadTooLarge(f"the file is larger than {settings.upload_max_bytes} bytes")
    try:
        return await store_upload(
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


@router.get(
    "/audits/{audit_id}/evidence/{evidence_id}",
    response_class=FileResponse,
    responses={200: {"content": {"application/octet-stream": {}}}, **problems(401, 404, 410, 422)},
)
def download_evidence(evidence: EvidenceDep) -> Response:
    """The file as stored, always as an attachment, never sniffed or rendered by the browser;
    410 when its file is missing from storage."""
    return views.evidence_download(evidence)
