"""One integrator's flow through the Python client generated from /openapi.json, against a
live server with the demo programme: log in, list engagements and their audits, read an
audit, reopen it and write its answers back unchanged, submit it with If-Match, and download
an issued report."""

import importlib
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import Engine

from service.app import app
from tests.server import running_server
from tests.service.test_openapi_clients import PYTHON_CLIENT_CONFIG
from tests.snapshots import demo_loaded

ADMIN = {"email": "admin@demo.supplierdev.org", "password": "demo-admin-pass"}
PACKAGE = "supplierdev_client"


def generate(folder: Path) -> None:
    spec = folder / "openapi.json"
    spec.write_text(json.dumps(app.openapi()))
    config = folder / "config.json"
    config.write_text(json.dumps(PYTHON_CLIENT_CONFIG))
    generator = str(Path(sys.executable).with_name("openapi-python-client"))
    command = [generator, "generate", "--path", str(spec), "--config", str(config)]
    command += ["--meta", "none", "--output-path", str(folder / PACKAGE)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def api(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.api.{name}")


def items(page: Any) -> list[Any]:
    """A list's items, whether it is paged or a bare array."""
    return list(getattr(page, "items", page))


@pytest.mark.server
def test_an_integrator_walks_an_audit_through_the_generated_client(
    engine: Engine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    client_module = importlib.import_module(PACKAGE)
    models = importlib.import_module(f"{PACKAGE}.models")
    demo_loaded(engine)
    with running_server(database_url, workers=1) as base:
        anonymous = client_module.Client(base_url=base, timeout=120)
        login = api("accounts.accounts_login").sync(
            client=anonymous, body=models.LoginRequest(**ADMIN)
        )
        client = client_module.AuthenticatedClient(
            base_url=base, token=login.access_token, timeout=120
        )
        engagements = items(api("engagements.engagements_list").sync(client=client))
        audits = [
            audit
            for engagement in engagements
            if engagement.phase not in ("completed", "withdrawn", "on_hold")
            for audit in items(api("audits.audits_list").sync(engagement.id, client=client))
            if audit.state == "reviewed"
        ]
        audit_id = audits[0].id
        read = api("audits.audits_read").sync_detailed(audit_id, client=client)
        assert read.status_code == 200
        reopened = api("audits.audits_transition").sync_detailed(
            audit_id,
            models.AuditTrigger.REOPEN,
            client=client,
            body=models.AuditTransition(reason="the buyer asked for a second look"),
            if_match=read.headers["etag"],
        )
        assert reopened.status_code == 200, reopened.content
        answers = [
            models.AnswerIn.from_dict(
                {key: value for key, value in answer.to_dict().items() if key != "answered_at"}
            )
            for answer in read.parsed.answers
        ]
        saved = api("audits.audits_save_answers").sync_detailed(
            audit_id,
            client=client,
            body=models.AnswersIn(answers=answers),
            if_match=reopened.headers["etag"],
        )
        assert saved.status_code == 200, saved.content
        assert [answer.to_dict() for answer in saved.parsed.answers] != []
        submitted = api("audits.audits_transition").sync_detailed(
            audit_id, models.AuditTrigger.SUBMIT, client=client, if_match=saved.headers["etag"]
        )
        assert submitted.status_code == 200, submitted.content
        assert submitted.parsed.state == "submitted"
        issued = api("reports.reports_issue").sync_detailed(
            client=client,
            body=models.ReportRequest(kind=models.ReportKind.AUDIT, subject_id=audit_id),
        )
        assert issued.status_code == 201, issued.content
        pdf = api("reports.reports_download").sync_detailed(issued.parsed.id, client=client)
        assert pdf.status_code == 200
        assert pdf.content.startswith(b"%PDF-")
