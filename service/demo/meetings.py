"""Demo round tables and analyses: the round tables convened, one held with its minutes and
full attendance, targets agreed with every selected supplier, then an analysis of each firm
with its findings and baseline approved."""

import uuid
from datetime import date, timedelta

from pydantic import TypeAdapter

from service.analyses.models import (
    Analysis,
    AnalysisCreate,
    BaselineCreate,
    FindingArea,
    FindingCreate,
    Severity,
)
from service.analyses.service import add_baseline, add_finding, open_analysis
from service.analyses.service import transition as transition_analysis
from service.demo.enrolment import move
from service.demo.fieldwork import KPI_VALUES, maturity_of
from service.demo.scene import Scene
from service.engagements.models import Participation
from service.roundtables.models import Attendance, HoldRecord, RoundTableCreate
from service.roundtables.service import schedule
from service.targets.models import TargetCreate
from service.targets.service import record_target
from service.types import TimeZoneName
from workflows import ParticipationState

AGENDA = [
    "Lo que necesita el comprador: calidad, entregas y volúmenes del próximo año",
    "Resultados de la evaluación de los proveedores",
    "Metas y compromisos de cada parte",
]
MINUTES = (
    "El comprador presentó sus requisitos para el próximo año. Cada proveedor revisó los "
    "resultados de su evaluación. Se acordaron metas de entregas a tiempo y de calidad, y el "
    "comprador se comprometió a compartir cada mes un pronóstico de compras a tres meses."
)
ATTENDEES = ["Gerente general", "Jefe de producción"]
FORECAST = "Compartir cada mes un pronóstico de compras a tres meses"
SUMMARY = (
    "Las entregas dependen de la memoria del dueño; los pedidos se planifican semana a semana "
    "sin registros."
)
FINDINGS = (
    (
        "delivery",
        Severity.major,
        "No hay un plan de producción escrito; las fechas de entrega se prometen sin revisar la "
        "capacidad.",
        "Ventas toma los pedidos sin ver la carga de la planta.",
    ),
    (
        "quality",
        Severity.minor,
        "La inspección final es solo visual y no se registra.",
        "No hay criterios de inspección acordados con el comprador.",
    ),
)
TARGETS = TypeAdapter(TargetCreate)
BASELINE = TypeAdapter(BaselineCreate)


def selected(scene: Scene) -> list[Participation]:
    """The participations on the selected track."""
    return [p for p in scene.participations() if p.state == ParticipationState.selected]


def hold_round_table(scene: Scene, held_on: date) -> None:
    """Round tables convened three weeks before `held_on`, one scheduled and held that day
    with the buyer and every selected supplier, and targets agreed with each supplier."""
    session, broker, clock = scene.session, scene.broker, scene.clock
    move(scene, "convene_round_tables", held_on - timedelta(days=21))
    firms = [scene.engagement.buyer_id, *(p.supplier_id for p in selected(scene))]
    clock.now_is(held_on, 12)
    round_table = schedule(
        session=session,
        actor=broker,
        engagement=scene.engagement,
        data=RoundTableCreate(
            title="Primera mesa redonda",
            starts_at=clock.at(held_on, 9),
            timezone=TimeZoneName(clock.zone.key),
            duration_minutes=150,
            place="Cámara de Industria, sala de juntas",
            agenda=AGENDA,
            held=HoldRecord(
                minutes=MINUTES,
                attendance=[Attendance(organization_id=o, attendees=ATTENDEES) for o in firms],
            ),
        ),
    )
    agree_targets(scene, round_table.id, held_on)


def agree_targets(scene: Scene, round_table_id: uuid.UUID, held_on: date) -> None:
    """A delivery target, a quality target and the buyer's forecast commitment agreed with
    every selected supplier at the round table."""
    due = held_on + timedelta(days=210)
    for participation in selected(scene):
        for target in (
            {"kind": "kpi", "kpi": "on_time_delivery", "value": 95, "due_on": due},
            {"kind": "audit_section", "section_id": "quality", "value": 70, "due_on": due},
            {"kind": "commitment", "party": "buyer", "text": FORECAST},
        ):
            scene.clock.now_is(held_on, 13)
            record_target(
                session=scene.session,
                actor=scene.broker,
                engagement=scene.engagement,
                participation=participation,
                data=TARGETS.validate_python({"round_table_id": round_table_id, **target}),
            )


def approve_analyses(scene: Scene, started_on: date, approved_on: date) -> None:
    """The analysis phase started, and an analysis of every selected supplier and of the buyer
    opened, given two findings and a baseline, and approved."""
    move(scene, "start_analysis", started_on)
    firms: list[tuple[uuid.UUID | None, str]] = [(p.id, scene.name(p)) for p in selected(scene)]
    firms.append((None, scene.buyer_name))
    for participation_id, name in firms:
        _analyse(scene, participation_id, name, (started_on + timedelta(days=3), approved_on))


def _analyse(
    scene: Scene, participation_id: uuid.UUID | None, name: str, days: tuple[date, date]
) -> None:
    session, broker, clock = scene.session, scene.broker, scene.clock
    clock.now_is(days[0], 9)
    analysis = open_analysis(
        session=session,
        actor=broker,
        engagement=scene.engagement,
        data=AnalysisCreate(participation_id=participation_id, summary=SUMMARY),
    )
    for area, severity, description, root_cause in FINDINGS:
        clock.now_is(days[0] + timedelta(days=4), 15)
        finding = FindingCreate(
            area=FindingArea(area if participation_id else "other"),
            severity=severity,
            description=description,
            root_cause=root_cause,
        )
        add_finding(
            session=session,
            actor=broker,
            analysis=analysis,
            data=finding,
            version=scene.version(analysis),
        )
    _baseline(scene, analysis, name, days[0] + timedelta(days=5))
    clock.now_is(days[1], 16)
    transition_analysis(
        session=session,
        actor=broker,
        engagement=scene.engagement,
        analysis=analysis,
        trigger="approve",
        reason=None,
        version=scene.version(analysis),
    )


def _baseline(scene: Scene, analysis: Analysis, name: str, measured_on: date) -> None:
    """The firm's on-time delivery measured from its delivery notes, recorded the next day."""
    scene.clock.now_is(measured_on + timedelta(days=1), 11)
    baseline = {
        "kpi": "on_time_delivery",
        "value": KPI_VALUES["on_time_delivery"](maturity_of(name)),
        "measured_on": measured_on,
        "how_measured": "Notas de entrega de los últimos 30 pedidos",
    }
    add_baseline(
        session=scene.session,
        actor=scene.broker,
        analysis=analysis,
        data=BASELINE.validate_python(baseline),
        version=scene.version(analysis),
    )
