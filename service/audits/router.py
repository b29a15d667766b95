"""Routes for audit templates, audits, answers, evidence, review and comparisons."""

import uuid
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from sqlmodel import col, select

from service.accounts.models import Role
from service.audits import access, comparison, evidence, service, views
from service.audits.models import (
    AnswersIn,
    Audit,
    AuditCreate,
    AuditPublic,
    AuditTransition,
)
from service.audits.templates import template_registry
from service.deps import CallerDep
from service.engagements import access as engagement_access
from service.engagements.models import Engagement
from service.engagements.router import READ, WRITE, EngagementDep, VersionDep, etag
from service.engagements.views import triggers
from service.errors import Forbidden, NotFound, problems
from workflows import available_for_audit

router = APIRouter(tags=["audits"])


class AuditTrigger(StrEnum):
    """What can happen to an audit."""

    submit = "submit"
    review = "review"
    reopen = "reopen"


@router.get("/audit-templates", responses=problems(401))
def list_templates(caller: CallerDep) -> list[dict[str, Any]]:
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


@router.get("/audit-templates/{template_id}/versions/{version}", responses=problems(401, 404, 422))
def read_template(template_id: str, version: int, caller: CallerDep) -> dict[str, Any]:
    """One template version in full, with every text in English, Spanish and French."""
    template = template_registry().get((template_id, version))
    if template is None:
        raise NotFound(f"no template {template_id} version {version}")
    return template.model_dump(by_alias=True)


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


@router.get("/engagements/{engagement_id}/audits", response_model=list[AuditPublic], responses=READ)
def list_audits(engagement: EngagementDep, caller: CallerDep) -> list[AuditPublic]:
    """The engagement's audits the caller may see, with their scores (answers omitted)."""
    statement = (
        select(Audit)
        .where(Audit.engagement_id == engagement.id)
        .order_by(col(Audit.created_at), col(Audit.id))
    )
    audits = [
        a
        for a in caller.session.exec(statement).all()
        if access.may_see(caller.user, engagement, a)
    ]
    return views.audit_summaries(caller.session, audits)


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
    if caller.user.role == Role.supplier:
        raise NotFound("no such resource")
    template = service.template_for(template_id, template_version)
    return comparison.compare(caller.session, engagement, template)


def audit_dep(request: Request, audit_id: uuid.UUID, caller: CallerDep) -> tuple[Audit, Engagement]:
    """The audit and its engagement if the caller may see them, else 404."""
    locking = request.method not in {"GET", "HEAD"}
    return access.get_visible_audit(caller.session, caller.user, audit_id, locking)


AuditDep = Annotated[tuple[Audit, Engagement], Depends(audit_dep)]


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
    return triggers(available_for_audit(service._snapshot(caller.session, audit, engagement)))


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
    if not (caller.has_role(Role.admin) or engagement_access.may_act(caller.user, engagement)):
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


router.include_router(evidence.router)
