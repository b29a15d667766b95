"""The request log: one line per request, never a secret."""

import logging

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from service.accounts.models import Role
from tests.factories import PASSWORD, make_tenant


def test_one_line_per_request_with_template_status_and_user(
    client: TestClient, session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    tenant = make_tenant(session, "Alpha")
    supplier = tenant.users[Role.supplier]
    with caplog.at_level(logging.INFO, logger="supplierdev.request"):
        client.get(f"/api/v1/users/{supplier.id}?secret=abc", headers=tenant.headers(Role.admin))
    lines = [
        record.getMessage() for record in caplog.records if record.name == "supplierdev.request"
    ]
    assert len(lines) == 1
    method, template, status, duration, user = lines[0].split(" ")
    assert (method, template, status) == ("GET", "/api/v1/users/{user_id}", "200")
    assert duration.endswith("ms")
    assert user == f"user={tenant.users[Role.admin].id}"


def test_login_is_logged_without_password_or_token(
    client: TestClient, session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    make_tenant(session, "Alpha")
    with caplog.at_level(logging.DEBUG):
        response = client.post(
            "/api/v1/auth/login", json={"email": "admin@alpha.test", "password": PASSWORD}
        )
    token = response.json()["access_token"]
    assert PASSWORD not in caplog.text
    assert token not in caplog.text
    assert "POST /api/v1/auth/login 200" in caplog.text
