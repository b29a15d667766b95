"""Backup under a write load, restore into an empty database of the same and of the other
kind, and `supplierdev check`: reads answer identically and every file keeps its checksum."""

import hashlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import Session, select
from typer.testing import CliRunner

from service import cli
from service.accounts.models import ApiToken
from service.audits.models import Evidence
from service.backup import BackupError, check_files, create_backup, restore_backup
from service.database import create_db_engine, is_sqlite
from service.demo import DEMO_LOGINS, load_demo
from service.reports.models import IssuedReport
from service.settings import Settings, get_settings
from service.storage import storage_for
from tests.factories import fill_tenant, make_tenant
from tests.server import running_server

PG_URL = os.environ.get("SUPPLIERDEV_TEST_DATABASE_URL")


@pytest.fixture
def postgres_target(database_url: str) -> Iterator[str | None]:
    """An empty PostgreSQL database beside the test database (None without PostgreSQL)."""
    if not PG_URL:
        yield None
        return
    import psycopg

    source = database_url if not is_sqlite(database_url) else PG_URL
    server, name = source.rsplit("/", 1)
    target = f"{name}_restore"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{target}"')
    yield f"{server}/{target}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


def target_settings(url: str, folder: Path) -> Settings:
    return Settings(database_url=url, upload_dir=folder / "uploads", reports_dir=folder / "reports")


def reads(base: str, tokens: dict[str, str], session: Session) -> dict[str, object]:
    """Every read of the demo that a write load of new tokens does not change."""
    answers: dict[str, object] = {}
    with httpx.Client(base_url=base, timeout=120) as http:
        for role, token in tokens.items():
            headers = {"Authorization": f"Bearer {token}"}
            for path in ("/api/v1/me", "/api/v1/engagements", "/api/v1/users", "/api/v1/reports"):
                response = http.get(path, headers=headers)
                answers[f"{role} {path}"] = (response.status_code, response.json())
        admin = {"Authorization": f"Bearer {tokens['admin']}"}
        engagements = http.get("/api/v1/engagements", headers=admin).json()["items"]
        for engagement in engagements:
            for tail in ("", "/events", "/audits", "/plans", "/timeline", "/costs"):
                path = f"/api/v1/engagements/{engagement['id']}{tail}"
                response = http.get(path, headers=admin)
                answers[path] = (response.status_code, response.json())
        for audit_id, evidence_id in session.exec(select(Evidence.audit_id, Evidence.id)):
            path = f"/api/v1/audits/{audit_id}/evidence/{evidence_id}"
            response = http.get(path, headers=admin)
            answers[path] = (response.status_code, hashlib.sha256(response.content).hexdigest())
        for report_id, sha256 in session.exec(select(IssuedReport.id, IssuedReport.sha256)):
            response = http.get(f"/api/v1/reports/{report_id}/pdf", headers=admin)
            digest = hashlib.sha256(response.content).hexdigest()
            assert (response.status_code, digest) == (200, sha256)
            answers[f"report {report_id}"] = digest
    return answers


@pytest.mark.server
def test_a_backup_under_load_restores_identically_into_either_kind(
    session: Session, database_url: str, tmp_path: Path, postgres_target: str | None
) -> None:
    assert load_demo() is True
    with running_server(database_url, workers=2) as source:
        tokens = {}
        for role, email, password in DEMO_LOGINS[1:]:
            login = httpx.post(
                f"{source}/api/v1/auth/login",
                json={"email": email, "password": password},
                timeout=120,
            )
            tokens[role] = login.json()["access_token"]
        programme = httpx.get(
            f"{source}/api/v1/me", headers={"Authorization": f"Bearer {tokens['admin']}"}
        ).json()["programme_id"]
        issued = httpx.post(
            f"{source}/api/v1/reports",
            json={"kind": "programme", "subject_id": programme},
            headers={"Authorization": f"Bearer {tokens['admin']}"},
            timeout=300,
        )
        assert issued.status_code == 201, issued.text
        acknowledged: list[str] = []
        stop = threading.Event()

        def write_load() -> None:
            headers = {"Authorization": f"Bearer {tokens['broker']}"}
            with httpx.Client(base_url=source, timeout=120) as http:
                while not stop.is_set() and len(acknowledged) < 2000:
                    name = f"load-{len(acknowledged)}"
                    response = http.post("/api/v1/me/tokens", json={"name": name}, headers=headers)
                    assert response.status_code == 201
                    acknowledged.append(name)

        load = threading.Thread(target=write_load)
        load.start()
        try:
            while len(acknowledged) < 5 and load.is_alive():
                stop.wait(0.05)
            before_backup = list(acknowledged)
            archive = tmp_path / "backup.tar"
            made = create_backup(database_url, archive, get_settings())
        finally:
            stop.set()
            load.join()
        print(
            f"\nbackup under load: {sum(made.rows.values())} rows, {made.files} files; "
            f"{len(before_backup)} writes acknowledged before it, {len(acknowledged)} in all"
        )
        assert made.problems == []
        expected = reads(source, tokens, session)
        targets = {"sqlite": f"sqlite:///{tmp_path / 'restored.sqlite3'}"}
        if postgres_target:
            targets["postgresql"] = postgres_target
        for kind, url in targets.items():
            folder = tmp_path / kind
            restored = restore_backup(archive, url, target_settings(url, folder))
            assert restored.rows == made.rows
            assert restored.files == made.files
            engine = create_db_engine(url)
            with Session(engine) as target:
                names = set(target.exec(select(ApiToken.name)).all())
                assert set(before_backup) <= names  # nothing acknowledged before it is lost
                env = {
                    "SUPPLIERDEV_UPLOAD_DIR": str(folder / "uploads"),
                    "SUPPLIERDEV_REPORTS_DIR": str(folder / "reports"),
                }
                with running_server(url, workers=1, env=env) as copy:
                    answers = reads(copy, tokens, target)
                differing = [key for key in expected if answers.get(key) != expected[key]]
                assert differing == [], (kind, [(answers.get(k), expected[k]) for k in differing])
                assert answers.keys() == expected.keys()
                assert check_files(url, target_settings(url, folder)).problems == []
            engine.dispose()
    print(f"restored into {sorted(targets)}: {len(expected)} reads identical")


def test_restore_refuses_a_database_that_is_not_empty(
    session: Session, database_url: str, tmp_path: Path
) -> None:
    make_tenant(session, "Alpha")
    archive = tmp_path / "backup.tar"
    create_backup(database_url, archive, get_settings())
    with pytest.raises(BackupError, match=r"the target database is not empty \(programme has"):
        restore_backup(archive, database_url, get_settings())
    result = CliRunner().invoke(cli.app, ["restore", str(archive)])
    assert result.exit_code == 1
    assert "error: the target database is not empty (programme has rows)" in result.output


def test_a_tampered_archive_file_is_refused(
    session: Session, database_url: str, tmp_path: Path
) -> None:
    import tarfile

    tenant = fill_tenant(session, make_tenant(session, "Alpha"))
    assert tenant.report is not None
    archive = tmp_path / "backup.tar"
    create_backup(database_url, archive, get_settings())
    with tarfile.open(archive, "a") as tar:  # a later member of the same name wins
        key = f"files/reports/{tenant.report.storage_key}"
        info = tarfile.TarInfo(key)
        info.size = 4
        import io

        tar.addfile(info, io.BytesIO(b"evil"))
    url = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    with pytest.raises(BackupError, match="does not match its checksum"):
        restore_backup(archive, url, target_settings(url, tmp_path / "target"))


def test_check_reports_missing_and_corrupted_files(session: Session, database_url: str) -> None:
    tenant = fill_tenant(session, make_tenant(session, "Alpha"))
    assert tenant.evidence is not None
    assert tenant.report is not None
    evidence_key = tenant.evidence.storage_key
    report_key = tenant.report.storage_key
    ok = CliRunner().invoke(cli.app, ["check"])
    # The factory's evidence records a made-up checksum: the check catches it.
    assert ok.exit_code == 1
    assert ok.output.splitlines() == [
        f"corrupted: evidence/{evidence_key}",
        "2 stored files checked, 1 problems",
    ]
    storage_for("reports").delete(report_key)
    outcome = check_files(database_url, get_settings())
    assert [str(problem) for problem in outcome.problems] == [
        f"corrupted: evidence/{evidence_key}",
        f"missing: reports/{report_key}",
    ]
    session.rollback()
    assert session.exec(select(sa.func.count()).select_from(IssuedReport)).one() == 1


def supplierdev(env: dict[str, str], *args: str) -> str:
    """Run the real command, as an operator would; its output."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "service.cli", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.server
@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (SUPPLIERDEV_TEST_DATABASE_URL)")
def test_a_unit_started_on_sqlite_moves_to_postgresql_with_one_command(
    tmp_path: Path, postgres_target: str | None
) -> None:
    assert postgres_target is not None
    laptop = {
        "SUPPLIERDEV_DATABASE_URL": f"sqlite:///{tmp_path / 'laptop.sqlite3'}",
        "SUPPLIERDEV_UPLOAD_DIR": str(tmp_path / "laptop" / "uploads"),
        "SUPPLIERDEV_REPORTS_DIR": str(tmp_path / "laptop" / "reports"),
    }
    server = {
        "SUPPLIERDEV_DATABASE_URL": postgres_target,
        "SUPPLIERDEV_UPLOAD_DIR": str(tmp_path / "server" / "uploads"),
        "SUPPLIERDEV_REPORTS_DIR": str(tmp_path / "server" / "reports"),
    }
    supplierdev(laptop, "demo")
    with running_server(laptop["SUPPLIERDEV_DATABASE_URL"], workers=1, env=laptop) as before:
        tokens = {}
        for role, email, password in DEMO_LOGINS[1:]:
            login = httpx.post(
                f"{before}/api/v1/auth/login",
                json={"email": email, "password": password},
                timeout=120,
            )
            tokens[role] = login.json()["access_token"]
        archive = tmp_path / "unit.tar"
        assert supplierdev(laptop, "backup", str(archive)).startswith(f"backup {archive}: ")
        laptop_engine = create_db_engine(laptop["SUPPLIERDEV_DATABASE_URL"])
        with Session(laptop_engine) as laptop_session:
            expected = reads(before, tokens, laptop_session)
        laptop_engine.dispose()
    assert supplierdev(server, "restore", str(archive)).endswith(
        "files; verified; database at head\n"
    )
    assert supplierdev(server, "check").endswith("0 problems\n")
    with running_server(postgres_target, workers=1, env=server) as after:
        engine = create_db_engine(postgres_target)
        with Session(engine) as target:
            answers = reads(after, tokens, target)
        engine.dispose()
    assert [key for key in expected if answers.get(key) != expected[key]] == []
    assert answers.keys() == expected.keys()
