"""Demo evaluations: every demo candidate audited and reviewed with varied, plausible answers."""

import hashlib
import uuid
import zlib
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from service.accounts.models import User
from service.audits.models import Answer, Audit, AuditPurpose, Evidence
from service.audits.templates import Question, Template, template_registry
from service.engagements.models import Engagement, Event, EventKind, Participation
from service.programmes.models import Organization
from service.storage import storage_for
from service.types import utcnow
from workflows import AuditState, ParticipationState, Phase

# How far along each demo supplier is, 0 (little in place) to 4 (best practice).
MATURITY = {
    "Plásticos del Lago": 3,
    "Etiquetas del Norte": 2,
    "Taller de Calzado Hermanos Ruiz": 2,
    "Zapatería La Esperanza": 1,
    "Calzados Artesanales de Masaya": 1,
    "Cartonajes Managua": 3,
    "Refrigeración Técnica del Pacífico": 2,
    "Cooperativa Maní de Chinandega": 1,
    "Envases Plásticos Granada": 2,
}
# A plausible measured value per KPI for a supplier of maturity m.
KPI_VALUES = {
    "on_time_delivery": lambda m: 62 + 8 * m,
    "defect_rate": lambda m: 24000 // (m + 1),
    "lead_time": lambda m: 21 - 3 * m,
    "inventory_days": lambda m: 45 - 6 * m,
    "cycle_time": lambda m: 10 - m,
    "productivity": lambda m: 4 + 2 * m,
    "scrap_rate": lambda m: 9 - 2 * m,
    "unit_cost": lambda m: 12 - m,
}
RECORDS_CSV = (
    b"date,order,quantity,on_time\n2026-08-04,PO-1021,1200,yes\n2026-08-18,PO-1044,800,no\n"
)
CONSTRAINTS = "Capital de trabajo escaso y dificultad para retener operarios calificados."


def evaluate_candidates(
    session: Session, engagement: Engagement, broker: User, names: dict[uuid.UUID, str]
) -> None:
    """Start the evaluation phase and review an evaluation audit for every candidate."""
    template = template_registry()[("supplier-evaluation", 1)]
    engagement.phase = Phase.supplier_evaluation
    engagement.version += 1
    session.add(_event(engagement, broker, "start_evaluation", "enrolment", "supplier_evaluation"))
    for participation in _participations(session, engagement):
        name = names[participation.supplier_id]
        audit = _reviewed_audit(
            session, engagement, participation, broker, template, MATURITY.get(name, 2)
        )
        participation.state = ParticipationState.evaluated
        participation.version += 1
        session.add(participation)
        event = _event(engagement, broker, "evaluate", "candidate", "evaluated", participation.id)
        event.audit_id, event.reason = audit.id, "its evaluation audit was reviewed"
        session.add(event)


def select_all(
    session: Session, engagement: Engagement, actor: User, except_names: tuple[str, ...] = ()
) -> None:
    """Record the buyer's selection of the evaluated candidates, with a reason."""
    names = {o.id: o.name for o in session.exec(select(Organization)).all()}
    for participation in _participations(session, engagement):
        if names.get(participation.supplier_id) in except_names:
            participation.state = ParticipationState.not_selected
            participation.version += 1
            event = _event(
                engagement, actor, "not_select", "evaluated", "not_selected", participation.id
            )
            event.reason = "capacity too small for the volumes needed next year"
            session.add(event)
            continue
        participation.state = ParticipationState.selected
        participation.version += 1
        session.add(participation)
        event = _event(engagement, actor, "select", "evaluated", "selected", participation.id)
        event.reason = "meets the basic requirements and wants to grow with us"
        session.add(event)


def _participations(session: Session, engagement: Engagement) -> list[Participation]:
    from sqlmodel import select

    statement = select(Participation).where(Participation.engagement_id == engagement.id)
    return list(session.exec(statement).all())


def _event(
    engagement: Engagement,
    actor: User,
    trigger: str,
    source: str,
    dest: str,
    participation_id: uuid.UUID | None = None,
) -> Event:
    return Event(
        programme_id=engagement.programme_id,
        engagement_id=engagement.id,
        participation_id=participation_id,
        actor_id=actor.id,
        kind=EventKind.transition,
        trigger=trigger,
        from_state=source,
        to_state=dest,
    )


def _reviewed_audit(
    session: Session,
    engagement: Engagement,
    participation: Participation,
    broker: User,
    template: Template,
    maturity: int,
) -> Audit:
    audit = Audit(
        programme_id=engagement.programme_id,
        engagement_id=engagement.id,
        participation_id=participation.id,
        organization_id=participation.supplier_id,
        template_id=template.id,
        template_version=template.version,
        purpose=AuditPurpose.evaluation,
        state=AuditState.reviewed,
        version=3,
        created_by=broker.id,
        reviewed_at=utcnow() - timedelta(days=3),
    )
    session.add(audit)
    session.flush()
    seed = str(participation.supplier_id)
    for _section, question in template.questions():
        value = _value(template, question, maturity, zlib.crc32(f"{seed}{question.id}".encode()))
        session.add(
            Answer(audit_id=audit.id, question_id=question.id, value=value, answered_by=broker.id)
        )
        if question.evidence == "required":
            session.add(_evidence(audit, question, broker))
    for trigger, source, dest in (
        ("submit", "draft", "submitted"),
        ("review", "submitted", "reviewed"),
    ):
        event = _event(engagement, broker, trigger, source, dest, participation.id)
        event.kind, event.audit_id = EventKind.audit, audit.id
        session.add(event)
    return audit


def _value(template: Template, question: Question, maturity: int, noise: int) -> Any:
    level = max(template.scale.min, min(template.scale.max, maturity + noise % 3 - 1))
    if question.type == "scale":
        return level
    if question.type == "yes_no":
        return level >= 2
    if question.type == "choice":
        options = question.options or []
        return options[min(len(options) - 1, level * len(options) // (template.scale.max + 1))].id
    if question.type == "number":
        compute = KPI_VALUES.get(question.kpi or "")
        return str(Decimal(compute(level)) if compute else Decimal(10 + 5 * level))
    return CONSTRAINTS


def _evidence(audit: Audit, question: Question, broker: User) -> Evidence:
    """A small delivery-records CSV, stored like any upload."""
    key = uuid.uuid4().hex
    storage_for("evidence").put_bytes(f"{key[:2]}/{key}", RECORDS_CSV)
    return Evidence(
        audit_id=audit.id,
        question_id=question.id,
        filename=f"{question.id}-records.csv",
        media_type="text/csv",
        size=len(RECORDS_CSV),
        sha256=hashlib.sha256(RECORDS_CSV).hexdigest(),
        storage_key=f"{key[:2]}/{key}",
        uploaded_by=broker.id,
    )


def organization_names(organizations: dict[str, Organization]) -> dict[uuid.UUID, str]:
    return {organization.id: name for name, organization in organizations.items()}
