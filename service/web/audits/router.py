"""Audit pages: start an audit of a candidate, fill it section by section (saved as the user
goes, through htmx), see progress and live scores, and submit, review or reopen it."""

import uuid
from types import SimpleNamespace
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from service.accounts.models import Role
from service.audits import access, service
from service.audits import views as audit_views
from service.audits.evidence_store import safe_download_name
from service.audits.models import AnswerIn, AnswersIn, AuditCreate, AuditTrigger
from service.engagements import access as engagement_access
from service.errors import Forbidden, NotFound, ProblemError
from service.storage import storage_for
from service.web.audits import evidence
from service.web.audits.views import audit_page
from service.web.errors import MESSAGES
from service.web.reasons import all_translated
from service.web.sessions import FormViewerDep, Viewer, ViewerDep
from service.web.templating import gettext, render

router = APIRouter(include_in_schema=False)
UNIT = (Role.admin, Role.broker)


def _audit(page: Viewer, audit_id: uuid.UUID) -> Any:
    if page.user.role not in UNIT:
        raise NotFound("no such audit")  # firms' views of audits come with their portals
    return access.get_visible_audit(page.session, page.user, audit_id, page.request.method != "GET")


def _show(
    page: Viewer,
    audit_id: uuid.UUID,
    section: str | None,
    status: int = 200,
    typed: dict[str, Any] | None = None,
    **extra: Any,
) -> Response:
    """The audit page, or its section for htmx; `typed` answers (a refused save's) are shown
    over the saved ones, so nothing the user typed is lost."""
    audit, engagement = _audit(page, audit_id)
    partial = bool(page.request.headers.get("HX-Request"))
    name = "audit_section.html" if partial else "audit.html"
    context = audit_page(page, audit, engagement, section)
    context["answers"] = {**context["answers"], **(typed or {})}
    return render(
        page.request, name, page.language, page, status=status, partial=partial, **context, **extra
    )


@router.post("/engagements/{engagement_id}/audits")
def start_audit(engagement_id: uuid.UUID, page: FormViewerDep) -> Response:
    """Start a draft evaluation audit of a candidate from a template version."""
    engagement = engagement_access.get_visible_engagement(
        page.session, page.user, engagement_id, True
    )
    template_id, _, version = page.form.get("template", "").partition(":")
    try:
        engagement_access.require_action(page.user, engagement)
        data = AuditCreate.model_validate(
            {
                "participation_id": page.form.get("participation_id") or None,
                "template_id": template_id,
                "template_version": int(version or 0),
                "purpose": "evaluation",
            }
        )
        audit = service.create_audit(
            session=page.session, actor=page.user, engagement=engagement, data=data
        )
    except (ValueError, ProblemError):
        page.session.rollback()
        return RedirectResponse(
            f"/engagements/{engagement_id}?audit=refused#audits", status_code=303
        )
    return RedirectResponse(f"/audits/{audit.id}", status_code=303)


@router.get("/audits/{audit_id}")
def audit(audit_id: uuid.UUID, page: ViewerDep, section: str | None = None) -> Response:
    """One section of the audit with its questions, answers, progress and scores."""
    return _show(page, audit_id, section)


def _answers(page: Viewer, questions: list[Any]) -> list[AnswerIn]:
    """The section's answers as the form sent them, typed as the questions ask."""
    answers = []
    for question in questions:
        raw = page.form.get(f"q-{question.id}", "").strip()
        if page.form.get(f"na-{question.id}"):
            answers.append(AnswerIn(question_id=question.id, not_applicable=True))
            continue
        if raw == "":
            continue
        value: Any = raw
        if question.type == "scale":
            value = int(raw)
        elif question.type == "yes_no":
            value = raw == "yes"
        elif question.type == "number":
            value = _number(raw)
        answers.append(AnswerIn(question_id=question.id, value=value))
    return answers


def _typed(page: Viewer, questions: list[Any]) -> dict[str, Any]:
    """What the form held for each question, shaped as the page shows an answer."""
    typed = {}
    for question in questions:
        raw = page.form.get(f"q-{question.id}", "").strip()
        value: Any = raw
        if question.type == "scale" and raw.isdigit():
            value = int(raw)
        elif question.type == "yes_no" and raw:
            value = raw == "yes"
        not_applicable = bool(page.form.get(f"na-{question.id}"))
        if raw or not_applicable:
            typed[question.id] = SimpleNamespace(value=value, not_applicable=not_applicable)
    return typed


def _number(raw: str) -> int | float | str:
    """A number typed in the page (a decimal comma too) as a number; the raw text when it is
    none, so the service names the question."""
    text = raw.replace(",", ".")
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return raw


@router.post("/audits/{audit_id}/answers")
def save_answers(audit_id: uuid.UUID, page: FormViewerDep) -> Response:
    """Save the section's answers; a stale or refused save shows why and keeps the page."""
    audit, engagement = _audit(page, audit_id)
    section_id = page.form.get("section")
    template = service.template_for(audit.template_id, audit.template_version)
    section = next((s for s in template.sections if s.id == section_id), None)
    if section is None:
        raise NotFound("no such section")
    try:
        if not access.may_write(page.user, engagement, audit):
            raise Forbidden("only an administrator or the engagement's broker may do this")
        data = AnswersIn(answers=_answers(page, section.questions))
        service.save_answers(
            session=page.session, actor=page.user, audit=audit, answers=data.answers,
            version=int(page.form.get("version", "0")),
        )  # fmt: skip
    except (ValueError, ProblemError) as error:
        page.session.rollback()
        status = error.status if isinstance(error, ProblemError) else 422
        message = gettext(page.language, MESSAGES.get(status, MESSAGES[500]))
        detail = [error.detail] if isinstance(error, ProblemError) else []
        typed = _typed(page, section.questions)
        return _show(page, audit_id, section.id, status, typed, error=message, error_reasons=detail)
    if page.request.headers.get("HX-Request"):
        return _show(page, audit_id, section.id, saved=True)
    return RedirectResponse(f"/audits/{audit_id}?section={section.id}", status_code=303)


@router.post("/audits/{audit_id}/transitions/{trigger}")
def transition(audit_id: uuid.UUID, trigger: AuditTrigger, page: FormViewerDep) -> Response:
    """Submit, review or reopen (administrators, with a reason); refused, the page says why."""
    audit, engagement = _audit(page, audit_id)
    try:
        if not (page.user.role == Role.admin or access.may_write(page.user, engagement, audit)):
            raise Forbidden("only an administrator or the engagement's broker may do this")
        service.transition_audit(
            session=page.session, actor=page.user, engagement=engagement, audit=audit,
            trigger=trigger.value, reason=page.form.get("reason") or None,
            version=int(page.form.get("version", "0")),
        )  # fmt: skip
    except (ValueError, ProblemError) as error:
        page.session.rollback()
        status = error.status if isinstance(error, ProblemError) else 422
        reasons = error.extra.get("blocked_by", []) if isinstance(error, ProblemError) else []
        return _show(
            page, audit_id, page.form.get("section"), status=status,
            error=gettext(page.language, MESSAGES.get(status, MESSAGES[500])),
            error_reasons=all_translated(reasons, page.language),
        )  # fmt: skip
    return RedirectResponse(f"/audits/{audit_id}", status_code=303)


@router.post("/audits/{audit_id}/evidence")
async def upload_evidence(
    audit_id: uuid.UUID, request: Request, page: FormViewerDep, question_id: str = ""
) -> Response:
    """Store the raw body as evidence of a question (the page's script sends the file the
    user chose or dropped); answers with the question's evidence list, or its error inline."""
    audit, engagement = await run_in_threadpool(_unlocked_audit, page, audit_id)
    error: str | None = None
    status = 201
    try:
        if not access.may_write(page.user, engagement, audit):
            raise Forbidden("only an administrator or the engagement's broker may do this")
        await run_in_threadpool(
            lambda: service.ready_for_upload(
                session=page.session, audit=audit, question_id=question_id
            )
        )
        stored = await evidence.stored_body(request)
        name = safe_download_name(request.query_params.get("filename", ""), stored.media_type)
        try:
            await run_in_threadpool(
                lambda: service.add_evidence(
                    session=page.session,
                    actor=page.user,
                    audit=audit,
                    question_id=question_id,
                    filename=name,
                    stored=stored,
                )
            )
        except BaseException:
            await run_in_threadpool(storage_for("evidence").delete, stored.storage_key)
            raise
    except NotFound:
        raise
    except ProblemError as problem:
        page.session.rollback()
        status, error = problem.status, evidence.message(problem, page.language)
    context = await run_in_threadpool(evidence.question_context, page, audit_id, question_id)
    return render(
        request, "audit_evidence.html", page.language, page, status=status, error=error, **context
    )


def _unlocked_audit(page: Viewer, audit_id: uuid.UUID) -> Any:
    if page.user.role not in UNIT:
        raise NotFound("no such audit")
    return access.get_visible_audit(page.session, page.user, audit_id, False)


@router.get("/audits/{audit_id}/evidence/{evidence_id}")
def download_evidence(audit_id: uuid.UUID, evidence_id: uuid.UUID, page: ViewerDep) -> Response:
    """An evidence file as stored, always as an attachment."""
    audit, _engagement = _audit(page, audit_id)
    return audit_views.evidence_download(evidence.of_audit(page.session, audit, evidence_id))
