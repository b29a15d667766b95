"""Demo audits answered in the field: varied, plausible answers by the firm's maturity, the
records required as evidence, then submitted and reviewed through the audit use cases."""

import hashlib
import uuid
import zlib
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from service.accounts.models import User
from service.audits.evidence_store import StoredFile
from service.audits.models import AnswerIn, Audit, AuditCreate, AuditPurpose
from service.audits.service import add_evidence, create_audit, save_answers, transition_audit
from service.audits.templates import Question, Template
from service.demo.scene import Scene
from service.storage import storage_for

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
    b"fecha,pedido,cantidad,a_tiempo\n2026-08-04,PO-1021,1200,si\n2026-08-18,PO-1044,800,no\n"
)
CONSTRAINTS = "Capital de trabajo escaso y dificultad para retener operarios calificados."


def maturity_of(name: str) -> int:
    """How far along the firm is (2 when the demo does not say)."""
    return MATURITY.get(name, 2)


def audit_firm(
    scene: Scene,
    firm: tuple[uuid.UUID | None, str],
    template: Template,
    purpose: AuditPurpose,
    reviewed_on: date,
) -> Audit:
    """An audit of the firm (participation id, or None for the buyer) answered a week before
    `reviewed_on`, submitted two days before it and reviewed on it."""
    participation_id, name = firm
    session, broker, clock = scene.session, scene.broker, scene.clock
    maturity = maturity_of(name) + (1 if purpose == AuditPurpose.final else 0)
    clock.now_is(reviewed_on - timedelta(days=7), 9)
    audit = create_audit(
        session=session,
        actor=broker,
        engagement=scene.engagement,
        data=AuditCreate(
            participation_id=participation_id,
            template_id=template.id,
            template_version=template.version,
            purpose=purpose,
        ),
    )
    clock.now_is(reviewed_on - timedelta(days=6), 11)
    _answer(scene, audit, template, maturity, name)
    _review(scene, audit, reviewed_on)
    return audit


def _answer(scene: Scene, audit: Audit, template: Template, maturity: int, name: str) -> None:
    """Every question answered, then the records each question requires attached. The answers
    vary with the firm's name, never its random id, so every demo holds the same audits."""
    answers = [
        AnswerIn(question_id=question.id, value=answer_value(template, question, maturity, seed))
        for _section, question in template.questions()
        for seed in [zlib.crc32(f"{audit.purpose.value}{name}{question.id}".encode())]
    ]
    session, broker = scene.session, scene.broker
    save_answers(session=session, actor=broker, audit=audit, answers=answers, version=audit.version)
    for _section, question in template.questions():
        if question.evidence == "required":
            attach_records(session, broker, audit, question)


def _review(scene: Scene, audit: Audit, reviewed_on: date) -> None:
    for trigger, day, hour in (
        ("submit", reviewed_on - timedelta(days=2), 15),
        ("review", reviewed_on, 15),
    ):
        scene.clock.now_is(day, hour)
        transition_audit(
            session=scene.session,
            actor=scene.broker,
            engagement=scene.engagement,
            audit=audit,
            trigger=trigger,
            reason=None,
            version=scene.version(audit),
        )


def answer_value(template: Template, question: Question, maturity: int, noise: int) -> Any:
    """An answer of the question's type for a firm of that maturity, varied by `noise`."""
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
        return int(compute(level)) if compute else 10 + 5 * level
    return CONSTRAINTS


def attach_records(session: Session, actor: User, audit: Audit, question: Question) -> None:
    """A small delivery-records CSV, stored as an upload is, recorded as the question's evidence."""
    key = uuid.uuid4().hex
    storage_for("evidence").put_bytes(f"{key[:2]}/{key}", RECORDS_CSV)
    stored = StoredFile(
        storage_key=f"{key[:2]}/{key}",
        media_type="text/csv",
        size=len(RECORDS_CSV),
        sha256=hashlib.sha256(RECORDS_CSV).hexdigest(),
    )
    add_evidence(
        session=session,
        actor=actor,
        audit=audit,
        question_id=question.id,
        filename=f"{question.id}-registros.csv",
        stored=stored,
    )
