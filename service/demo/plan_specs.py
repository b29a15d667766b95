"""The demo's improvement plans as data: each firm's actions with their funding and schedule,
its monthly reviews, and the partnership decisions of the completed engagement."""

from dataclasses import dataclass

from service.analyses.models import Severity
from service.plans.models import ActionCategory, Outcome, Payer
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
        """Its status as last reported."""
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
                   "Cuatro sesiones para el dueño y los dos jefes de taller.", LEAN, (5, 35),
                   48000, ((PROGRAMME, 50), (BUYER, 30), (FIRM, 20)), MAJOR, done=(33, 46500)),
        DemoAction(ASSISTANCE, "Asistencia técnica en control de calidad del pespunte y el montado",
                   "Visitas quincenales del consultor al taller.", QUALITY, (30, 100), 180000,
                   ((DONOR, 50), (FIRM, 30), (BUYER, 20)), MINOR, done=(98, 185200)),
        DemoAction(PROCESS, "Tablero semanal de carga de planta y fechas de entrega",
                   "Los pedidos se aceptan según la carga semanal de la planta.",
                   LEAN, (60, 150), 95000,
                   ((FIRM, 40), (BUYER, 30), (PROGRAMME, 30)), MAJOR, progress=65),
        DemoAction(QUALITY_SYSTEM, "Registro de inspección final con criterios del comprador",
                   "Criterios por modelo y registro por lote.", LAB, (90, 160), 62000,
                   ((PROGRAMME, 50), (FIRM, 50)), MINOR, progress=40),
        DemoAction(INVESTMENT, "Máquina de coser de poste para la línea de botas",
                   "Máquina de poste para la línea de botas; se comparan cotizaciones.", None,
                   (115, 175), 310000, ((LOAN, 70), (FIRM, 30)), None),
    ), (25, 56, 86, 114), 50, "Las entregas del mes salieron según el tablero de carga."),
    DemoFirm("Zapatería La Esperanza",
             ("Auxiliadora Gutiérrez", "a.gutierrez@demo.supplierdev.org"), (
        DemoAction(TRAINING, "Capacitación en planificación y control de pedidos",
                   "Curso de seis sesiones para la dueña y el jefe de producción.", LEAN, (10, 40),
                   42000, ((PROGRAMME, 60), (BUYER, 20), (FIRM, 20)), MAJOR, done=(38, 42000)),
        DemoAction(ASSISTANCE, "Asistencia técnica para estandarizar el corte y el pespunte",
                   "Patrones de corte e instrucciones de pespunte por modelo.", QUALITY,
                   (25, 105), 165000, ((DONOR, 50), (BUYER, 25), (FIRM, 25)), MINOR, progress=75),
        DemoAction(PROCESS, "Programa semanal de producción con control de capacidad",
                   "Un programa por semana, revisado cada lunes.", LEAN, (60, 150), 88000,
                   ((FIRM, 40), (BUYER, 30), (PROGRAMME, 30)), MAJOR, progress=40),
        DemoAction(QUALITY_SYSTEM, "Criterios de inspección final y registro de defectos por lote",
                   "Defectos contados por lote y compartidos con el comprador.",
                   LAB, (80, 160), 54000,
                   ((PROGRAMME, 50), (FIRM, 50)), MINOR, progress=30),
        DemoAction(FINANCING, "Crédito de capital de trabajo para cuero y suelas",
                   "Crédito de capital de trabajo para comprar el cuero de cada pedido.", None,
                   (110, 170), 250000, ((LOAN, 100),), None),
    ), (20, 52, 82, 112), 30,
       "La asistencia en corte y pespunte se atrasó: el operario capacitado dejó el taller."),
    DemoFirm("Calzado Centroamericano S.A.",
             ("Ernesto Baltodano", "e.baltodano@demo.supplierdev.org"), (
        DemoAction(TRAINING, "Formación del equipo de compras en desarrollo de proveedores",
                   "Dos talleres para compradores e inspectores de calidad.",
                   QUALITY, (5, 30), 56000,
                   ((BUYER, 70), (PROGRAMME, 30)), MINOR, done=(28, 58400)),
        DemoAction(PROCESS, "Pronóstico de compras a tres meses compartido con los proveedores",
                   "Pronóstico móvil por modelo y talla, enviado cada mes.", LEAN, (20, 75), 72000,
                   ((BUYER, 60), (DONOR, 40)), MAJOR, progress=60),
        DemoAction(ASSISTANCE, "Fichas técnicas de calzado acordadas con cada proveedor",
                   "Fichas con tolerancias y ensayos de laboratorio.", LAB, (40, 100), 90000,
                   ((BUYER, 50), (PROGRAMME, 50)), MINOR, progress=50),
        DemoAction(QUALITY_SYSTEM, "Procedimiento de recepción e inspección de lotes",
                   "Plan de muestreo y registros en la recepción.", QUALITY, (60, 150), 64000,
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
                   "Programar el soplado por pedido del cliente.", LEAN, (5, 35), 45000,
                   ((PROGRAMME, 50), (BUYER, 30), (FIRM, 20)), MAJOR, done=(34, 45000)),
        DemoAction(ASSISTANCE, "Metrología de envases: peso, espesor y cierre",
                   "Calibración de balanzas y calibradores.", LAB, (15, 90), 120000,
                   ((DONOR, 50), (FIRM, 30), (BUYER, 20)), MINOR, done=(88, 118750)),
        DemoAction(PROCESS, "Cambio rápido de moldes (SMED) en las sopladoras",
                   "Cambios de molde de cuatro horas a menos de una.", LEAN, (40, 130), 150000,
                   ((FIRM, 40), (BUYER, 30), (PROGRAMME, 30)), MAJOR, done=(126, 156300)),
        DemoAction(QUALITY_SYSTEM, "Plan de control e inspección final registrada por lote",
                   "Cada lote se libera con un registro de inspección firmado.",
                   QUALITY, (60, 150), 70000,
                   ((PROGRAMME, 50), (FIRM, 50)), MINOR, done=(147, 68900)),
        DemoAction(INVESTMENT, "Molde de cuatro cavidades para frascos de 400 g",
                   "Licitado entre tres fabricantes de moldes.", None, (100, 170), 380000,
                   ((LOAN, 60), (FIRM, 40)), None, done=(168, 372500)),
    ), (30, 60, 91, 121, 152, 180), 70),
    DemoFirm("Cooperativa Maní de Chinandega",
             ("Juana Espinoza", "j.espinoza@demo.supplierdev.org"), (
        DemoAction(TRAINING, "Buenas prácticas agrícolas y poscosecha del maní",
                   "Días de campo con los cuarenta productores de la cooperativa.",
                   QUALITY, (5, 40), 60000,
                   ((DONOR, 60), (PROGRAMME, 40)), MAJOR, done=(39, 61200)),
        DemoAction(ASSISTANCE, "Control de aflatoxinas en el secado y el almacenamiento",
                   "Muestreo por lote y ensayos de laboratorio.", LAB, (20, 110), 140000,
                   ((DONOR, 50), (BUYER, 30), (FIRM, 20)), MINOR, done=(108, 143000)),
        DemoAction(PROCESS, "Plan de cosecha y calendario de entregas acordado con el comprador",
                   "Entregas planificadas para cada semana de la cosecha.", LEAN, (30, 120), 85000,
                   ((BUYER, 50), (PROGRAMME, 30), (FIRM, 20)), MAJOR, done=(125, 85000)),
        DemoAction(QUALITY_SYSTEM, "Registro de lotes y trazabilidad desde la parcela",
                   "Cada saco identificado con parcela y fecha.", QUALITY, (60, 170), 75000,
                   ((PROGRAMME, 50), (FIRM, 50)), MINOR, done=(176, 79800)),
        DemoAction(INVESTMENT, "Secadora solar y tarimas para el centro de acopio",
                   "Secadora solar, para que el maní ya no se seque en el suelo.", None,
                   (100, 175), 420000, ((LOAN, 70), (FIRM, 30)), None, progress=10,
                   cancelled=(140, "La cooperativa no obtuvo el crédito antes de la cosecha; "
                                   "se licitará de nuevo con el fondo rotatorio.")),
    ), (30, 60, 91, 121, 152, 180), 45),
    DemoFirm("Café y Cereales de Matagalpa",
             ("Luis Zeledón", "l.zeledon@demo.supplierdev.org"), (
        DemoAction(TRAINING, "Formación del equipo de compras en desarrollo de proveedores",
                   "Dos talleres para el personal de compras y de calidad.",
                   QUALITY, (5, 30), 52000,
                   ((BUYER, 70), (PROGRAMME, 30)), MINOR, done=(29, 52000)),
        DemoAction(PROCESS, "Pronóstico trimestral de compras compartido con los proveedores",
                   "Pronóstico mensual a tres meses por producto.", LEAN, (20, 90), 68000,
                   ((BUYER, 60), (DONOR, 40)), MAJOR, done=(92, 70500)),
        DemoAction(ASSISTANCE, "Especificaciones de maní y envases acordadas con los proveedores",
                   "Especificaciones con tolerancias y métodos de ensayo.", LAB, (30, 110), 84000,
                   ((BUYER, 50), (PROGRAMME, 50)), MINOR, done=(105, 81000)),
        DemoAction(PROCESS, "Pago a proveedores locales en 30 días",
                   "Facturas de proveedores pagadas a treinta días de la entrega.", LEAN, (60, 150),
                   40000, ((BUYER, 100),), MAJOR, done=(149, 40000)),
    ), (30, 60, 91, 121, 152, 180), 50),
)
# fmt: on
DECISIONS = {
    "Envases Plásticos Granada": (
        Outcome.partnership,
        None,
        "Se completaron todas las acciones: cada lote se inspecciona y se registra, los cambios "
        "de molde toman menos de una hora y las entregas a tiempo alcanzaron la meta acordada.",
    ),
    "Cooperativa Maní de Chinandega": (
        Outcome.conditional,
        "Entregar a tiempo el 95 % de los pedidos en las próximas dos cosechas, registrar cada "
        "lote en el registro de trazabilidad e instalar la secadora solar antes de la próxima "
        "cosecha.",
        "Mejoraron las entregas a tiempo y el control de aflatoxinas, pero no se compró la "
        "secadora y la capacidad de secado sigue siendo corta en el pico de la cosecha.",
    ),
}
