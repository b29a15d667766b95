"""The demo's cast: a chamber of industry's linkage unit, four buyers and their suppliers,
providers, a donor, and one login per role, created through the programme and account use
cases."""

import secrets
import uuid
from dataclasses import dataclass

from sqlmodel import Session, select

from service.accounts.models import Role, User, UserCreate
from service.programmes.members import create_user
from service.programmes.models import (
    Organization,
    OrganizationCreate,
    OrganizationKind,
    ProgrammeAdmin,
    ProgrammeCreate,
)
from service.programmes.service import create_organization, open_programme
from service.types import Language, TimeZoneName

DEMO_PROGRAMME = "Programa de Desarrollo de Proveedores — Cámara de Industria"
TIMEZONE = "America/Managua"
UNIT = "Unidad de Encadenamientos — Cámara de Industria"
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
ADMIN, BROKER, BUYER = (login[1] for login in DEMO_LOGINS[1:4])
SECOND_BROKER = ("broker2@demo.supplierdev.org", "Rosa Aguilar", "demo-broker2-pass")


@dataclass(frozen=True)
class DemoBuyer:
    """A buyer of the programme and the suppliers it lists as candidates."""

    name: str
    sector: str
    suppliers: tuple[tuple[str, str], ...]  # (name, sector)


BUYERS = (
    DemoBuyer(
        "Calzado Centroamericano S.A.",
        "fabricación y distribución de calzado",
        (
            ("Taller de Calzado Hermanos Ruiz", "fabricación de calzado"),
            ("Zapatería La Esperanza", "fabricación de calzado"),
            ("Calzados Artesanales de Masaya", "fabricación de calzado"),
        ),
    ),
    DemoBuyer(
        "Destilería Ron Caribe",
        "destilación de ron",
        (
            ("Plásticos del Lago", "botellas plásticas"),
            ("Etiquetas del Norte", "etiquetas impresas"),
        ),
    ),
    DemoBuyer(
        "Lácteos Helados del Valle",
        "helados y yogur",
        (
            ("Cartonajes Managua", "cajas de cartón"),
            ("Refrigeración Técnica del Pacífico", "servicio de refrigeración"),
        ),
    ),
    DemoBuyer(
        "Café y Cereales de Matagalpa",
        "procesamiento de café y cereales",
        (
            ("Cooperativa Maní de Chinandega", "cultivo de maní"),
            ("Envases Plásticos Granada", "frascos plásticos"),
        ),
    ),
)
PROVIDERS = (
    ("Consultores Asociados en Calidad", "consultoría en gestión de la calidad"),
    ("Grupo Consultor de Productividad", "consultoría en productividad y manufactura esbelta"),
    ("Laboratorio Nacional de Metrología", "metrología y ensayos"),
)
DONOR = ("Fondo de Cooperación Industrial", "cooperación para el desarrollo")
# Where each demo login works, and the person's name.
HOMES = {
    "broker": (UNIT, "Julio Mendoza"),
    "buyer": ("Destilería Ron Caribe", "Ana Lucía Pérez"),
    "supplier": ("Plásticos del Lago", "Carlos Obando"),
    "provider": ("Laboratorio Nacional de Metrología", "Elena Rivas"),
    "observer": (DONOR[0], "Sophie Laurent"),
}


@dataclass
class Cast:
    """The demo programme's organizations by name and its users by e-mail."""

    programme_id: uuid.UUID
    organizations: dict[str, Organization]
    users: dict[str, User]

    def organization(self, name: str) -> uuid.UUID:
        """The id of the organization of that name."""
        return self.organizations[name].id

    def name_of(self, organization_id: uuid.UUID) -> str:
        """The name of the organization of that id."""
        return next(o.name for o in self.organizations.values() if o.id == organization_id)


def create_cast(session: Session) -> Cast:
    """The programme with its unit and administrator, its organizations and its logins,
    opened by the platform's superuser."""
    superuser = session.exec(select(User).where(User.email == SUPERUSER[1])).one()
    programme = open_programme(
        session=session,
        actor=superuser,
        data=ProgrammeCreate(
            name=DEMO_PROGRAMME,
            timezone=TimeZoneName(TIMEZONE),
            language=Language.es,
            currency="NIO",
            unit_name=UNIT,
            admin=ProgrammeAdmin(
                email=ADMIN, full_name="Marta Castillo", password=_password(ADMIN)
            ),
        ),
    )
    admin = session.exec(select(User).where(User.email == ADMIN)).one()
    unit = session.exec(select(Organization).where(Organization.id == admin.organization_id)).one()
    cast = Cast(programme.id, {UNIT: unit}, {ADMIN: admin})
    for name, kind, sector in _organizations():
        cast.organizations[name] = create_organization(
            session=session,
            actor=admin,
            programme_id=programme.id,
            data=OrganizationCreate(name=name, kind=kind, sector=sector, country="NI"),
        )
    logins = [(role, email, HOMES[role][1]) for role, email, _ in DEMO_LOGINS if role in HOMES]
    logins.append(("broker", SECOND_BROKER[0], SECOND_BROKER[1]))
    for role, email, full_name in logins:
        add_user(session, cast, (email, full_name), Role(role), HOMES[role][0])
    return cast


def add_user(
    session: Session, cast: Cast, person: tuple[str, str], role: Role, organization: str
) -> User:
    """A user of the programme in that organization; demo logins get their known password."""
    email, full_name = person
    admin = cast.users[ADMIN]
    user = create_user(
        session=session,
        actor=admin,
        programme_id=cast.programme_id,
        data=UserCreate(
            email=email,
            full_name=full_name,
            organization_id=cast.organization(organization),
            role=role,
            password=_password(email),
        ),
    )
    cast.users[email] = user
    return user


def _organizations() -> list[tuple[str, OrganizationKind, str]]:
    rows = []
    for buyer in BUYERS:
        rows.append((buyer.name, OrganizationKind.buyer, buyer.sector))
        rows += [(name, OrganizationKind.supplier, sector) for name, sector in buyer.suppliers]
    rows += [(name, OrganizationKind.provider, sector) for name, sector in PROVIDERS]
    rows.append((DONOR[0], OrganizationKind.donor, DONOR[1]))
    return rows


def _password(email: str) -> str:
    """The known password of a demo login; a random one for everyone else."""
    known = {login[1]: login[2] for login in DEMO_LOGINS}
    known[SECOND_BROKER[0]] = SECOND_BROKER[2]
    return known.get(email) or secrets.token_urlsafe(24)
