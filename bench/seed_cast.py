"""A seeded programme's cast: the programme, its unit with an admin and brokers, an observer at
a donor, providers, buyers with their users, and the supplier firms with theirs."""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bench.seed_rows import Row, Rows
from service.accounts.models import Role, User
from service.programmes.models import Organization, OrganizationKind, Programme
from service.types import Language, name_key

DOMAIN = "bench.supplierdev.org"
PASSWORD = "bench-pass"
SUPERUSER_EMAIL = f"superuser@{DOMAIN}"
# Programmes are opened this many days before today; engagements run within that time.
PROGRAMME_AGE_DAYS = 760

# Where each programme runs: region, country, time zone, currency, language.
REGIONS = [
    ("Managua", "NI", "America/Managua", "NIO", Language.es),
    ("León", "NI", "America/Managua", "NIO", Language.es),
    ("San José", "CR", "America/Costa_Rica", "CRC", Language.es),
    ("Tegucigalpa", "HN", "America/Tegucigalpa", "HNL", Language.es),
    ("San Pedro Sula", "HN", "America/Tegucigalpa", "HNL", Language.es),
    ("Guatemala", "GT", "America/Guatemala", "GTQ", Language.es),
    ("San Salvador", "SV", "America/El_Salvador", "USD", Language.es),
    ("Bogotá", "CO", "America/Bogota", "COP", Language.es),
    ("Medellín", "CO", "America/Bogota", "COP", Language.es),
    ("Lima", "PE", "America/Lima", "PEN", Language.es),
    ("Quito", "EC", "America/Guayaquil", "USD", Language.es),
    ("Santo Domingo", "DO", "America/Santo_Domingo", "DOP", Language.es),
    ("Asunción", "PY", "America/Asuncion", "PYG", Language.es),
    ("Montevideo", "UY", "America/Montevideo", "UYU", Language.es),
    ("Dakar", "SN", "Africa/Dakar", "XOF", Language.fr),
    ("Abidjan", "CI", "Africa/Abidjan", "XOF", Language.fr),
    ("Accra", "GH", "Africa/Accra", "GHS", Language.en),
    ("Nairobi", "KE", "Africa/Nairobi", "KES", Language.en),
    ("Kampala", "UG", "Africa/Kampala", "UGX", Language.en),
    ("Ciudad de Panamá", "PA", "America/Panama", "USD", Language.es),
]
SUPPLIER_TRADES = [
    ("Metalmecánica", "metalworking"), ("Plásticos", "plastic parts"),
    ("Envases", "rigid packaging"), ("Confecciones", "garments"),
    ("Alimentos", "food processing"), ("Cartonajes", "cardboard boxes"),
    ("Etiquetas", "printed labels"), ("Muebles", "furniture"),
    ("Químicos", "cleaning chemicals"), ("Transportes", "freight transport"),
    ("Refrigeración", "refrigeration service"), ("Lácteos", "dairy products"),
    ("Panificadora", "bakery"), ("Agroindustria", "agro-processing"),
    ("Textiles", "textiles"), ("Carpintería", "carpentry"),
    ("Mantenimiento Industrial", "industrial maintenance"), ("Empaques", "flexible packaging"),
    ("Fundición", "foundry"), ("Cerámica", "ceramics"),
]  # fmt: skip
FAMILIES = [
    "Ruiz", "Hernández", "Obando", "Chamorro", "Espinoza", "Gutiérrez", "Zeledón", "Baltodano",
    "Mendoza", "Castillo", "Rivas", "Aguilar", "Pérez", "López", "Martínez", "Rodríguez",
    "Sandoval", "Morales", "Vargas", "Rojas", "Herrera", "Medina", "Cruz", "Ortega", "Navarro",
    "Reyes", "Flores", "Silva", "Torres", "Ramírez",
]  # fmt: skip
PLACES = [
    "del Norte", "del Sur", "del Valle", "del Lago", "del Pacífico", "de Occidente", "Central",
    "San Miguel", "La Esperanza", "Las Flores", "El Progreso", "Santa Rosa", "San Juan",
    "La Unión", "El Carmen", "Los Robles", "San Isidro", "La Paz", "San Rafael", "Hermanos",
]  # fmt: skip
BUYER_TRADES = [
    ("Cervecería", "brewing"), ("Destilería", "rum distilling"), ("Lácteos", "dairy"),
    ("Supermercados", "retail"), ("Hoteles", "hospitality"), ("Calzado", "footwear"),
    ("Embotelladora", "soft drinks bottling"), ("Molinos", "flour milling"),
    ("Cementos", "cement"), ("Laboratorios", "pharmaceuticals"),
    ("Ingenio Azucarero", "sugar milling"), ("Avícola", "poultry"),
    ("Café y Cereales", "coffee and cereals"), ("Textilera", "textiles"), ("Minera", "mining"),
]  # fmt: skip
BRANDS = [
    "Centroamericana", "del Pacífico", "Nacional", "La Estrella", "Caribe", "Real", "del Sol",
    "Continental", "Andina", "Atlántica", "Los Volcanes", "La Cumbre", "Imperial", "Tropical",
    "del Istmo", "La Palma", "Monte Verde", "Gran Valle", "San Cristóbal", "La Fuente",
]  # fmt: skip
FIRST_NAMES = [
    "Ana", "Carlos", "María", "José", "Lucía", "Julio", "Marta", "Ernesto", "Rosa", "Luis",
    "Elena", "Francisco", "Juana", "Roberto", "Sofía", "Miguel", "Patricia", "Andrés",
    "Carmen", "Diego", "Isabel", "Javier", "Teresa", "Ramón", "Gloria", "Pablo", "Adriana",
    "Óscar", "Verónica", "Tomás",
]  # fmt: skip
PROVIDERS = [
    ("Consultores Asociados en Calidad", "quality management consulting"),
    ("Grupo Consultor de Productividad", "productivity and lean consulting"),
    ("Laboratorio Nacional de Metrología", "metrology and testing"),
    ("Centro de Formación Técnica", "technical training"),
    ("Unidad de Consultoría Universitaria", "university consulting unit"),
    ("Instituto de Inocuidad Alimentaria", "food safety"),
    ("Taller Escuela de Mantenimiento", "maintenance training"),
    ("Consultora en Logística Integral", "logistics consulting"),
    ("Centro de Producción Más Limpia", "cleaner production"),
    ("Asesores en Finanzas para Pymes", "SME finance advice"),
    ("Laboratorio de Ensayos de Materiales", "materials testing"),
    ("Escuela de Gerencia Empresarial", "management training"),
]
# How far along supplier firms are, 0 (little in place) to 4 (best practice), and how often.
MATURITY_WEIGHTS = (10, 25, 35, 22, 8)


@dataclass
class Firm:
    """A supplier firm of the programme, the user who speaks for it, and how far along it is."""

    organization: Row
    user: Row
    maturity: int


@dataclass
class Cast:
    """Everyone in one seeded programme."""

    number: int  # 1-based, as in the logins' p01
    programme: Row
    zone: ZoneInfo
    today: date
    unit: Row
    admin: Row
    bench_broker: Row
    brokers: list[Row]  # the bench broker first
    donor: Row
    providers: list[Row]
    buyers: list[tuple[Row, Row]]  # organization and its buyer user
    suppliers: list[Firm]


class People:
    """Makes the organizations and users of one programme; every user gets the one hash."""

    def __init__(
        self, rows: Rows, programme: Row, country: str, domain: str, password_hash: str
    ) -> None:
        self.rows = rows
        self.programme = programme
        self.country = country
        self.domain = domain
        self.password_hash = password_hash
        self.opened: datetime = programme["created_at"]

    def organization(self, name: str, kind: OrganizationKind, sector: str) -> Row:
        return self.rows.add(
            Organization,
            programme_id=self.programme["id"],
            name=name,
            name_key=name_key(name),
            kind=kind,
            country=self.country,
            sector=sector,
            created_at=self._next_minute(),
        )

    def user(self, local_part: str, organization: Row, role: Role) -> Row:
        rng = self.rows.rng
        full_name = f"{rng.choice(FIRST_NAMES)} {rng.choice(FAMILIES)} {rng.choice(FAMILIES)}"
        return self.rows.add(
            User,
            email=f"{local_part}@{self.domain}",
            full_name=full_name,
            name_key=name_key(full_name),
            programme_id=self.programme["id"],
            organization_id=organization["id"],
            role=role,
            password_hash=self.password_hash,
            created_at=self._next_minute(),
        )

    def _next_minute(self) -> datetime:
        # Organizations and users were registered one a minute, in the order they are made.
        self.opened += timedelta(minutes=1)
        return self.opened


def cast_programme(
    rows: Rows, number: int, buyers: int, suppliers: int, password_hash: str
) -> Cast:
    """A programme opened about two years ago, with everyone who works in it."""
    region, country, zone_name, currency, language = REGIONS[(number - 1) % len(REGIONS)]
    zone = ZoneInfo(zone_name)
    today = datetime.now(zone).date()
    opened = datetime.combine(today - timedelta(days=PROGRAMME_AGE_DAYS), time(9), zone)
    programme = rows.add(
        Programme,
        name=f"Supplier Development Programme {region} (bench {number:02d})",
        timezone=zone_name,
        language=language,
        currency=currency,
        created_at=opened.astimezone(UTC),
    )
    people = People(rows, programme, country, f"p{number:02d}.{DOMAIN}", password_hash)
    unit = people.organization(
        f"Business Linkage Unit, Chamber of Industry of {region}",
        OrganizationKind.unit,
        "business linkages",
    )
    brokers = [people.user("broker", unit, Role.broker)]  # the one the benchmark logs in as
    for n in range(2, rows.rng.randint(3, 5) + 1):
        brokers.append(people.user(f"broker{n}", unit, Role.broker))
    return Cast(
        number=number,
        programme=programme,
        zone=zone,
        today=today,
        unit=unit,
        admin=people.user("admin", unit, Role.admin),
        bench_broker=brokers[0],
        brokers=brokers,
        donor=_donor(people),
        providers=_providers(people),
        buyers=_buyers(people, buyers),
        suppliers=_suppliers(people, suppliers),
    )


def _donor(people: People) -> Row:
    """The donor that co-funds actions, whose observer reads aggregates; and a bank."""
    donor = people.organization(
        "Fondo de Cooperación Industrial", OrganizationKind.donor, "development cooperation"
    )
    people.user("observer", donor, Role.observer)
    people.organization(
        "Banco de Fomento a la Producción", OrganizationKind.financier, "SME lending"
    )
    return donor


def _providers(people: People) -> list[Row]:
    count = people.rows.rng.randint(8, len(PROVIDERS))
    providers = []
    for n, (name, sector) in enumerate(PROVIDERS[:count], start=1):
        provider = people.organization(name, OrganizationKind.provider, sector)
        people.user(f"provider-{n:02d}", provider, Role.provider)
        providers.append(provider)
    return providers


def _buyers(people: People, count: int) -> list[tuple[Row, Row]]:
    names = _distinct_names(people.rows.rng, BUYER_TRADES, BRANDS, count)
    buyers = []
    for n, (trade, brand, sector) in enumerate(names, start=1):
        organization = people.organization(f"{trade} {brand} S.A.", OrganizationKind.buyer, sector)
        buyers.append((organization, people.user(f"buyer-{n:03d}", organization, Role.buyer)))
    return buyers


def _suppliers(people: People, count: int) -> list[Firm]:
    rng = people.rows.rng
    suffixes = [f"{family} {place}" for family in FAMILIES for place in PLACES]
    names = _distinct_names(rng, SUPPLIER_TRADES, suffixes, count)
    firms = []
    for n, (trade, suffix, sector) in enumerate(names, start=1):
        organization = people.organization(f"{trade} {suffix}", OrganizationKind.supplier, sector)
        user = people.user(f"supplier-{n:04d}", organization, Role.supplier)
        maturity = rng.choices(range(len(MATURITY_WEIGHTS)), MATURITY_WEIGHTS)[0]
        firms.append(Firm(organization, user, maturity))
    return firms


def _distinct_names(
    rng: random.Random, trades: list[tuple[str, str]], suffixes: list[str], count: int
) -> list[tuple[str, str, str]]:
    """`count` different (trade, suffix, sector) names, drawn without repeats while they last."""
    combinations = len(trades) * len(suffixes)
    picks = rng.sample(range(combinations), min(count, combinations))
    picks += [rng.randrange(combinations) for _ in range(count - len(picks))]
    return [
        (
            trades[pick % len(trades)][0],
            suffixes[pick // len(trades)],
            trades[pick % len(trades)][1],
        )
        for pick in picks
    ]


def add_superuser(rows: Rows, password_hash: str, now: datetime) -> Row:
    """The platform operator of the benchmark, who belongs to no programme."""
    return rows.add(
        User,
        email=SUPERUSER_EMAIL,
        full_name="Bench platform operator",
        name_key=name_key("Bench platform operator"),
        is_superuser=True,
        password_hash=password_hash,
        created_at=now,
    )
