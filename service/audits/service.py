"""Audit use cases: create, answer, add evidence, submit, review, reopen; each with its event."""

from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from service.accounts.models import Role, User
from service.audits.models import Answer, AnswerIn, Audit, AuditCreate, Evidence
from service.audits.queries import answers_of, evidence_of

# Re-exported: reports read scores through this module.
from service.audits.scoring import score_of as score_of
from service.audits.templates import Question, Template, template_registry
from service.engagements.models import Engagement, Participation
from service.engagements.steps import follow
from service.errors import Conflict, Forbidden, NotFound, Unprocessable
from service.guards import decide
from service.history import EventKind, SubjectKind, record_event
from service.kpis import kpi_catalogue
from service.programmes.models import Organization
from service.types import utcnow
from service.versioning import bump_version, check_version
from workflows import AuditSnapshot, AuditState, ParticipationState, Phase, apply_to_audit
from workflows.states import ACTIVE_PHASES


def template_for(template_id: str, version: int, field: str = "template_id") -> Template:
    """A shipped template version, or 404 naming the field."""
    template = template_registry().get((template_id, version))
    if template is None:
        raise NotFound(f"no template {template_id} version {version}", field=field)
    return template


def create_audit(
    *, session: Session, actor: User, engagement: Engagement, data: AuditCreate
) -> Audit:
    """A draft audit of a candidate or of the buyer, from a template that applies to that firm."""
    template = template_for(data.template_id, data.template_version)
    if data.participation_id is None:
        firm_kind, organization_id = "buyer", engagement.buyer_id
    else:
        participation = session.get(Participation, data.participation_id)
        if participation is None or participation.engagement_id != engagement.id:
            raise NotFound("no such participation in this engagement", field="participation_id")
        if participation.state == ParticipationState.dropped:
            raise Conflict("the participation was dropped", field="participation_id")
        firm_kind, organization_id = "supplier", participation.supplier_id
    if firm_kind not in template.applies_to:
        raise Conflict(
            f"template {template.id} does not apply to a {firm_kind}", field="template_id"
        )
    if engagement.phase not in ACTIVE_PHASES:
        raise Conflict(
            f"the engagement is {engagement.phase.value}",
            blocked_by=[f"the engagement is {engagement.phase.value}"],
        )
    audit = Audit(
        programme_id=engagement.programme_id,
        engagement_id=engagement.id,
        participation_id=data.participation_id,
        organization_id=organization_id,
        template_id=template.id,
        template_version=template.version,
        purpose=data.purpose,
        created_by=actor.id,
    )
    session.add(audit)
    session.flush()
    _event(
        session,
        audit,
        actor,
        "audit_created",
        to_state=audit.state.value,
        reason=data.purpose.value,
    )
    session.commit()
    return audit


def _event(session: Session, audit: Audit, actor: User, trigger: str, **fields: Any) -> None:
    record_event(
        session,
        actor_id=actor.id,
        programme_id=audit.programme_id,
        kind=EventKind.audit,
        subject=(SubjectKind.audit, audit.id),
        engagement_id=audit.engagement_id,
        participation_id=audit.participation_id,
        audit_id=audit.id,
        trigger=trigger,
        **fields,
    )


def _check_value(template: Template, question: Question, answer: AnswerIn) -> Any:
    """The value to store, or 422 naming the question and what the type needs."""
    value, where = answer.value, f"answers.{question.id}"
    if answer.not_applicable:
        if not (answer.comment and answer.comment.strip()):
            raise Unprocessable(
                f"{question.id}: not applicable needs a reason in comment", field=where
            )
        if value is not None:
            raise Unprocessable(f"{question.id}: not applicable takes no value", field=where)
        return None
    if value is None:
        raise Unprocessable(f"{question.id}: a value is required (or not_applicable)", field=where)
    if question.type == "scale":
        levels = sorted(template.scale.levels)
        if isinstance(value, bool) or not isinstance(value, int) or value not in levels:
            raise Unprocessable(
                f"{question.id}: a scale level from {levels[0]} to {levels[-1]}", field=where
            )
        return value
    if question.type == "yes_no":
        if not isinstance(value, bool):
            raise Unprocessable(f"{question.id}: true or false", field=where)
        return value
    if question.type == "number":
        return _check_number(question, value, where)
    if question.type == "choice":
        options = [option.id for option in question.options or []]
        if value not in options:
            raise Unprocessable(f"{question.id}: one of {', '.join(options)}", field=where)
        return value
    if not isinstance(value, str):
        raise Unprocessable(f"{question.id}: text", field=where)
    return value


def _check_number(question: Question, value: Any, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Unprocessable(f"{question.id}: a number in {question.unit}", field=where)
    number = Decimal(str(value))
    if not number.is_finite():
        raise Unprocessable(f"{question.id}: a finite number", field=where)
    kpi = kpi_catalogue().get(question.kpi or "")
    problem = kpi.bound_error(number) if kpi else None
    if problem is not None:
        raise Unprocessable(f"{question.id}: {problem}", field=where)
    return str(number)


def save_answers(
    *, session: Session, actor: User, audit: Audit, answers: list[AnswerIn], version: int
) -> Audit:
    """Validate every answer by its question's type, then replace them together. Answers
    sent back as they were read change nothing (no new version), even once reviewed."""
    check_version(audit.version, version)
    template = template_for(audit.template_id, audit.template_version)
    checked: dict[str, tuple[AnswerIn, Any]] = {}
    for item in answers:
        question = template.question(item.question_id)
        if question is None:
            raise Unprocessable(
                f"no question {item.question_id} in {template.id}",
                field=f"answers.{item.question_id}",
            )
        checked[item.question_id] = (item, _check_value(template, question, item))
    existing = {
        row.question_id: row
        for row in session.exec(select(Answer).where(Answer.audit_id == audit.id))
    }
    checked = {
        question_id: (item, value)
        for question_id, (item, value) in checked.items()
        if _differs(existing.get(question_id), item, value)
    }
    if not checked:
        return audit
    if audit.state != AuditState.draft:
        raise Conflict(
            f"the audit is {audit.state.value}; reopen it to change answers",
            blocked_by=[f"the audit is {audit.state.value}"],
        )
    now = utcnow()
    for question_id, (item, value) in checked.items():
        row = existing.get(question_id) or Answer(
            audit_id=audit.id, question_id=question_id, answered_by=actor.id
        )
        row.value, row.not_applicable, row.comment = value, item.not_applicable, item.comment
        row.answered_by, row.answered_at = actor.id, now
        session.add(row)
    bump_version(session, Audit, audit.id, version)
    session.commit()
    session.refresh(audit)
    return audit


def _differs(row: Answer | None, item: AnswerIn, value: Any) -> bool:
    """Whether an answer changes what is stored for its question."""
    if row is None:
        return True
    stored = (row.value, row.not_applicable, row.comment)
    return stored != (value, item.not_applicable, item.comment)


def snapshot(session: Session, audit: Audit, engagement: Engagement) -> AuditSnapshot:
    """What the audit's guards read: missing answers and evidence, the engagement's phase."""
    template = template_for(audit.template_id, audit.template_version)
    answers = {row.question_id: row for row in answers_of(session, audit)}
    with_evidence = {row.question_id for row in evidence_of(session, audit)}
    missing = tuple(
        q.id for _s, q in template.questions() if q.type != "text" and q.id not in answers
    )
    lacking = tuple(
        q.id
        for _s, q in template.questions()
        if q.evidence == "required"
        and q.id not in with_evidence
        and not (q.id in answers and answers[q.id].not_applicable)
    )
    firm = session.get(Organization, audit.organization_id)
    return AuditSnapshot(
        firm=firm.name if firm else "the firm",
        state=audit.state,
        missing_answers=missing,
        missing_evidence=lacking,
        engagement_active=engagement.phase in ACTIVE_PHASES,
    )


def transition_audit(
    *,
    session: Session,
    actor: User,
    engagement: Engagement,
    audit: Audit,
    trigger: str,
    reason: str | None,
    version: int,
) -> Audit:
    """Submit, review or reopen; reviewing an evaluation audit makes the candidate evaluated."""
    check_version(audit.version, version)
    if trigger == "reopen" and actor.role != Role.admin:
        raise Forbidden("only an administrator may reopen an audit")
    facts = snapshot(session, audit, engagement)
    destination = decide(lambda: apply_to_audit(facts, trigger, reason))
    source = audit.state
    reviewed_at = utcnow() if destination == AuditState.reviewed else None
    bump_version(session, Audit, audit.id, version, state=destination, reviewed_at=reviewed_at)
    _event(
        session,
        audit,
        actor,
        trigger,
        from_state=source.value,
        to_state=destination.value,
        reason=reason,
    )
    if destination == AuditState.reviewed and audit.purpose == "evaluation":
        _mark_evaluated(session, actor, engagement, audit)
    session.commit()
    session.refresh(audit)
    return audit


def _mark_evaluated(session: Session, actor: User, engagement: Engagement, audit: Audit) -> None:
    if engagement.phase != Phase.supplier_evaluation:
        return
    follow(
        session,
        actor,
        engagement,
        audit.participation_id,
        (ParticipationState.candidate, ParticipationState.evaluated, "evaluate"),
        "its evaluation audit was reviewed",
        audit_id=audit.id,
    )


def ready_for_upload(*, session: Session, audit: Audit, question_id: str) -> None:
    """409 unless the audit is a draft, 404 unless it has the question; then end the read
    transaction, so no lock or connection is held while the file streams in."""
    if audit.state != AuditState.draft:
        raise Conflict(
            f"the audit is {audit.state.value}; evidence is added to drafts",
            blocked_by=[f"the audit is {audit.state.value}"],
        )
    template = template_for(audit.template_id, audit.template_version)
    if template.question(question_id) is None:
        raise NotFound(f"no question {question_id} in {template.id}", field="question_id")
    session.commit()


def add_evidence(
    *, session: Session, actor: User, audit: Audit, question_id: str, filename: str, stored: Any
) -> Evidence:
    """Record a stored file against a question, with its event, if the audit is still a draft."""
    # Lock the engagement as every write does, so no submit or review slips in between.
    session.exec(select(Engagement).where(Engagement.id == audit.engagement_id).with_for_update())
    session.refresh(audit)
    if audit.state != AuditState.draft:
        raise Conflict(f"the audit is {audit.state.value}; evidence is added to drafts")
    bump_version(session, Audit, audit.id, audit.version)  # evidence changes the audit's ETag
    evidence = Evidence(
        audit_id=audit.id,
        question_id=question_id,
        filename=filename,
        media_type=stored.media_type,
        size=stored.size,
        sha256=stored.sha256,
        storage_key=stored.storage_key,
        uploaded_by=actor.id,
    )
    session.add(evidence)
    _event(
        session,
        audit,
        actor,
        "add_evidence",
        reason=f"{question_id}: {filename} ({stored.sha256[:12]})",
    )
    session.commit()
    return evidence
