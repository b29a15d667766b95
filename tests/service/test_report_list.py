"""The list of issued reports comes newest first, the order people read what they received."""

import uuid
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from service.accounts.models import Role
from service.reports.models import IssuedReport, ReportKind
from service.types import Language
from tests.factories import Tenant, make_tenant

ISSUED = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def issue_programme_reports(session: Session, tenant: Tenant, titles: list[str]) -> None:
    """Programme reports issued a day apart, in the order of the titles (bytes not needed
    to list them)."""
    for day, title in enumerate(titles):
        session.add(
            IssuedReport(
                programme_id=tenant.programme.id,
                kind=ReportKind.programme,
                subject_id=tenant.programme.id,
                language=Language.en,
                title=title,
                sha256="0" * 64,
                size=1,
                storage_key=f"missing/{uuid.uuid4().hex}",
                issued_by=tenant.users[Role.admin].id,
                created_at=ISSUED + timedelta(days=day),
            )
        )
    session.commit()


def test_reports_are_listed_newest_first_across_pages(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Newest")
    issue_programme_reports(session, tenant, ["March 1", "March 2", "March 3", "March 4"])
    titles: list[str] = []
    params: dict[str, str | int] = {"limit": 3}
    pages = 0
    while True:
        response = client.get("/api/v1/reports", params=params, headers=tenant.headers(Role.admin))
        assert response.status_code == 200, response.text
        body = response.json()
        titles += [item["title"] for item in body["items"]]
        pages += 1
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]
    assert titles == ["March 4", "March 3", "March 2", "March 1"]
    assert pages == 2
