"""Children created under a versioned parent answer the parent's new version in Parent-ETag,
so a client adds one child after another without reading the parent again."""

from datetime import date

from fastapi.testclient import TestClient
from sqlmodel import Session

from service.accounts.models import Role
from service.analyses.models import Analysis
from service.plans.models import Plan
from tests.factories import make_plan, make_plan_ready, make_tenant


def test_five_actions_are_added_in_a_row_without_reading_the_plan_again(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Rows")
    make_plan_ready(session, tenant)
    plan, _action = make_plan(session, tenant)
    tag = f'"{plan.version}"'
    for n in range(5):
        response = client.post(
            f"/api/v1/plans/{plan.id}/actions",
            json={
                "category": "training",
                "title": f"Course {n}",
                "starts_on": "2027-01-10",
                "due_on": "2027-03-31",
                "estimated_cost": "100.00",
                "funding": [{"payer": "programme", "percent": "100"}],
            },
            headers={**tenant.headers(Role.broker), "If-Match": tag},
        )
        assert response.status_code == 201, response.text
        assert response.headers["ETag"] == '"1"'  # the new action's own version
        tag = response.headers["Parent-ETag"]
        assert tag == f'"{plan.version + n + 1}"'
    session.rollback()
    session.expire_all()
    stored = session.get(Plan, plan.id)
    assert stored is not None
    assert f'"{stored.version}"' == tag


def test_findings_and_baselines_take_the_analysis_if_match_and_answer_its_new_version(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Findings")
    make_plan_ready(session, tenant)
    assert tenant.analysis is not None
    analysis = tenant.analysis
    analysis.state = "draft"  # type: ignore[assignment]
    session.add(analysis)
    session.commit()
    path = f"/api/v1/analyses/{analysis.id}"
    headers = tenant.headers(Role.broker)
    finding = {"area": "other", "description": "Seen on the floor.", "severity": "minor"}
    missing = client.post(f"{path}/findings", json=finding, headers=headers)
    assert missing.status_code == 428
    stale = client.post(f"{path}/findings", json=finding, headers={**headers, "If-Match": '"9"'})
    assert stale.status_code == 412
    tag = f'"{analysis.version}"'
    added = client.post(f"{path}/findings", json=finding, headers={**headers, "If-Match": tag})
    assert added.status_code == 201, added.text
    tag = added.headers["Parent-ETag"]
    baseline = {"kpi": "lead_time", "value": 12, "measured_on": date(2026, 10, 2).isoformat()}
    measured = client.post(f"{path}/baselines", json=baseline, headers={**headers, "If-Match": tag})
    assert measured.status_code == 201, measured.text
    session.rollback()
    session.expire_all()
    stored = session.get(Analysis, analysis.id)
    assert stored is not None
    assert measured.headers["Parent-ETag"] == f'"{stored.version}"' == '"3"'
