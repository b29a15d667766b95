"""Liveness and readiness probes."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from service.migrations_runner import head_revision


def test_healthz_answers_ok(client: TestClient) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_readyz_is_ready_at_the_migration_head(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "migration": head_revision()}


def test_readyz_is_503_when_the_schema_is_behind(client: TestClient, engine: Engine) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'older'")
    try:
        response = client.get("/readyz")
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql(
                f"UPDATE alembic_version SET version_num = '{head_revision()}'"
            )
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert (
        response.json()["detail"]
        == f"the database is at migration older, the code needs {head_revision()}"
    )
