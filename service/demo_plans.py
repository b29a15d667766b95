"""Demo improvement plans: Calzado's plans under way (on track, at risk, off track), and Café's
engagement completed on closed plans, reviewed final audits and partnership decisions."""

import secrets
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from service.accounts.models import Role, User
from service.analyses.models import Analysis, Finding, KpiSource, KpiValue, Severity
from service.audits.models import Answer, Audit, AuditPurpose
from service.audits.templates import Template, template_registry
from service.demo_audits import MATURITY, _evidence, _value, select_all
from service.demo_phases import approve_analyses, backdate, hold_round_table
from service.engagements.models import Engagement, Participation
from service.history import Event, EventKind, SubjectKind
from service.kpis import kpi_catalogue
from service.partnerships.service import OUTCOME_TRIGGERS
from service.plans.models import (
    Action,
    ActionCategory,
    FundingShare,
    Outcome,
    PartnershipDecision,
    Party,
    Payer,
    Plan,
    PlanApproval,
    Review,
)
from service.programmes.calendar import ends_on, today_in
from service.programmes.models import Organization, OrganizationKind, Programme
from service.security import hash_password
from service.types import utcnow
from workflows import AuditState, ParticipationState, Phase, PlanState
from workflows.plan_health import ActionStatus

TRAINING, ASSISTANCE, PROCESS, QUALITY_SYSTEM, INVESTMENT, FINANCING = (
    ActionCategory.training,
    ActionCategory.technical_assistance,
    ActionCategory.process_improvement,
    ActionCategory.quality_system,
    ActionCategory.investment,
    ActionCategory.financing,
)
FIRM, BUYER, PROGRAMME, DONOR, LOAN = (
    Payer.firm,
    Payer.buyer,
    Payer.programme,
    Payer.donor,
    Payer.loan,
)
MAJOR, MINOR = Severity.major, Severity.minor
QUALITY = "Consultores Asociados en Calidad"
LEAN = "Grupo Consultor de Productividad"
LAB = "Laboratorio Nacional de Metrología"
MONTHS = 6
BUYER_AUDIT = ("buyer-readiness", 1)  # the buyer had no evaluation audit to repeat


@dataclass(frozen=True)
class DemoAction:
    """One action of a demo plan; its days count from the plan's start."""

    category: ActionCategory
    title: str
    description: str
    provider: str | None  # a demo provider's name; None while the action is to be tendered
    days: tuple[int, int]  # starts, due
    cost: int  # estimated, in the programme's currency (córdobas)
    funding: tuple[tuple[Payer, int], ...]  # percentages adding up to 100
    finding: Severity | None  # the finding of the firm's analysis that it addresses
    progress: int = 0  # as last reported: at the last review, or when it was cancelled
    done: tuple[int, int] | None = None  # the day it was finished, and its actual cost
    cancelled: tuple[int, str] | None = None  # the day it was cancelled, and why

    @property
    def settled_on(self) -> int | None:
        """The day it was done or cancelled, if it was."""
        if self.done:
            return self.done[0]
        return self.cancelled[0] if self.cancelled else None

    @property
    def status(self) -> ActionStatus:
        if self.done:
            return ActionStatus.done
        if self.cancelled:
            return ActionStatus.cancelled
        return ActionStatus.in_progress if self.progress else ActionStatus.planned

    def reported(self, day: int, last_review: int) -> int | None:
        """What the review held on that day reported: nothing before the action started or
        once it was cancelled, 100 once done, and a straight line up to its last report."""
        starts, until = self.days[0], self.settled_on or last_review
        final = 100 if self.done else self.progress
        if day < starts or (self.cancelled and day >= until):
            return None
        return final if day >= until else final * (day - starts) // (until - starts)

    def open_on(self, day: int) -> bool:
        """Started and not yet settled on that day."""
        return self.days[0] <= day and (self.settled_on is None or day < self.settled_on)


@dataclass(frozen=True)
class DemoFirm:
    """A firm's plan: who approves it for the firm, its actions and its monthly reviews."""

    name: str
    contact: tuple[str, str]  # full name and e-mail of the firm's user
    actions: tuple[DemoAction, ...]
    reviews: tuple[int, ...]  # days of the monthly reviews, from the plan's start
    gain: int  # percent of the gap to the best KPI value closed by the last measurement
    remark: str = ""  # what the last review adds


# fmt: off
# Four months into six: Ruiz on track, La Esperanza at risk (one action late, progress 18
# points behind), the buyer off track (an action 45 days late, 34 points behind, no review for
# a month). The test recomputes all three.
UNDER_WAY_FOR_DAYS = 120
CALZADO = (
    DemoFirm("Taller de Calzado Hermanos Ruiz",
             ("Francisco Ruiz", "f.ruiz@demo.supplierdev.org"), (
        DemoAction(TRAINING, "Taller de planificación de la producción y control de pedidos",
                   "Four sessions for the owner and the two workshop leads.", LEAN, (5, 35),
                   48000, ((PROGRAMME, 50), (BUYER, 30), (FIRM, 20)), MAJOR, done=(33, 46500)),
        DemoAction(ASSISTANCE, "Asistencia técnica en control de calidad del pespunte y el montado",
                   "Visitas quincenales del consultor al taller.", QUALITY, (30, 100), 180000,
                   ((DONOR, 50), (FIRM, 30), (BUYER, 20)), MINOR, done=(98, 185200)),
        DemoAction(PROCESS, "Tablero semanal de carga de planta y fechas de entrega",
                   "Orders are accepted against the plant's weekly load.", LEAN, (60, 150), 95000,
                   ((FIRM, 40), (BUYER, 30), (PROGRAMME, 30)), MAJOR, progress=65),
        DemoAction(QUALITY_SYSTEM, "Registro de inspección final con criterios del comprador",
                   "Criterios por modelo y registro por lote.", LAB, (90, 160), 62000,
                   ((PROGRAMME, 50), (FIRM, 50)), MINOR, progress=40),
        DemoAction(INVESTMENT, "Máquina de coser de poste para la línea de botas",
                   "Post-bed machine for the boot line; quotes are being compared.", None,
                   (115, 175), 310000, ((LOAN, 70), (FIRM, 30)), None),
    ), (25, 56, 86, 114), 50, "Las entregas del mes salieron según el tablero de carga."),
    DemoFirm("Zapatería La Esperanza",
             ("Auxiliadora Gutiérrez", "a.gutierrez@demo.supplierdev.org"), (
        DemoAction(TRAINING, "Capacitación en planificación y control de pedidos",
                   "Curso de seis sesiones para la dueña y el jefe de producción.", LEAN, (10, 40),
                   42000, ((PROGRAMME, 60), (BUYER, 20), (FIRM, 20)), MAJOR, done=(38, 42000)),
        DemoAction(ASSISTANCE, "Asistencia técnica para estandarizar el corte y el pespunte",
                   "Cutting patterns and stitching instructions for each model.", QUALITY,
                   (25, 105), 165000, ((DONOR, 50), (BUYER, 25), (FIRM, 25)), MINOR, progress=75),
        DemoAction(PROCESS, "Programa semanal de producción con control de capacidad",
                   "Un programa por semana, revisado cada lunes.", LEAN, (60, 150), 88000,
                   ((FIRM, 40), (BUYER, 30), (PROGRAMME, 30)), MAJOR, progress=40),
        DemoAction(QUALITY_SYSTEM, "Criterios de inspección final y registro de defectos por lote",
                   "Defects counted per lot and shared with the buyer.", LAB, (80, 160), 54000,
                   ((PROGRAMME, 50), (FIRM, 50)), MINOR, progress=30),
        DemoAction(FINANCING, "Crédito de capital de trabajo para cuero y suelas",
                   "Working-capital loan so that leather is bought for each order.", None,
                   (110, 170), 250000, ((LOAN, 100),), None),
    ), (20, 52, 82, 112), 30,
       "La asistencia en corte y pespunte se atrasó: el operario capacitado dejó el taller."),
    DemoFirm("Calzado Centroamericano S.A.",
             ("Ernesto Baltodano", "e.baltodano@demo.supplierdev.org"), (
        DemoAction(TRAINING, "Formación del equipo de compras en desarrollo de proveedores",
                   "Two workshops for buyers and quality inspectors.", QUALITY, (5, 30), 56000,
                   ((BUYER, 70), (PROGRAMME, 30)), MINOR, done=(28, 58400)),
        DemoAction(PROCESS, "Pronóstico de compras a tres meses compartido con los proveedores",
                   "Rolling forecast by model and size, sent every month.", LEAN, (20, 75), 72000,
                   ((BUYER, 60), (DONOR, 40)), MAJOR, progress=60),
        DemoAction(ASSISTANCE, "Fichas técnicas de calzado acordadas con cada proveedor",
                   "Fichas con tolerancias y ensayos de laboratorio.", LAB, (40, 100), 90000,
                   ((BUYER, 50), (PROGRAMME, 50)), MINOR, progress=50),
        DemoAction(QUALITY_SYSTEM, "Procedimiento de recepción e inspección de lotes",
                   "Sampling plan and records at goods receipt.", QUALITY, (60, 150), 64000,
                   ((BUYER, 100),), MINOR, progress=20),
    ), (15, 45, 76), 10,
       "La gerencia aún no aprueba el pronóstico de compras y pidió aplazar la próxima revisión."),
)

# Six months that ended weeks before today; every plan closed on its final audit.
CLOSED_FOR_DAYS = 225
CAFE = (
    DemoFirm("Envases Plásticos Granada",
             ("Roberto Chamorro", "r.chamorro@demo.supplierdev.org"), (
        DemoAction(TRAINING, "Capacitación en programación de la producción por pedido",
                   "Scheduling blow-moulding runs by customer order.", LEAN, (5, 35), 45000,
                   ((PROGRAMME, 50), (BUYER, 30), (FIRM, 20)), MAJOR, done=(34, 45000)),
        DemoAction(ASSISTANCE, "Metrología de envases: peso, espesor y cierre",
                   "Calibración de balanzas y calibradores.", LAB, (15, 90), 120000,
                   ((DONOR, 50), (FIRM, 30), (BUYER, 20)), MINOR, done=(88, 118750)),
        DemoAction(PROCESS, "Cambio rápido de moldes (SMED) en las sopladoras",
                   "Mould changes cut from four hours to under one.", LEAN, (40, 130), 150000,
                   ((FIRM, 40), (BUYER, 30), (PROGRAMME, 30)), MAJOR, done=(126, 156300)),
        DemoAction(QUALITY_SYSTEM, "Plan de control e inspección final registrada por lote",
                   "Each lot released on a signed inspection record.", QUALITY, (60, 150), 70000,
                   ((PROGRAMME, 50), (FIRM, 50)), MINOR, done=(147, 68900)),
        DemoAction(INVESTMENT, "Molde de cuatro cavidades para frascos de 400 g",
                   "Tendered among three mould makers.", None, (100, 170), 380000,
                   ((LOAN, 60), (FIRM, 40)), None, done=(168, 372500)),
    ), (30, 60, 91, 121, 152, 180), 70),
    DemoFirm("Cooperativa Maní de Chinandega",
             ("Juana Espinoza", "j.espinoza@demo.supplierdev.org"), (
        DemoAction(TRAINING, "Buenas prácticas agrícolas y poscosecha del maní",
                   "Field days with the cooperative's forty growers.", QUALITY, (5, 40), 60000,
                   ((DONOR, 60), (PROGRAMME, 40)), MAJOR, done=(39, 61200)),
        DemoAction(ASSISTANCE, "Control de aflatoxinas en el secado y el almacenamiento",
                   "Muestreo por lote y ensayos de laboratorio.", LAB, (20, 110), 140000,
                   ((DONOR, 50), (BUYER, 30), (FIRM, 20)), MINOR, done=(108, 143000)),
        DemoAction(PROCESS, "Plan de cosecha y calendario de entregas acordado con el comprador",
                   "Deliveries planned for each week of the harvest.", LEAN, (30, 120), 85000,
                   ((BUYER, 50), (PROGRAMME, 30), (FIRM, 20)), MAJOR, done=(125, 85000)),
        DemoAction(QUALITY_SYSTEM, "Registro de lotes y trazabilidad desde la parcela",
                   "Cada saco identificado con parcela y fecha.", QUALITY, (60, 170), 75000,
                   ((PROGRAMME, 50), (FIRM, 50)), MINOR, done=(176, 79800)),
        DemoAction(INVESTMENT, "Secadora solar y tarimas para el centro de acopio",
                   "Solar dryer, so that peanuts are no longer dried on the ground.", None,
                   (100, 175), 420000, ((LOAN, 70), (FIRM, 30)), None, progress=10,
                   cancelled=(140, "La cooperativa no obtuvo el crédito antes de la cosecha; "
                                   "se licitará de nuevo con el fondo rotatorio.")),
    ), (30, 60, 91, 121, 152, 180), 45),
    DemoFirm("Café y Cereales de Matagalpa",
             ("Luis Zeledón", "l.zeledon@demo.supplierdev.org"), (
        DemoAction(TRAINING, "Formación del equipo de compras en desarrollo de proveedores",
                   "Two workshops for purchasing and quality staff.", QUALITY, (5, 30), 52000,
                   ((BUYER, 70), (PROGRAMME, 30)), MINOR, done=(29, 52000)),
        DemoAction(PROCESS, "Pronóstico trimestral de compras compartido con los proveedores",
                   "Pronóstico mensual a tres meses por producto.", LEAN, (20, 90), 68000,
                   ((BUYER, 60), (DONOR, 40)), MAJOR, done=(92, 70500)),
        DemoAction(ASSISTANCE, "Especificaciones de maní y envases acordadas con los proveedores",
                   "Specifications with tolerances and test methods.", LAB, (30, 110), 84000,
                   ((BUYER, 50), (PROGRAMME, 50)), MINOR, done=(105, 81000)),
        DemoAction(PROCESS, "Pago a proveedores locales en 30 días",
                   "Supplier invoices paid within thirty days of delivery.", LEAN, (60, 150),
                   40000, ((BUYER, 100),), MAJOR, done=(149, 40000)),
    ), (30, 60, 91, 121, 152, 180), 50),
)
# fmt: on
DECISIONS = {
    "Envases Plásticos Granada": (
        Outcome.partnership,
        None,
        "Every action was completed: each lot is inspected and recorded, mould changes take "
        "under an hour and on-time delivery reached the agreed target.",
    ),
    "Cooperativa Maní de Chinandega": (
        Outcome.conditional,
        "Deliver 95 % of the orders on time over the next two harvests, record every lot in "
        "the traceability register, and install the solar dryer before the next harvest.",
        "On-time delivery and aflatoxin control improved, but the dryer was not bought and "
        "drying capacity is still short at the peak of the harvest.",
    ),
}
# Where each participation trigger of phase four leads.
PARTICIPATION_MOVES = {
    "start_planning": ParticipationState.planning,
    "start_implementation": ParticipationState.implementing,
    "close": ParticipationState.closed,
    "record_partnership": ParticipationState.partner,
    "record_conditional_partnership": ParticipationState.conditional_partner,
    "record_no_partnership": ParticipationState.no_partnership,
}
NO_MOVE: tuple[str | None, str | None] = (None, None)


@dataclass
class Scene:
    """Where the demo writes: the session, the engagement, its broker and its calendar."""

    session: Session
    engagement: Engagement
    broker: User
    names: dict[Any, str]  # organization names by id
    today: date
    zone: ZoneInfo
    ticks: int = 0

    def at(self, day: date, hour: int = 10) -> datetime:
        """An instant of that day in the programme's timezone."""
        return datetime.combine(day, time(hour), self.zone).astimezone(UTC)

    def event(
        self,
        actor: User,
        kind: EventKind,
        trigger: str,
        when: tuple[date, int],
        states: tuple[str | None, str | None] = NO_MOVE,
        **fields: Any,
    ) -> None:
        """An event at that day and hour, a second after the one written before it, so that
        events of the same hour keep their order."""
        self.ticks += 1
        self.session.add(
            Event(
                programme_id=self.engagement.programme_id,
                engagement_id=self.engagement.id,
                subject_kind=SubjectKind.engagement,
                subject_id=self.engagement.id,
                actor_id=actor.id,
                kind=kind,
                trigger=trigger,
                from_state=states[0],
                to_state=states[1],
                created_at=self.at(*when) + timedelta(seconds=self.ticks),
                **fields,
            )
        )

    def organization(self, name: str) -> uuid.UUID:
        return next(key for key, value in self.names.items() if value == name)


def plans_in_progress(
    session: Session, engagement: Engagement, broker: User, names: dict[Any, str]
) -> None:
    """Calzado: earlier phases months ago, then plans four months into six for both selected
    suppliers and the buyer: on track, at risk and off track."""
    scene = _scene(session, engagement, broker, names)
    start = scene.today - timedelta(days=UNDER_WAY_FOR_DAYS)
    _earlier_phases(scene, start, not_selected=("Calzados Artesanales de Masaya",))
    contacts = _contacts(scene, CALZADO, start)
    for firm in CALZADO:
        _plan(scene, firm, start, contacts)


def completed_engagement(
    session: Session, engagement: Engagement, broker: User, names: dict[Any, str]
) -> None:
    """Café: plans that ran six months and closed on reviewed final audits and final KPI
    values, a partner and a conditional partner, and the engagement completed."""
    scene = _scene(session, engagement, broker, names)
    start = scene.today - timedelta(days=CLOSED_FOR_DAYS)
    _earlier_phases(scene, start)
    contacts = _contacts(scene, CAFE, start)
    plans = [(_plan(scene, firm, start, contacts), firm) for firm in CAFE]
    end = ends_on(plans[0][0])
    for plan, firm in plans:
        _close(scene, plan, firm, end)
    buyer = contacts[scene.names[engagement.buyer_id]]
    for name, decision in DECISIONS.items():
        _decide(scene, name, buyer, decision, end + timedelta(days=20))
    _move_engagement(scene, "complete", Phase.completed, end + timedelta(days=24))


def _scene(session: Session, engagement: Engagement, broker: User, names: dict[Any, str]) -> Scene:
    programme = session.get(Programme, engagement.programme_id)
    zone = ZoneInfo(programme.timezone if programme else "UTC")
    today = today_in(session, engagement.programme_id)
    return Scene(session, engagement, broker, names, today, zone)


def _earlier_phases(scene: Scene, start: date, not_selected: tuple[str, ...] = ()) -> None:
    """Evaluation, selection, a round table with targets and approved analyses, weeks apart,
    then the engagement moved to improvement plans three weeks before the plans start."""
    session, engagement, broker = scene.session, scene.engagement, scene.broker
    before = (scene.today - start).days
    backdate(session, engagement.created_at, before + 110)  # created, evaluated
    stages: list[tuple[int, Callable[[], None]]] = [
        (95, lambda: select_all(session, engagement, broker, except_names=not_selected)),
        (65, lambda: hold_round_table(session, engagement, broker, scene.names)),
        (30, lambda: approve_analyses(session, engagement, broker, scene.names)),
    ]
    for days, stage in stages:
        since = utcnow()
        stage()
        backdate(session, since, before + days)
    _move_engagement(scene, "start_plans", Phase.improvement_plans, start - timedelta(days=21))


def _move_engagement(scene: Scene, trigger: str, dest: Phase, day: date) -> None:
    engagement = scene.engagement
    states = (engagement.phase.value, dest.value)
    scene.event(scene.broker, EventKind.transition, trigger, (day, 16), states)
    engagement.phase, engagement.version = dest, engagement.version + 1
    engagement.updated_at = scene.at(day, 16)


def _contacts(scene: Scene, firms: tuple[DemoFirm, ...], start: date) -> dict[str, User]:
    """The person at each firm who approves its plan (no one knows the password until an
    administrator sets one)."""
    contacts = {}
    for firm in firms:
        full_name, email = firm.contact
        contacts[firm.name] = User(
            email=email,
            full_name=full_name,
            programme_id=scene.engagement.programme_id,
            organization_id=scene.organization(firm.name),
            role=Role.buyer if _participation(scene, firm.name) is None else Role.supplier,
            password_hash=hash_password(secrets.token_urlsafe(24)),
            created_at=scene.at(start - timedelta(days=30)),
        )
        scene.session.add(contacts[firm.name])
    scene.session.flush()
    return contacts


def _participation(scene: Scene, name: str) -> Participation | None:
    """The supplier's participation, or None for the buyer."""
    statement = select(Participation).where(
        Participation.engagement_id == scene.engagement.id,
        Participation.supplier_id == scene.organization(name),
    )
    return scene.session.exec(statement).first()


def _move_participation(
    scene: Scene,
    participation: Participation | None,
    move: tuple[str, str],
    day: date,
    actor: User | None = None,
) -> None:
    """Move a supplier's track by (trigger, reason), as the broker unless another actor is
    named; the buyer's plan has no track to move."""
    if participation is None:
        return
    trigger, reason = move
    states = (participation.state.value, PARTICIPATION_MOVES[trigger].value)
    scene.event(
        actor or scene.broker,
        EventKind.transition,
        trigger,
        (day, 12),
        states,
        participation_id=participation.id,
        reason=reason,
    )
    participation.state = PARTICIPATION_MOVES[trigger]
    participation.version += 1
    participation.updated_at = scene.at(day, 12)
    scene.session.add(participation)


def _plan_event(
    scene: Scene,
    plan: Plan,
    actor: User,
    trigger: str,
    when: tuple[date, int],
    states: tuple[str | None, str | None] = NO_MOVE,
    reason: str | None = None,
) -> None:
    scene.event(
        actor,
        EventKind.plan,
        trigger,
        when,
        states,
        participation_id=plan.participation_id,
        reason=reason,
    )


def _plan(scene: Scene, firm: DemoFirm, start: date, contacts: dict[str, User]) -> Plan:
    """A plan opened, filled, approved by every party, started and reviewed every month."""
    participation = _participation(scene, firm.name)
    opened = start - timedelta(days=18)
    plan = Plan(
        programme_id=scene.engagement.programme_id,
        engagement_id=scene.engagement.id,
        participation_id=participation.id if participation else None,
        organization_id=scene.organization(firm.name),
        starts_on=start,
        months=MONTHS,
        state=PlanState.in_progress,
        created_by=scene.broker.id,
        created_at=scene.at(opened, 9),
    )
    scene.session.add(plan)
    scene.session.flush()
    _plan_event(scene, plan, scene.broker, "open_plan", (opened, 9), (None, "draft"))
    _move_participation(
        scene, participation, ("start_planning", "its improvement plan was opened"), opened
    )
    contact, buyer = contacts[firm.name], contacts[scene.names[scene.engagement.buyer_id]]
    actions = [
        _action(scene, plan, firm, spec, contact, opened + timedelta(days=1 + n // 2))
        for n, spec in enumerate(firm.actions)
    ]
    parties = [(Party.broker, scene.broker), (Party.buyer, buyer)]
    if participation is not None:
        parties.append((Party.supplier, contact))
    _approve(scene, plan, parties)
    _move_participation(
        scene, participation, ("start_implementation", "its improvement plan started"), start
    )
    for number in range(1, len(firm.reviews) + 1):
        _review(scene, plan, firm, actions, number, contact)
    plan.version = 1 + len(actions) + 1 + len(parties) + 1 + len(firm.reviews)
    plan.updated_at = scene.at(start + timedelta(days=firm.reviews[-1]), 17)
    return plan


def _action(
    scene: Scene, plan: Plan, firm: DemoFirm, spec: DemoAction, owner: User, added_on: date
) -> Action:
    """An action with its funding shares, added while the plan was a draft; its version counts
    the reviews that reported on it while open, and its settling (done or cancelled)."""
    changes = [day for day in firm.reviews if spec.open_on(day)]
    changes += [spec.settled_on] if spec.settled_on is not None else []
    findings = _findings(scene, plan)
    action = Action(
        programme_id=plan.programme_id,
        plan_id=plan.id,
        category=spec.category,
        title=spec.title,
        description=spec.description,
        finding_ids=[findings[spec.finding]] if spec.finding else [],
        owner=owner.full_name,
        provider_id=scene.organization(spec.provider) if spec.provider else None,
        starts_on=plan.starts_on + timedelta(days=spec.days[0]),
        due_on=plan.starts_on + timedelta(days=spec.days[1]),
        status=spec.status,
        cancel_reason=spec.cancelled[1] if spec.cancelled else None,
        progress=100 if spec.done else spec.progress,
        estimated_cost=Decimal(spec.cost),
        actual_cost=Decimal(spec.done[1]) if spec.done else None,
        version=1 + len(changes),
        created_at=scene.at(added_on, 11),
        updated_at=scene.at(plan.starts_on + timedelta(days=max(changes)), 17)
        if changes
        else scene.at(added_on, 11),
    )
    scene.session.add(action)
    scene.session.flush()
    scene.session.add_all(
        FundingShare(
            action_id=action.id,
            payer=payer,
            organization_id=_payer_organization(scene, plan, payer),
            percent=Decimal(percent),
        )
        for payer, percent in spec.funding
    )
    reason = f"{spec.category.value}: {spec.title}"
    _plan_event(scene, plan, scene.broker, "add_action", (added_on, 11), reason=reason)
    _settle(scene, plan, spec)
    return action


def _settle(scene: Scene, plan: Plan, spec: DemoAction) -> None:
    """The update that marked the action done (with its actual cost) or cancelled it."""
    if spec.done:
        change = f"actual_cost {spec.done[1]}, progress 100, status done"
    elif spec.cancelled:
        change = f"cancel_reason {spec.cancelled[1]}, status cancelled"
    else:
        return
    day = plan.starts_on + timedelta(days=spec.settled_on or 0)
    _plan_event(
        scene, plan, scene.broker, "update_action", (day, 15), reason=f"{spec.title}: {change}"
    )


def _findings(scene: Scene, plan: Plan) -> dict[Severity, str]:
    """The firm's findings in this engagement by severity (one major, one minor)."""
    statement = (
        select(Finding.severity, Finding.id)
        .join(Analysis, col(Analysis.id) == Finding.analysis_id)
        .where(
            Analysis.engagement_id == plan.engagement_id,
            Analysis.organization_id == plan.organization_id,
        )
    )
    return {Severity(severity): str(key) for severity, key in scene.session.exec(statement)}


def _payer_organization(scene: Scene, plan: Plan, payer: Payer) -> uuid.UUID | None:
    if payer == Payer.firm:
        return plan.organization_id
    if payer == Payer.buyer:
        return scene.engagement.buyer_id
    if payer == Payer.donor:
        statement = select(Organization.id).where(
            Organization.programme_id == plan.programme_id,
            Organization.kind == OrganizationKind.donor,
        )
        return scene.session.exec(statement).first()
    return None  # the programme's own budget, or a loan


def _approve(scene: Scene, plan: Plan, parties: list[tuple[Party, User]]) -> None:
    """Submitted twelve days before its start, approved by each party two days apart, started
    on its first day."""
    day = plan.starts_on - timedelta(days=12)
    _plan_event(scene, plan, scene.broker, "submit", (day, 10), ("draft", "submitted"))
    for party, user in parties:
        day += timedelta(days=2)
        approved_at = scene.at(day, 11)
        scene.session.add(
            PlanApproval(plan_id=plan.id, party=party, user_id=user.id, approved_at=approved_at)
        )
        reason = f"approved for the {party.value}"
        _plan_event(scene, plan, user, "approve", (day, 11), reason=reason)
    _plan_event(
        scene,
        plan,
        user,
        "approved",
        (day, 11),
        ("submitted", "approved"),
        "approved by every party",
    )
    _plan_event(
        scene, plan, scene.broker, "start", (plan.starts_on, 8), ("approved", "in_progress")
    )


def _review(
    scene: Scene, plan: Plan, firm: DemoFirm, actions: list[Action], number: int, contact: User
) -> None:
    """The monthly review: progress per action, the KPIs measured, notes and next steps."""
    days = firm.reviews[number - 1]
    held_on = plan.starts_on + timedelta(days=days)
    progress = {
        str(action.id): reported
        for action, spec in zip(actions, firm.actions, strict=True)
        if (reported := spec.reported(days, firm.reviews[-1])) is not None
    }
    share = Decimal(firm.gain * number) / (100 * len(firm.reviews))
    readings = _readings(scene, plan, share)
    measured_on = held_on - timedelta(days=2)
    scene.session.add_all(
        _kpi_value(scene, plan, reading, measured_on, KpiSource.review) for reading in readings
    )
    notes, next_steps = _notes(firm, days, readings, contact, number == len(firm.reviews))
    scene.session.add(
        Review(
            plan_id=plan.id,
            held_on=held_on,
            broker_id=scene.broker.id,
            notes=notes,
            next_steps=next_steps,
            progress=progress,
            created_at=scene.at(held_on, 17),
        )
    )
    reason = f"monthly review of {held_on}"
    _plan_event(scene, plan, scene.broker, "review", (held_on, 17), reason=reason)


def _readings(scene: Scene, plan: Plan, share: Decimal) -> list[tuple[str, str]]:
    """Each baseline KPI of the firm, moved `share` of the way towards its best value."""
    statement = select(KpiValue.kpi, KpiValue.value).where(
        KpiValue.engagement_id == plan.engagement_id,
        KpiValue.organization_id == plan.organization_id,
        KpiValue.source == KpiSource.baseline,
    )
    readings = []
    for kpi, baseline in sorted(scene.session.exec(statement).all()):
        entry, value = kpi_catalogue()[kpi], Decimal(baseline)
        if entry.better == "higher":
            best = entry.max if entry.max is not None else 2 * value
        else:
            best = entry.min or Decimal(0)
        moved = value + (best - value) * share
        readings.append((kpi, str(moved.quantize(Decimal(1), ROUND_HALF_UP))))
    return readings


def _kpi_value(
    scene: Scene, plan: Plan, reading: tuple[str, str], measured_on: date, source: KpiSource
) -> KpiValue:
    return KpiValue(
        engagement_id=plan.engagement_id,
        organization_id=plan.organization_id,
        kpi=reading[0],
        value=reading[1],
        measured_on=measured_on,
        how_measured="Delivery notes of the month",
        source=source,
        recorded_by=scene.broker.id,
        created_at=scene.at(measured_on + timedelta(days=2), 17),
    )


def _notes(
    firm: DemoFirm, days: int, readings: list[tuple[str, str]], contact: User, last: bool
) -> tuple[str, str]:
    """What the broker wrote: actions done and late, the KPIs, and what comes next."""
    done = sum(1 for spec in firm.actions if spec.done and spec.done[0] <= days)
    under_way = [spec for spec in firm.actions if spec.open_on(days)]
    late = [spec.title for spec in under_way if spec.days[1] < days]
    notes = f"Revisión mensual con {contact.full_name}: {done} de {len(firm.actions)} acciones"
    notes += " terminadas"
    if late:
        notes += f"; atrasadas: {', '.join(late)}"
    for kpi, value in readings:
        notes += f". {kpi_catalogue()[kpi].name.es}: {value} {kpi_catalogue()[kpi].unit}"
    notes += f". {firm.remark}" if last and firm.remark else "."
    steps = [
        f"{spec.title}: llegar al {min(100, (spec.reported(days, firm.reviews[-1]) or 0) + 25)} %"
        for spec in under_way[:2]
    ]
    return notes, "; ".join(steps) or "Preparar la auditoría final y medir los indicadores."


def _close(scene: Scene, plan: Plan, firm: DemoFirm, end: date) -> None:
    """Finished on its last day, audited again, its final KPIs measured, then closed."""
    broker = scene.broker
    _plan_event(scene, plan, broker, "finish", (end, 9), ("in_progress", "final_review"))
    reviewed_on = end + timedelta(days=10)
    _final_audit(scene, plan, firm, reviewed_on)
    readings = _readings(scene, plan, Decimal(firm.gain) / 100)
    measured_on = end + timedelta(days=5)
    scene.session.add_all(
        _kpi_value(scene, plan, reading, measured_on, KpiSource.final) for reading in readings
    )
    values = ", ".join(f"{kpi} = {value}" for kpi, value in readings)
    _plan_event(scene, plan, broker, "record_final_kpis", (reviewed_on, 16), reason=values)
    closed_on = end + timedelta(days=14)
    _plan_event(scene, plan, broker, "close", (closed_on, 10), ("final_review", "closed"))
    plan.state, plan.version = PlanState.closed, plan.version + 3  # finish, final KPIs, close
    plan.closed_at = plan.updated_at = scene.at(closed_on)
    reason = "its improvement plan was closed after the final review"
    _move_participation(scene, _participation(scene, firm.name), ("close", reason), closed_on)


def _final_audit(scene: Scene, plan: Plan, firm: DemoFirm, reviewed_on: date) -> None:
    """A reviewed final audit with the template of the firm's evaluation (buyer readiness for
    the buyer, who had none), answered a level above its evaluation."""
    evaluation = scene.session.exec(
        select(Audit).where(
            Audit.engagement_id == plan.engagement_id,
            Audit.organization_id == plan.organization_id,
            Audit.purpose == AuditPurpose.evaluation,
        )
    ).first()
    key = (evaluation.template_id, evaluation.template_version) if evaluation else BUYER_AUDIT
    template, broker = template_registry()[key], scene.broker
    answered_on = reviewed_on - timedelta(days=6)
    audit = Audit(
        programme_id=plan.programme_id,
        engagement_id=plan.engagement_id,
        participation_id=plan.participation_id,
        organization_id=plan.organization_id,
        template_id=template.id,
        template_version=template.version,
        purpose=AuditPurpose.final,
        state=AuditState.reviewed,
        version=3,  # created, submitted, reviewed
        created_by=broker.id,
        created_at=scene.at(answered_on, 9),
        updated_at=scene.at(reviewed_on, 15),
        reviewed_at=scene.at(reviewed_on, 15),
    )
    scene.session.add(audit)
    scene.session.flush()
    _answers(scene, audit, template, MATURITY.get(firm.name, 2) + 1, answered_on)
    for trigger, states, day in (
        ("submit", ("draft", "submitted"), reviewed_on - timedelta(days=2)),
        ("review", ("submitted", "reviewed"), reviewed_on),
    ):
        scene.event(
            broker,
            EventKind.audit,
            trigger,
            (day, 15),
            states,
            participation_id=plan.participation_id,
            audit_id=audit.id,
        )


def _answers(
    scene: Scene, audit: Audit, template: Template, maturity: int, answered_on: date
) -> None:
    """Every question answered as the evaluations are, with the evidence files required."""
    broker = scene.broker
    for _section, question in template.questions():
        noise = zlib.crc32(f"final{audit.organization_id}{question.id}".encode())
        value = _value(template, question, maturity, noise)
        answered_at = scene.at(answered_on, 11)
        scene.session.add(
            Answer(
                audit_id=audit.id,
                question_id=question.id,
                value=value,
                answered_by=broker.id,
                answered_at=answered_at,
            )
        )
        if question.evidence == "required":
            evidence = _evidence(audit, question, broker)
            evidence.created_at = answered_at
            scene.session.add(evidence)


def _decide(
    scene: Scene, name: str, buyer: User, decision: tuple[Outcome, str | None, str], day: date
) -> None:
    """The buyer's partnership decision with its event, and the supplier's track moved on."""
    outcome, conditions, rationale = decision
    participation = _participation(scene, name)
    assert participation is not None
    scene.session.add(
        PartnershipDecision(
            programme_id=scene.engagement.programme_id,
            engagement_id=scene.engagement.id,
            participation_id=participation.id,
            outcome=outcome,
            conditions=conditions,
            rationale=rationale,
            decided_by=buyer.id,
            decided_at=scene.at(day, 11),
        )
    )
    reason = f"{rationale} (conditions: {conditions})" if conditions else rationale
    scene.event(
        buyer,
        EventKind.decision,
        "decide_partnership",
        (day, 11),
        (None, outcome.value),
        participation_id=participation.id,
        reason=reason,
    )
    move = (OUTCOME_TRIGGERS[outcome], reason)
    _move_participation(scene, participation, move, day, actor=buyer)
