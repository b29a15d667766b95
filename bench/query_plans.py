"""The query plans of the benchmark's read requests, from the database itself.

    .venv/bin/python -m bench.query_plans sqlite:///var/bench/scale-1.sqlite3 [email password]

Sends each read case once through the application in this process, records every SQL
statement with its parameters, and asks the database how it runs each one (EXPLAIN QUERY PLAN
on SQLite, EXPLAIN on PostgreSQL). A full scan of a table is marked `FULL SCAN`.
"""

import os
import re
import sys
from typing import Any

import sqlalchemy as sa

PASSWORD = "bench-pass"
API = "/api/v1"


def explain(connection: sa.Connection, statement: str, parameters: Any) -> list[str]:
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        return [str(row[3]) for row in rows]
    rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
    return [str(row[0]) for row in rows]


def full_scans(plan: list[str]) -> list[str]:
    """Plan lines that read a whole table: SQLite's SCAN without an index, PostgreSQL's Seq Scan."""
    marked = []
    for line in plan:
        sqlite_scan = re.match(r"\s*SCAN (\w+)$", line)
        if sqlite_scan or "Seq Scan" in line:
            marked.append(line.strip())
    return marked


def main() -> None:
    url = sys.argv[1]
    email = sys.argv[2] if len(sys.argv) > 2 else "broker@p01.bench.supplierdev.org"
    password = sys.argv[3] if len(sys.argv) > 3 else PASSWORD
    os.environ["SUPPLIERDEV_DATABASE_URL"] = url
    from fastapi.testclient import TestClient

    from service.app import app
    from service.database import get_engine

    engine = get_engine()
    client = TestClient(app)
    token = client.post(
        f"{API}/auth/login",
        json={"email": email, "password": password},
    ).json()["access_token"]
    client.headers["Authorization"] = f"Bearer {token}"
    first = client.get(f"{API}/engagements", params={"limit": 50}).json()
    engagement = first["items"][0]["id"]
    audits = client.get(f"{API}/engagements/{engagement}/audits").json()["items"]
    phase = first["items"][0]["phase"]
    cases = {
        "engagement detail": f"{API}/engagements/{engagement}",
        "engagement list, filtered": f"{API}/engagements?phase={phase}&limit=50",
        "audits of an engagement": f"{API}/engagements/{engagement}/audits",
        "audit with scores": f"{API}/audits/{audits[0]['id']}",
        "overdue actions": f"{API}/tracking/overdue-actions",
    }
    if first["next_cursor"]:
        cases["engagement list, next page"] = (
            f"{API}/engagements?limit=50&cursor={first['next_cursor']}"
        )
    recorded: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            recorded.append((statement, parameters))

    scans = 0
    for name, path in cases.items():
        recorded.clear()
        sa.event.listen(engine, "before_cursor_execute", record)
        response = client.get(path)
        sa.event.remove(engine, "before_cursor_execute", record)
        print(f"\n## {name}: GET {path} → {response.status_code}, {len(recorded)} SELECTs")
        with engine.connect() as connection:
            for statement, parameters in recorded:
                plan = explain(connection, statement, parameters)
                print("\n" + " ".join(statement.split())[:300])
                for line in plan:
                    print(f"    {line}")
                for line in full_scans(plan):
                    scans += 1
                    print(f"    FULL SCAN: {line}")
    print(f"\n{scans} full table scan(s)")


if __name__ == "__main__":
    main()
