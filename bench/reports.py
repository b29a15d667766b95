"""Report rendering benchmark: the full endpoint against WeasyPrint alone, and light reads
while reports render.

Run: .venv/bin/python -m bench.reports   (about two minutes; prints a table of ratios)

1. For the buyer's monthly report and the programme report, on the demo programme and on a
   generated programme of 40 engagements: the median time of `POST /api/v1/reports` (data
   gathering, templating, rendering, storing) against WeasyPrint alone rendering the same
   final HTML, measured in the same run. Target: endpoint / WeasyPrint <= 1.25.
2. Against a real uvicorn server (one worker): the p99 of `GET /api/v1/me` idle, and again
   while two clients render reports without pause. Target: busy p99 / idle p99 < 3.
"""

import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "11"))
READS = int(os.environ.get("BENCH_READS", "400"))


def configure(folder: Path) -> str:
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ.update(
        {
            "SUPPLIERDEV_DATABASE_URL": url,
            "SUPPLIERDEV_SECRET_KEY": "bench-secret",
            "SUPPLIERDEV_UPLOAD_DIR": str(folder / "uploads"),
            "SUPPLIERDEV_REPORTS_DIR": str(folder / "reports"),
        }
    )
    return url


def seed_forty(session: Any, programme_id: Any, broker: Any) -> Any:
    """A second programme-sized load inside the demo programme's database: 40 engagements
    in improvement_plans, each with two suppliers and the buyer on six-month plans of five
    actions, four monthly reviews and KPI readings. Returns the new programme."""
    from service.analyses.models import KpiSource, KpiValue
    from service.engagements.models import Engagement, Participation
    from service.plans.models import Action, ActionCategory, FundingShare, Payer, Plan, Review
    from service.programmes.calendar import today_in
    from service.programmes.models import Organization, OrganizationKind, Programme
    from workflows import ParticipationState, Phase, PlanState
    from workflows.plan_health import ActionStatus, add_months

    demo = session.get(Programme, programme_id)
    programme = Programme(
        name="Programa nacional (40)", timezone=demo.timezone, currency=demo.currency
    )
    session.add(programme)
    session.flush()
    today = today_in(session, programme.id)
    starts = add_months(today, -4)
    categories = list(ActionCategory)
    for number in range(40):
        buyer = Organization(
            programme_id=programme.id, name=f"Comprador {number:02d}", kind=OrganizationKind.buyer
        )
        suppliers = [
            Organization(
                programme_id=programme.id,
                name=f"Proveedor {number:02d}-{s}",
                kind=OrganizationKind.supplier,
            )
            for s in range(2)
        ]
        session.add_all([buyer, *suppliers])
        session.flush()
        engagement = Engagement(
            programme_id=programme.id,
            buyer_id=buyer.id,
            broker_id=broker.id,
            title=f"Encadenamiento {number:02d}",
            phase=Phase.improvement_plans,
        )
        session.add(engagement)
        session.flush()
        firms: list[tuple[Any, Any]] = [(buyer.id, None)]
        for supplier in suppliers:
            participation = Participation(
                engagement_id=engagement.id,
                supplier_id=supplier.id,
                state=ParticipationState.implementing,
            )
            session.add(participation)
            session.flush()
            firms.append((supplier.id, participation.id))
        for organization_id, participation_id in firms:
            plan = Plan(
                programme_id=programme.id,
                engagement_id=engagement.id,
                participation_id=participation_id,
                organization_id=organization_id,
                starts_on=starts,
                state=PlanState.in_progress,
                created_by=broker.id,
            )
            session.add(plan)
            session.flush()
            actions = []
            for a in range(5):
                action = Action(
                    programme_id=programme.id,
                    plan_id=plan.id,
                    category=categories[a % len(categories)],
                    title=f"Acción {a + 1} del plan",
                    starts_on=starts + timedelta(days=20 * a),
                    due_on=starts + timedelta(days=20 * a + 60),
                    status=ActionStatus.in_progress,
                    progress=min(100, 30 * (4 - a)),
                    estimated_cost=Decimal(1000 * (a + 1)),
                )
                session.add(action)
                actions.append(action)
            session.flush()
            for action in actions:
                session.add(
                    FundingShare(action_id=action.id, payer=Payer.firm, percent=Decimal(40))
                )
                session.add(
                    FundingShare(
                        action_id=action.id, payer=Payer.programme, percent=Decimal(60), position=1
                    )
                )
            for month in range(4):
                held = add_months(starts, month + 1) - timedelta(days=3)
                session.add(
                    Review(
                        plan_id=plan.id,
                        held_on=held,
                        broker_id=broker.id,
                        notes="Revisión mensual.",
                        progress={str(a.id): 20 * month for a in actions},
                    )
                )
                session.add(
                    KpiValue(
                        engagement_id=engagement.id,
                        organization_id=organization_id,
                        kpi="on_time_delivery",
                        value=str(70 + 4 * month),
                        measured_on=held,
                        source=KpiSource.baseline if month == 0 else KpiSource.review,
                        recorded_by=broker.id,
                    )
                )
    session.commit()
    return programme


def interleaved(first: Any, second: Any, rounds: int = ROUNDS) -> tuple[float, float]:
    """Median seconds of two actions timed in turn, so that the machine's drift (other
    load, CPU frequency) falls on both alike."""
    second()  # warm caches (templates, fonts) before measuring
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(rounds):
        for action, bucket in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            action()
            bucket.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def render_ratios(
    client: Any, token: str, email: str, cases: list[tuple[str, str, Any]]
) -> list[tuple[str, float, float]]:
    """Per case: (name, endpoint seconds, WeasyPrint-alone seconds), medians. WeasyPrint
    alone renders the endpoint's own final HTML in the same worker processes (the endpoint
    gathers its data and lays the HTML out there too, so that is counted on its side)."""
    from sqlmodel import select

    from service.accounts.models import User
    from service.database import read_session
    from service.reports import service
    from service.reports.models import ReportKind
    from service.reports.rendering import html_to_pdf, render_html, render_pool

    rows = []
    for name, kind, subject in cases:
        body = {"kind": kind, "subject_id": str(subject)}
        auth = {"Authorization": f"Bearer {token}"}

        def endpoint(body: dict[str, str] = body, auth: dict[str, str] = auth) -> None:
            response = client.post("/api/v1/reports", json=body, headers=auth)
            assert response.status_code == 201, response.text

        endpoint()  # warm up the worker processes
        with read_session() as session:
            user = session.exec(select(User).where(User.email == email)).one()
            prepared = service.prepare(
                session=session,
                user=user,
                kind=ReportKind(kind),
                subject_id=subject,
                language=service.language_of(session, user, None),
            )
        html = render_html(prepared.view.template, prepared.language, prepared.context)

        def alone(html: str = html) -> None:
            render_pool().submit(html_to_pdf, html).result()

        full, bare = interleaved(endpoint, alone)
        rows.append((name, full, bare))
    return rows


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def read_latencies(base: str, token: str, count: int) -> list[float]:
    import httpx

    headers = {"Authorization": f"Bearer {token}"}
    times = []
    with httpx.Client(base_url=base, headers=headers) as client:
        for _ in range(count):
            start = time.perf_counter()
            assert client.get("/api/v1/me").status_code == 200
            times.append(time.perf_counter() - start)
    return times


def reads_while_rendering(url: str, token: str, subject: Any) -> tuple[float, float]:
    """p99 of a light read, idle and while two clients render monthly reports."""
    import httpx

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.server import running_server

    with running_server(url, workers=1) as base:
        read_latencies(base, token, 50)  # warm up
        idle = percentile(read_latencies(base, token, READS), 0.99)
        stop = threading.Event()

        def render() -> None:
            with httpx.Client(base_url=base, timeout=60) as client:
                while not stop.is_set():
                    client.post(
                        "/api/v1/reports",
                        json={"kind": "monthly", "subject_id": str(subject)},
                        headers={"Authorization": f"Bearer {token}"},
                    )

        renderers = [threading.Thread(target=render) for _ in range(2)]
        for thread in renderers:
            thread.start()
        time.sleep(1.0)
        busy = percentile(read_latencies(base, token, READS), 0.99)
        stop.set()
        for thread in renderers:
            thread.join()
    return idle, busy


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="supplierdev-bench-"))
    url = configure(folder)
    from fastapi.testclient import TestClient
    from sqlmodel import select

    from service.accounts.models import Role, User
    from service.app import app
    from service.database import write_session
    from service.demo import load_demo
    from service.engagements.models import Engagement
    from service.migrations_runner import upgrade
    from tests.fuzz.hooks import mint_token

    upgrade(url)
    load_demo()
    with write_session() as session:
        broker = session.exec(select(User).where(User.email == "broker@demo.supplierdev.org")).one()
        demo_programme = broker.programme_id
        calzado = session.exec(
            select(Engagement).where(Engagement.phase == "improvement_plans")
        ).one()
        large = seed_forty(session, demo_programme, broker)
        large_engagement = session.exec(
            select(Engagement).where(Engagement.programme_id == large.id)
        ).first()
        assert large_engagement is not None
        # The broker reads the large programme too: a unit admin of it issues its reports.
        admin = User(
            email="admin@national.bench",
            full_name="Bench admin",
            programme_id=large.id,
            organization_id=None,
            role=Role.admin,
            password_hash="x",
        )
        session.add(admin)
        session.commit()
        ids = (calzado.id, large.id, large_engagement.id, demo_programme)
    demo_token = mint_token("broker@demo.supplierdev.org")
    large_token = mint_token("admin@national.bench")
    client = TestClient(app)
    rows = render_ratios(
        client,
        demo_token,
        "broker@demo.supplierdev.org",
        [
            ("monthly, demo", "monthly", ids[0]),
            ("programme, demo", "programme", ids[3]),
        ],
    )
    rows += render_ratios(
        client,
        large_token,
        "admin@national.bench",
        [
            ("monthly, 40 engagements", "monthly", ids[2]),
            ("programme, 40 engagements", "programme", ids[1]),
        ],
    )
    print(f"{'report':28} {'endpoint':>10} {'WeasyPrint':>11} {'ratio':>7}  (target <= 1.25)")
    for name, full, alone in rows:
        print(f"{name:28} {full * 1000:8.0f}ms {alone * 1000:9.0f}ms {full / alone:7.2f}")
    idle, busy = reads_while_rendering(url, demo_token, ids[0])
    print(
        f"GET /api/v1/me p99: idle {idle * 1000:.1f} ms, while 2 reports render "
        f"{busy * 1000:.1f} ms, ratio {busy / idle:.2f} (target < 3)"
    )


if __name__ == "__main__":
    main()
