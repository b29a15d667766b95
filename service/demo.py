"""The demo programme: a chamber of industry's linkage unit, four buyers and their suppliers."""

from dataclasses import dataclass

from sqlmodel import Session, select

from service.accounts.models import Role, User
from service.database import write_session
from service.demo_audits import evaluate_candidates, organization_names, select_all
from service.demo_phases import hold_round_table
from service.demo_plans import completed_engagement, plans_in_progress
from service.engagements.models import Engagement, Participation
from service.history import Event, EventKind, SubjectKind
from service.programmes.models import Organization, OrganizationKind, Programme
from service.security import hash_password
from service.types import Language

DEMO_PROGRAMME = "Programa de Desarrollo de Proveedores — Cámara de Industria"
SUPERUSER = ("superuser", "root@demo.supplierdev.org", "demo-superuser-pass")
DEMO_LOGINS = [
    SUPERUSER,
    ("admin", "admin@demo.supplierdev.org", "demo-admin-pass"),
    ("broker", "broker@demo.supplierdev.org", "demo-broker-pass"),
    ("buyer", "buyer@demo.supplierdev.org", "demo-buyer-pass"),
    ("supplier", "supplier@demo.supplierdev.org", "demo-supplier-pass"),
    ("provider", "provider@demo.supplierdev.org", "demo-provider-pass"),
    ("observer", "observer@demo.supplierdev.org", "demo-observer-pass"),
]


@dataclass(frozen=True)
class DemoBuyer:
    name: str
    sector: str
    suppliers: tuple[tuple[str, str], ...]  # (name, sector)


BUYERS = (
    DemoBuyer(
        "Calzado Centroamericano S.A.",
        "footwear manufacturing and distribution",
        (
            ("Taller de Calzado Hermanos Ruiz", "shoemaking"),
            ("Zapatería La Esperanza", "shoemaking"),
            ("Calzados Artesanales de Masaya", "shoemaking"),
        ),
    ),
    DemoBuyer(
        "Destilería Ron Caribe",
        "rum distilling",
        (
            ("Plásticos del Lago", "plastic bottles"),
            ("Etiquetas del Norte", "printed labels"),
        ),
    ),
    DemoBuyer(
        "Lácteos Helados del Valle",
        "ice cream and yoghurt",
        (
            ("Cartonajes Managua", "cardboard boxes"),
            ("Refrigeración Técnica del Pacífico", "refrigeration service"),
        ),
    ),
    DemoBuyer(
        "Café y Cereales de Matagalpa",
        "coffee and cereals processing",
        (
            ("Cooperativa Maní de Chinandega", "peanut growing"),
            ("Envases Plásticos Granada", "plastic jars"),
        ),
    ),
)
PROVIDERS = (
    ("Consultores Asociados en Calidad", "quality management consulting"),
    ("Grupo Consultor de Productividad", "productivity and lean consulting"),
    ("Laboratorio Nacional de Metrología", "metrology and testing"),
)
DONOR = ("Fondo de Cooperación Industrial", "development cooperation")
SECOND_BROKER = ("broker2@demo.supplierdev.org", "Rosa Aguilar", "demo-broker2-pass")


def load_demo() -> bool:
    """Create the demo programme unless it exists; True when it was created now."""
    with write_session() as session:
        exists = session.exec(select(Programme.id).where(Programme.name == DEMO_PROGRAMME)).first()
        if exists is not None:
            return False
        _superuser(session)
        organizations = _organizations(session, _programme(session))
        users = _users(session, organizations)
        _engagements(session, organizations, users)
        session.commit()
        return True


def _programme(session: Session) -> Programme:
    programme = Programme(
        name=DEMO_PROGRAMME, timezone="America/Managua", language=Language.es, currency="NIO"
    )
    session.add(programme)
    session.flush()
    return programme


def _organizations(session: Session, programme: Programme) -> dict[str, Organization]:
    rows = [
        (
            "Unidad de Encadenamientos — Cámara de Industria",
            OrganizationKind.unit,
            "business linkages",
        )
    ]
    for buyer in BUYERS:
        rows.append((buyer.name, OrganizationKind.buyer, buyer.sector))
        rows += [(name, OrganizationKind.supplier, sector) for name, sector in buyer.suppliers]
    rows += [(name, OrganizationKind.provider, sector) for name, sector in PROVIDERS]
    rows.append((DONOR[0], OrganizationKind.donor, DONOR[1]))
    made = {}
    for name, kind, sector in rows:
        made[name] = Organization(
            programme_id=programme.id, name=name, kind=kind, sector=sector, country="NI"
        )
        session.add(made[name])
    session.flush()
    return made


def _users(session: Session, organizations: dict[str, Organization]) -> dict[str, User]:
    unit = next(org for org in organizations.values() if org.kind == OrganizationKind.unit)
    homes = {
        "admin": (unit, "Marta Castillo"),
        "broker": (unit, "Julio Mendoza"),
        "buyer": (organizations["Destilería Ron Caribe"], "Ana Lucía Pérez"),
        "supplier": (organizations["Plásticos del Lago"], "Carlos Obando"),
        "provider": (organizations["Laboratorio Nacional de Metrología"], "Elena Rivas"),
        "observer": (organizations[DONOR[0]], "Sophie Laurent"),
    }
    logins = [(role, email, password) for role, email, password in DEMO_LOGINS if role in homes]
    logins.append(("broker", SECOND_BROKER[0], SECOND_BROKER[2]))
    made = {}
    for role, email, password in logins:
        organization, full_name = homes[role]
        if email == SECOND_BROKER[0]:
            full_name = SECOND_BROKER[1]
        made[email] = User(
            email=email,
            full_name=full_name,
            programme_id=organization.programme_id,
            organization_id=organization.id,
            role=Role(role),
            password_hash=hash_password(password),
        )
        session.add(made[email])
    session.flush()
    return made


def _engagements(
    session: Session, organizations: dict[str, Organization], users: dict[str, User]
) -> None:
    """One engagement per buyer at enrolment, its candidates listed, with their events."""
    admin = users["admin@demo.supplierdev.org"]
    brokers = [users["broker@demo.supplierdev.org"], users[SECOND_BROKER[0]]]
    for number, buyer in enumerate(BUYERS):
        buyer_org = organizations[buyer.name]
        engagement = Engagement(
            programme_id=buyer_org.programme_id,
            buyer_id=buyer_org.id,
            broker_id=brokers[number % 2].id,
            title=f"{buyer.name}: local suppliers",
        )
        session.add(engagement)
        session.flush()
        session.add(_demo_event(engagement, admin, EventKind.created, to_state="enrolment"))
        for name, _sector in buyer.suppliers:
            participation = Participation(
                engagement_id=engagement.id,
                supplier_id=organizations[name].id,
                is_current_supplier=number % 2 == 0,
            )
            session.add(participation)
            session.flush()
            session.add(
                _demo_event(
                    engagement,
                    admin,
                    EventKind.candidate_added,
                    participation_id=participation.id,
                    to_state="candidate",
                    reason=name,
                )
            )
        engagement.version = 1 + len(buyer.suppliers)  # each candidate added was a change
        session.flush()
        broker = brokers[number % 2]
        evaluate_candidates(session, engagement, broker, organization_names(organizations))
        names = organization_names(organizations)
        if buyer.name == "Destilería Ron Caribe":  # ready to convene round tables
            select_all(session, engagement, users["buyer@demo.supplierdev.org"])
        elif buyer.name == "Lácteos Helados del Valle":  # round table held, targets agreed
            select_all(session, engagement, broker)
            hold_round_table(session, engagement, broker, names)
        elif buyer.name == "Calzado Centroamericano S.A.":  # plans on track, at risk, off track
            plans_in_progress(session, engagement, broker, names)
        elif buyer.name == "Café y Cereales de Matagalpa":  # plans closed, partners decided
            completed_engagement(session, engagement, broker, names)


def _demo_event(engagement: Engagement, actor: User, kind: EventKind, **fields: object) -> Event:
    return Event(
        programme_id=engagement.programme_id,
        engagement_id=engagement.id,
        subject_kind=SubjectKind.engagement,
        subject_id=engagement.id,
        actor_id=actor.id,
        kind=kind,
        **fields,  # type: ignore[arg-type]
    )


def _superuser(session: Session) -> None:
    _role, email, password = SUPERUSER
    if session.exec(select(User.id).where(User.email == email)).first() is None:
        session.add(
            User(
                email=email,
                full_name="Platform operator",
                is_superuser=True,
                password_hash=hash_password(password),
            )
        )
