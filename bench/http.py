"""HTTP load benchmark: the service under wrk, against the framework's ceiling and a naive floor.

    .venv/bin/python -m bench.http            # everything: both databases, 1 and 2 workers

For each database (an SQLite file and PostgreSQL) it seeds scale 1 and scale 0.1 once (kept in
var/bench/ and in databases named supplierdev_bench_*, reused by later runs), starts uvicorn
with `bench.app:app` and runs every case with wrk, a separate process written in C, so the
load generator costs the two cores as little as possible. wrk keeps one connection per thread,
which lets its script follow ETags for the writes.

Every case's throughput is set against the ceiling measured by the same server in the same run.
Read cases also run on scale 0.1, the two servers side by side and taking turns, to show how
latency grows with the data.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
LUA = Path(__file__).with_name("wrk_case.lua")
PASSWORD = "bench-pass"
PG_SERVER = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
API = "/api/v1"
# Throughput targets as a share of the ceiling, by case.
TARGETS = {
    "engagement detail": 0.5,
    "engagement list (50, filtered)": 0.33,
    "audit with scores": 0.33,
    "transition (audit submit/reopen)": 0.2,
}
ROUNDS = 3  # turns per side in the growth comparison
READ_CASES = [
    "naive floor (pk read)",
    "engagement detail",
    "engagement list (50, filtered)",
    "audit with scores",
    "overdue actions (programme)",
]


@dataclass
class Result:
    case: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    failed: int
    ratio: float = 0.0


@dataclass
class Run:
    database: str
    scale: float
    workers: int
    results: list[Result] = field(default_factory=list)
    worker_rss_mb: list[float] = field(default_factory=list)


# -- databases -----------------------------------------------------------------------------


def database_url(database: str, scale: float) -> str:
    name = f"scale-{scale:g}".replace(".", "_")
    if database == "sqlite":
        return f"sqlite:///{ROOT / 'var' / 'bench' / (name + '.sqlite3')}"
    return f"{PG_SERVER}/supplierdev_bench_{name.replace('-', '_')}"


def ensure_seeded(url: str, scale: float) -> None:
    """Seed the database once; later runs reuse it (delete the file or database to reseed)."""
    if url.startswith("postgresql"):
        import psycopg

        server, name = url.rsplit("/", 1)
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
            ).fetchone()
            if exists is None:
                connection.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "SUPPLIERDEV_DATABASE_URL": url}
    supplierdev = str(Path(sys.executable).with_name("supplierdev"))
    if _has_programmes(url):  # seeded by an earlier run: bring it to the newest migration
        subprocess.run([supplierdev, "db", "upgrade"], env=env, cwd=ROOT, check=True)
        return
    print(f"seeding scale {scale:g} into {url}", flush=True)
    command = [sys.executable, "-m", "bench.seed", "--scale", f"{scale:g}"]
    subprocess.run(command, env=env, cwd=ROOT, check=True)


def _has_programmes(url: str) -> bool:
    import sqlalchemy as sa

    from service.database import normalise_url

    engine = sa.create_engine(normalise_url(url))
    try:
        with engine.connect() as connection:
            return bool(connection.execute(sa.text("SELECT count(*) FROM programme")).scalar())
    except sa.exc.DatabaseError:
        return False
    finally:
        engine.dispose()


# -- the server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(url: str, workers: int, folder: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """uvicorn serving bench.app:app on the database; yields its base URL and process."""
    port = free_port()
    env = {
        **os.environ,
        "SUPPLIERDEV_DATABASE_URL": url,
        "SUPPLIERDEV_SECRET_KEY": "bench-secret-key-not-for-production-use-0123456789",
        "SUPPLIERDEV_UPLOAD_DIR": str(folder / "uploads"),
        "SUPPLIERDEV_REPORTS_DIR": str(folder / "reports"),
    }
    command = [sys.executable, "-m", "uvicorn", "bench.app:app", "--port", str(port)]
    command += ["--workers", str(workers), "--no-access-log", "--log-level", "warning"]
    process = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the benchmark server did not start")
            time.sleep(0.2)
        yield base, process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def worker_rss_mb(process: subprocess.Popen[bytes], workers: int) -> list[float]:
    """Resident memory of each worker process (the server itself when it has one worker)."""
    if workers == 1:
        pids = [process.pid]
    else:
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        pids = [
            int(pid)
            for pid in children
            if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]
    sizes = []
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
        sizes.append(int(line.split()[1]) / 1024)
    return sizes


# -- the cases -----------------------------------------------------------------------------


def login(client: httpx.Client, email: str) -> str:
    response = client.post(f"{API}/auth/login", json={"email": email, "password": PASSWORD})
    response.raise_for_status()
    return str(response.json()["access_token"])


def all_pages(client: httpx.Client, path: str, **params: str) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    cursor = None
    while True:
        query = {**params, "limit": "200", **({"cursor": cursor} if cursor else {})}
        page = client.get(path, params=query).raise_for_status().json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


@dataclass
class Case:
    name: str
    authorization: str
    subjects: list[str]  # "etag\tMETHOD\tpath\tbody[\tMETHOD\tpath\tbody...]"


def read_case(name: str, authorization: str, paths: list[str]) -> Case:
    return Case(name, authorization, [f"\tGET\t{path}\t" for path in paths])


def number_questions(client: httpx.Client, audit: dict[str, object]) -> set[str]:
    """The ids of the audit template's number questions."""
    path = f"{API}/audit-templates/{audit['template_id']}/versions/{audit['template_version']}"
    template = client.get(path).raise_for_status().json()
    return {
        question["id"]
        for section in template["sections"]
        for question in section["questions"]
        if question["type"] == "number"
    }


def answers_body(answers: list[dict[str, object]], numbers: set[str], mark: str) -> str:
    """25 answers as read, numbers sent back as JSON numbers, each with a new comment."""
    chosen = []
    for answer in answers[:25]:
        value = answer["value"]
        if answer["question_id"] in numbers:
            value = float(str(value)) if "." in str(value) else int(str(value))
        chosen.append({"question_id": answer["question_id"], "value": value, "comment": mark})
    return json.dumps({"answers": chosen})


def build_cases(base: str, programme: int) -> list[Case]:
    """Every case, with subjects spread over the programme's data."""
    email = f"broker@p{programme:02d}.bench.supplierdev.org"
    admin_email = f"admin@p{programme:02d}.bench.supplierdev.org"
    with httpx.Client(base_url=base, timeout=60) as client:
        broker = f"Bearer {login(client, email)}"
        admin = f"Bearer {login(client, admin_email)}"
        client.headers["Authorization"] = broker
        me = client.get(f"{API}/me").raise_for_status().json()["id"]
        engagements = all_pages(client, f"{API}/engagements")
        ids = [str(item["id"]) for item in engagements]
        reviewed, drafts = [], []
        for engagement in engagements:
            path = f"{API}/engagements/{engagement['id']}/audits"
            for audit in client.get(path).raise_for_status().json()["items"]:
                if audit["state"] == "reviewed":
                    reviewed.append(str(audit["id"]))
                elif engagement["phase"] == "supplier_evaluation" and engagement["broker_id"] == me:
                    drafts.append(audit)
        answer_subjects: list[str] = []
        transition_subjects: list[str] = []
        numbers: dict[str, set[str]] = {}
        for audit in drafts:
            path = f"{API}/audits/{audit['id']}"
            detail = client.get(path)
            etag, body = detail.headers["etag"], detail.json()
            answers = [answer for answer in body["answers"] if not answer["not_applicable"]]
            allowed = client.get(f"{path}/transitions").json()
            ready = any(t["trigger"] == "submit" and t["allowed"] for t in allowed)
            submit = f"POST\t{path}/transitions/submit\t"
            reason = json.dumps({"reason": "Benchmark: reopened to correct an answer"})
            reopen = f"POST\t{path}/transitions/reopen\t{reason}"
            if body["state"] == "submitted":
                transition_subjects.append("\t".join([etag, reopen, submit]))
            elif ready and len(transition_subjects) <= len(answer_subjects):
                transition_subjects.append("\t".join([etag, submit, reopen]))
            elif body["state"] == "draft" and len(answers) >= 25:
                key = f"{audit['template_id']}/{audit['template_version']}"
                if key not in numbers:
                    numbers[key] = number_questions(client, audit)
                steps = [
                    f"PUT\t{path}/answers\t{answers_body(answers, numbers[key], mark)}"
                    for mark in ("Checked on site", "Checked again on site")
                ]
                answer_subjects.append("\t".join([etag, *steps]))
    mine = f"{API}/engagements?broker_id={me}&limit=50"
    return [
        read_case("ceiling (constant JSON)", "", ["/bench/ceiling"]),
        read_case("naive floor (pk read)", "", [f"/bench/floor/{i}" for i in ids]),
        read_case("engagement detail", broker, [f"{API}/engagements/{i}" for i in ids]),
        read_case("engagement list (50, filtered)", broker, [mine]),
        read_case("audit with scores", broker, [f"{API}/audits/{i}" for i in reviewed]),
        read_case("overdue actions (programme)", broker, [f"{API}/tracking/overdue-actions"]),
        Case("bulk answers (25 per request)", broker, answer_subjects),
        Case("transition (audit submit/reopen)", admin, transition_subjects),
    ]


def run_wrk(base: str, case: Case, seconds: int, connections: int, folder: Path) -> Result:
    """Run wrk on one case: a short warm-up, then the measured run."""
    if not case.subjects:
        raise RuntimeError(f"no subjects for the case {case.name!r}: is the database seeded?")
    subjects = case.subjects
    reads = all(subject.startswith("\tGET\t") for subject in subjects)
    if reads:
        subjects = subjects * -(-connections // len(subjects))  # reads may repeat
    threads = min(connections, len(subjects))  # a write subject belongs to one thread
    requests = folder / "case.txt"
    requests.write_text("\n".join([case.authorization, *subjects]) + "\n")
    env = {**os.environ, "CASE": str(requests), "THREADS": str(threads)}
    command = ["wrk", f"-t{threads}", f"-c{threads}", "-s", str(LUA), "--timeout", "10s"]
    if reads:  # a warm-up run would leave the writes' ETags behind
        subprocess.run([*command, "-d1s", base], env=env, check=True, capture_output=True)
    output = subprocess.run(
        [*command, f"-d{seconds}s", base], env=env, check=True, capture_output=True, text=True
    )
    if output.stderr.strip():
        print(f"  {case.name}: {output.stderr.strip()[:400]}", file=sys.stderr)
    summary = json.loads(output.stdout.strip().splitlines()[-1])
    return Result(
        case=case.name,
        requests_per_second=summary["requests"] / summary["seconds"],
        p50_ms=summary["p50_us"] / 1000,
        p99_ms=summary["p99_us"] / 1000,
        failed=summary["failed"] + summary["socket_errors"],
    )


def measure(database: str, scale: float, workers: int, args: argparse.Namespace) -> Run:
    url = database_url(database, scale)
    ensure_seeded(url, scale)
    run = Run(database, scale, workers)
    folder = Path(tempfile.mkdtemp(prefix="supplierdev-http-"))
    try:
        with server(url, workers, folder) as (base, process):
            all_cases = build_cases(base, args.programme)
            for case in all_cases:
                result = run_wrk(base, case, args.seconds, args.connections, folder)
                run.results.append(result)
            # The ceiling again at the end: the better of the two counts, so a machine that
            # was busy during one of them does not flatter the ratios.
            again = run_wrk(base, all_cases[0], args.seconds, args.connections, folder)
            if again.requests_per_second > run.results[0].requests_per_second:
                run.results[0] = again
            run.worker_rss_mb = worker_rss_mb(process, workers)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    ceiling = run.results[0].requests_per_second
    for result in run.results:
        result.ratio = result.requests_per_second / ceiling
    return run


def growth(database: str, args: argparse.Namespace) -> list[tuple[str, float, float]]:
    """Each read's p50 at the small and the large scale: both servers run side by side and
    take turns, three rounds each, so a machine that slows down meanwhile slows both; the
    median of each side's rounds counts."""
    urls = [database_url(database, scale) for scale in (args.small_scale, args.scale)]
    for url, scale in zip(urls, (args.small_scale, args.scale), strict=True):
        ensure_seeded(url, scale)
    folders = [Path(tempfile.mkdtemp(prefix="supplierdev-http-")) for _ in urls]
    rows = []
    try:
        with server(urls[0], 1, folders[0]) as small, server(urls[1], 1, folders[1]) as large:
            sides = [(small[0], folders[0]), (large[0], folders[1])]
            cases = [
                {case.name: case for case in build_cases(base, args.programme)}
                for base, _folder in sides
            ]
            for name in READ_CASES:
                p50s: list[list[float]] = [[], []]
                for turn in range(ROUNDS):
                    for side in (0, 1) if turn % 2 == 0 else (1, 0):
                        base, folder = sides[side]
                        result = run_wrk(
                            base, cases[side][name], args.seconds, args.connections, folder
                        )
                        p50s[side].append(result.p50_ms)
                rows.append((name, statistics.median(p50s[0]), statistics.median(p50s[1])))
    finally:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
    return rows


# -- the report ----------------------------------------------------------------------------


def print_run(run: Run) -> None:
    print(f"\n{run.database}, scale {run.scale:g}, {run.workers} worker(s)")
    print(f"{'case':34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} {'target':>7}")
    for result in run.results:
        target = TARGETS.get(result.case)
        verdict = ""
        if target is not None:
            verdict = f"≥{target:.2f} " + ("ok" if result.ratio >= target else "MISSED")
        failed = f"  ({result.failed} failed)" if result.failed else ""
        print(
            f"{result.case:34} {result.requests_per_second:8.0f} {result.p50_ms:8.2f} "
            f"{result.p99_ms:8.2f} {result.ratio:6.2f} {verdict:>7}{failed}"
        )
    memory = ", ".join(f"{size:.0f}" for size in run.worker_rss_mb)
    verdict = "ok" if max(run.worker_rss_mb) < 250 else "MISSED"
    print(f"resident memory per worker after the run: {memory} MB (target < 250: {verdict})")


def print_growth(
    database: str, rows: list[tuple[str, float, float]], args: argparse.Namespace
) -> None:
    print(
        f"\n{database}: read p50 at scale {args.scale:g} against scale {args.small_scale:g} "
        f"(1 worker, median of {ROUNDS} turns each)"
    )
    for name, small, large in rows:
        verdict = "ok" if large <= 1.2 * small else "MISSED"
        print(
            f"{name:34} {small:8.2f} → {large:8.2f} ms {large / small:6.2f}× "
            f"(target ≤ 1.20: {verdict})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--small-scale", type=float, default=0.1)
    parser.add_argument("--seconds", type=int, default=6, help="measured seconds per case")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--programme", type=int, default=1, help="whose broker makes requests")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: install it with `apt-get install wrk` (Debian) and run again")
    for database in args.databases.split(","):
        for workers in args.workers.split(","):
            print_run(measure(database, args.scale, int(workers), args))
        print_growth(database, growth(database, args), args)


if __name__ == "__main__":
    main()
