"""PDF reports: rendered from the demo in every language, stored byte for byte, shown only
to whom they concern, and unable to reach anything outside their template folder."""

import hashlib
import io
import re
import socket
import threading
import time
from collections.abc import Iterator
from decimal import Decimal

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import Engine
from sqlmodel import Session, select

from service.accounts.models import Role, User
from service.analyses.models import Analysis
from service.audits.models import Audit, AuditPurpose
from service.engagements.models import Engagement
from service.plans.models import Action, Plan
from service.programmes.models import Organization, PaperSize, Programme
from service.reports.formats import money
from service.reports.rendering import (
    TEMPLATES,
    TemplateFolderFetcher,
)
from service.roundtables.models import RoundTable
from tests.fuzz.hooks import mint_token
from tests.snapshots import demo_loaded

API = "/api/v1"
HEADINGS = {
    "en": ("Improvement plan", "Schedule", "Cost sharing", "Page 1 of"),
    "es": ("Plan de mejora", "Calendario", "Distribución de costos", "Página 1 de"),
    "fr": ("Plan d'amélioration", "Calendrier", "Partage des coûts", "Page 1 sur"),
}
PROGRAMME_HEADINGS = {
    "en": ("Programme report", "Reporting period", "Cost sharing by payer"),
    "es": (
        "Informe del programa",
        "Período del informe",
        "Distribución de costos por pagador",
    ),
    "fr": ("Rapport du programme", "Période couverte", "Partage des coûts par payeur"),
}


def text_of(pdf: bytes) -> tuple[str, int]:
    """The PDF's text with every run of spaces (narrow, no-break, line ends) as one space."""
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return flat(text), len(reader.pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def headers(email: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(email)}"}


def issue(client: TestClient, email: str, kind: str, subject: object, lang: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"{API}/reports",
        params={"lang": lang},
        json={"kind": kind, "subject_id": str(subject)},
        headers=headers(email),
    )


@pytest.fixture
def demo(engine: Engine, session: Session) -> Iterator[Session]:
    demo_loaded(engine)
    session.rollback()
    return session


BROKER = "broker@demo.supplierdev.org"


def calzado_plans(session: Session) -> list[Plan]:
    engagement = session.exec(
        select(Engagement).where(Engagement.phase == "improvement_plans")
    ).one()
    return list(session.exec(select(Plan).where(Plan.engagement_id == engagement.id)).all())


@pytest.mark.parametrize("lang", ["en", "es", "fr"])
def test_the_plan_report_reads_in_every_language(
    client: TestClient, demo: Session, lang: str
) -> None:
    broker = demo.exec(select(User).where(User.email == BROKER)).one()
    for plan in calzado_plans(demo):
        response = issue(client, BROKER, "plan", plan.id, lang)
        assert response.status_code == 201, response.text
        pdf = client.get(f"{API}/reports/{response.json()['id']}/pdf", headers=headers(BROKER))
        text, pages = text_of(pdf.content)
        firm = demo.get(Organization, plan.organization_id)
        assert firm is not None
        for heading in (*HEADINGS[lang], firm.name):
            assert heading in text, (lang, heading)
        actions = demo.exec(select(Action).where(Action.plan_id == plan.id)).all()
        budget = sum((a.estimated_cost for a in actions if a.status != "cancelled"), Decimal(0))
        assert flat(money(budget, "NIO", lang)) in text
        for action in actions:
            assert action.title[:20] in text
        assert 1 <= pages <= 4
    assert broker.programme_id is not None


@pytest.mark.parametrize("lang", ["en", "es", "fr"])
def test_the_programme_report_reads_in_every_language(
    client: TestClient, demo: Session, lang: str
) -> None:
    broker = demo.exec(select(User).where(User.email == BROKER)).one()
    response = issue(client, BROKER, "programme", broker.programme_id, lang)
    assert response.status_code == 201, response.text
    pdf = client.get(f"{API}/reports/{response.json()['id']}/pdf", headers=headers(BROKER))
    text, pages = text_of(pdf.content)
    for heading in PROGRAMME_HEADINGS[lang]:
        assert heading in text, (lang, heading)
    assert "Programa de Desarrollo de Proveedores" in text
    assert 1 <= pages <= 3


TITLES = {
    "audit": (
        "Supplier audit report",
        "Informe de auditoría del proveedor",
        "Rapport d'audit du fournisseur",
    ),
    "comparison": (
        "Candidate comparison",
        "Comparación de candidatos",
        "Comparaison des candidats",
    ),
    "round_table": (
        "Round-table minutes",
        "Acta de la mesa redonda",
        "Compte rendu de la table ronde",
    ),
    "analysis": ("Improvement analysis", "Análisis de mejora", "Analyse d'amélioration"),
    "plan": ("Improvement plan", "Plan de mejora", "Plan d'amélioration"),
    "monthly": (
        "Monthly progress report",
        "Informe mensual de avance",
        "Rapport mensuel d'avancement",
    ),
    "final": (
        "Final engagement report",
        "Informe final del encadenamiento",
        "Rapport final de l'accompagnement",
    ),
    "programme": ("Programme report", "Informe del programa", "Rapport du programme"),
}
SECOND_HEADINGS = {
    "audit": ("Scores by section", "Puntajes por sección", "Scores par section"),
    "comparison": ("Ranking", "Clasificación", "Classement"),
    "round_table": ("Attendance", "Asistencia", "Participation"),
    "analysis": ("Findings", "Hallazgos", "Constats"),
    "plan": ("Schedule", "Calendario", "Calendrier"),
    "monthly": ("Plans at a glance", "Resumen de los planes", "Vue d'ensemble des plans"),
    "final": ("Partnership decisions", "Decisiones de alianza", "Décisions de partenariat"),
    "programme": ("Partnership outcomes", "Resultados de las alianzas", "Issues des partenariats"),
}
LANGUAGES = ("en", "es", "fr")


def engagement_of(session: Session, buyer: str) -> Engagement:
    return session.exec(
        select(Engagement)
        .join(Organization, Organization.id == Engagement.buyer_id)  # type: ignore[arg-type]
        .where(Organization.name == buyer)
    ).one()


def subject_of(session: Session, kind: str) -> tuple[object, list[str]]:
    """The demo subject of each report and the names its text must show."""
    calzado = engagement_of(session, "Calzado Centroamericano S.A.")
    ruiz = session.exec(
        select(Organization).where(Organization.name == "Taller de Calzado Hermanos Ruiz")
    ).one()
    if kind == "audit":
        audit = session.exec(
            select(Audit).where(
                Audit.organization_id == ruiz.id, Audit.purpose == AuditPurpose.evaluation
            )
        ).one()
        return audit.id, [ruiz.name]
    if kind in {"comparison", "monthly"}:
        return calzado.id, [ruiz.name, "Zapatería La Esperanza"]
    if kind == "round_table":
        lacteos = engagement_of(session, "Lácteos Helados del Valle")
        table = session.exec(select(RoundTable).where(RoundTable.engagement_id == lacteos.id)).one()
        return table.id, ["Cartonajes Managua", "Refrigeración Técnica del Pacífico"]
    if kind == "analysis":
        analysis = session.exec(select(Analysis).where(Analysis.organization_id == ruiz.id)).one()
        return analysis.id, [ruiz.name]
    if kind == "plan":
        plan = session.exec(select(Plan).where(Plan.organization_id == ruiz.id)).one()
        return plan.id, [ruiz.name]
    if kind == "final":
        cafe = engagement_of(session, "Café y Cereales de Matagalpa")
        return cafe.id, ["Envases Plásticos Granada", "Cooperativa Maní de Chinandega"]
    programme = session.exec(select(User.programme_id).where(User.email == BROKER)).one()
    return programme, ["Programa de Desarrollo de Proveedores"]


@pytest.mark.parametrize("kind", list(TITLES))
def test_every_report_renders_in_every_language(
    client: TestClient, demo: Session, kind: str
) -> None:
    subject, names = subject_of(demo, kind)
    digests = set()
    for number, lang in enumerate(LANGUAGES):
        response = issue(client, BROKER, kind, subject, lang)
        assert response.status_code == 201, response.text
        pdf = client.get(f"{API}/reports/{response.json()['id']}/pdf", headers=headers(BROKER))
        text, pages = text_of(pdf.content)
        for expected in (TITLES[kind][number], SECOND_HEADINGS[kind][number], *names):
            assert flat(expected) in text, (kind, lang, expected)
        assert 1 <= pages <= 6, (kind, lang, pages)
        digests.add(response.json()["sha256"])
    assert len(digests) == 3


def test_an_issued_report_is_fetched_again_byte_identical(
    client: TestClient, demo: Session
) -> None:
    plan = calzado_plans(demo)[0]
    issued = issue(client, BROKER, "plan", plan.id, "es").json()
    first = client.get(f"{API}/reports/{issued['id']}/pdf", headers=headers(BROKER))
    second = client.get(f"{API}/reports/{issued['id']}/pdf", headers=headers(BROKER))
    assert first.content == second.content
    assert hashlib.sha256(first.content).hexdigest() == issued["sha256"]
    assert (first.headers["content-type"], first.headers["etag"]) == (
        "application/pdf",
        f'"{issued["sha256"]}"',
    )
    assert issued["size"] == len(first.content)
    assert issued["language"] == "es"


def test_reports_are_listed_to_whom_they_concern(client: TestClient, demo: Session) -> None:
    plans = calzado_plans(demo)
    buyer_plan = next(p for p in plans if p.participation_id is None)
    supplier_plan = next(p for p in plans if p.participation_id is not None)
    programme_id = demo.exec(select(User.programme_id).where(User.email == BROKER)).one()
    made = {
        "buyer_plan": issue(client, BROKER, "plan", buyer_plan.id, "en").json()["id"],
        "supplier_plan": issue(client, BROKER, "plan", supplier_plan.id, "en").json()["id"],
        "programme": issue(client, BROKER, "programme", programme_id, "en").json()["id"],
    }
    supplier = demo.exec(
        select(User).where(
            User.organization_id == supplier_plan.organization_id, User.role == Role.supplier
        )
    ).first()
    seen = {
        "broker": BROKER,
        "observer": "observer@demo.supplierdev.org",
        "provider": "provider@demo.supplierdev.org",
    }
    listed = {
        role: {
            item["id"]
            for item in client.get(f"{API}/reports", headers=headers(email)).json()["items"]
        }
        for role, email in seen.items()
    }
    assert listed["broker"] == set(made.values())
    assert listed["observer"] == {made["programme"]}
    assert listed["provider"] == set()
    if supplier is not None:
        own = client.get(f"{API}/reports", headers=headers(supplier.email)).json()["items"]
        assert {item["id"] for item in own} == {made["supplier_plan"]}
        hidden = client.get(
            f"{API}/reports/{made['buyer_plan']}/pdf", headers=headers(supplier.email)
        )
        assert hidden.status_code == 404
    assert (
        issue(client, "buyer@demo.supplierdev.org", "programme", programme_id, "en").status_code
        == 403
    )


class Listener:
    """A TCP listener on a free port that counts the connections it receives."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()


def test_hostile_content_reaches_nothing_and_reads_as_text(
    client: TestClient, demo: Session
) -> None:
    listener = Listener()
    port = listener.port
    hostile = [
        '<img src="file:///etc/passwd">',
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">',
        f"<style>@import url(http://127.0.0.1:{port}/y.css);</style>",
        f'<svg><image href="http://127.0.0.1:{port}/z.png"/></svg>',
    ]
    plan = calzado_plans(demo)[0]
    firm = demo.get(Organization, plan.organization_id)
    assert firm is not None
    firm.name = f"Taller {hostile[0]}"
    actions = demo.exec(select(Action).where(Action.plan_id == plan.id)).all()
    for action, text in zip(actions, hostile, strict=False):
        action.title = text
    demo.add_all([firm, *actions])
    demo.commit()
    response = issue(client, BROKER, "plan", plan.id, "en")
    assert response.status_code == 201, response.text
    pdf = client.get(f"{API}/reports/{response.json()['id']}/pdf", headers=headers(BROKER))
    text, _pages = text_of(pdf.content)
    listener.server.close()
    assert listener.connections == 0
    assert "root:x:0:0" not in text
    assert f"Taller {hostile[0]}" in text
    # Every hostile text is printed as text (lines may break inside the URLs).
    squeezed = re.sub(r"\s", "", text)
    for item in hostile:
        assert re.sub(r"\s", "", item) in squeezed, item


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.css",
        "https://example.org/font.ttf",
        "file:///etc/passwd",
        f"{TEMPLATES.as_uri()}/../rendering.py",
        "data:text/css,body{}",
        "ftp://example.org/x",
    ],
)
def test_the_fetcher_refuses_anything_outside_the_template_folder(url: str) -> None:
    with pytest.raises(ValueError, match="reports read only their own template folder"):
        TemplateFolderFetcher().fetch(url)


def test_the_fetcher_serves_the_stylesheet_and_fonts() -> None:
    stylesheet = TemplateFolderFetcher().fetch(f"{TEMPLATES.as_uri()}/report.css")
    assert b"@page" in stylesheet.read()
    stylesheet.close()
    font = TemplateFolderFetcher().fetch(f"{TEMPLATES.as_uri()}/fonts/DejaVuSans.ttf")
    assert font.read(4) == b"\x00\x01\x00\x00"  # a TrueType font
    font.close()


def test_every_interface_string_is_translated_in_spanish_and_french() -> None:
    method_map = [("templates/**.html", "jinja2"), ("**.py", "python")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    keywords = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
    messages = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(TEMPLATES.parent), method_map=method_map, options_map=options, keywords=keywords
        )
    }
    assert len(messages) > 150
    for language in ("es", "fr"):
        path = TEMPLATES.parent / "locales" / language / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as handle:
            catalogue = read_po(handle)
        translated = {
            m.id if isinstance(m.id, str) else m.id[0]
            for m in catalogue
            if m.id and all(m.string if isinstance(m.string, tuple) else [m.string])
        }
        assert sorted(messages - translated) == [], language


@pytest.mark.parametrize("slots", [1, 2])
def test_renders_wait_for_a_free_slot(
    client: TestClient, demo: Session, monkeypatch: pytest.MonkeyPatch, slots: int
) -> None:
    """Four reports asked at once render at most `slots` at a time; none is refused."""
    from service.reports import service as router
    from service.settings import get_settings

    monkeypatch.setattr(get_settings(), "max_concurrent_renders", slots)
    router.render_slots.cache_clear()
    running, peak, lock = 0, 0, threading.Lock()
    real = router.render_in_worker

    def counting(*args: object) -> object:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.3)
        with lock:
            running -= 1
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(router, "render_in_worker", counting)
    plan = calzado_plans(demo)[0]
    token = headers(BROKER)
    statuses: list[int] = []

    def ask() -> None:
        response = client.post(
            f"{API}/reports", json={"kind": "plan", "subject_id": str(plan.id)}, headers=token
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    router.render_slots.cache_clear()
    assert (sorted(statuses), peak) == ([201] * 4, slots)


@pytest.mark.parametrize(("paper", "width", "height"), [("A4", 595, 842), ("Letter", 612, 792)])
def test_reports_use_the_programmes_paper_size(
    client: TestClient, demo: Session, paper: str, width: int, height: int
) -> None:
    broker = demo.exec(select(User).where(User.email == BROKER)).one()
    programme = demo.get(Programme, broker.programme_id)
    assert programme is not None
    programme.paper_size = PaperSize(paper)
    demo.add(programme)
    demo.commit()
    response = issue(client, BROKER, "programme", programme.id, "en")
    pdf = client.get(f"{API}/reports/{response.json()['id']}/pdf", headers=headers(BROKER))
    box = PdfReader(io.BytesIO(pdf.content)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (width, height)


def test_chart_numbers_follow_the_reports_language(client: TestClient, demo: Session) -> None:
    subject, _names = subject_of(demo, "comparison")
    texts = {}
    for lang in ("en", "fr"):
        issued = issue(client, BROKER, "comparison", subject, lang).json()
        pdf = client.get(f"{API}/reports/{issued['id']}/pdf", headers=headers(BROKER))
        texts[lang] = text_of(pdf.content)[0]
    # The bars print scores with one decimal and a percent sign: 46.7% in English.
    assert re.search(r"\d\.\d%", texts["en"])
    assert re.search(r"\d,\d%", texts["fr"])
    assert not re.search(r"\d\.\d%", texts["fr"])
