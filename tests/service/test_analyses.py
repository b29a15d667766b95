"""Improvement analyses, and the engagement through round tables and analysis by the facts."""

from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service.accounts.models import Role
from service.engagements.models import Engagement, Participation
from service.programmes.models import OrganizationKind
from tests.factories import (
    Tenant,
    make_engagement,
    make_reviewed_audit,
    make_round_table,
    make_tenant,
)
from workflows import ParticipationState, Phase

API = "/api/v1"


def in_phase(session: Session, phase: Phase) -> tuple[Tenant, Engagement, Participation]:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant)
    engagement.phase = phase
    participation = session.exec(select(Participation)).one()
    participation.state = ParticipationState.selected
    session.add_all([engagement, participation])
    session.commit()
    tenant.engagement, tenant.participation = engagement, participation
    return tenant, engagement, participation


def post(
    client: TestClient,
    tenant: Tenant,
    path: str,
    body: dict | None = None,
    version: int | None = None,
    role: Role = Role.broker,
):  # type: ignore[no-untyped-def,type-arg]
    headers = tenant.headers(role)
    if version is not None:
        headers["If-Match"] = f'"{version}"'
    return client.post(f"{API}{path}", json=body, headers=headers)


def open_for(
    client: TestClient, tenant: Tenant, engagement: Engagement, participation: Participation | None
) -> dict:  # type: ignore[type-arg]
    body = {
        "participation_id": str(participation.id) if participation else None,
        "summary": "Planning is informal.",
    }
    response = post(client, tenant, f"/engagements/{engagement.id}/analyses", body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_one_analysis_per_firm(client: TestClient, session: Session) -> None:
    tenant, engagement, participation = in_phase(session, Phase.improvement_analysis)
    open_for(client, tenant, engagement, participation)
    again = post(
        client,
        tenant,
        f"/engagements/{engagement.id}/analyses",
        {"participation_id": str(participation.id)},
    )
    assert again.status_code == 409
    buyer = open_for(client, tenant, engagement, None)
    assert buyer["organization_id"] == str(tenant.organizations[OrganizationKind.buyer].id)


def test_invalid_baselines_are_refused_by_field(client: TestClient, session: Session) -> None:
    tenant, engagement, participation = in_phase(session, Phase.improvement_analysis)
    analysis = open_for(client, tenant, engagement, participation)
    cases = [
        (
            {"kpi": "on_time_delivery", "value": 140, "measured_on": "2026-10-01"},
            "value",
            "on_time_delivery cannot be above 100 %",
        ),
        (
            {"kpi": "inventory_days", "value": -2, "measured_on": "2026-10-01"},
            "value",
            "inventory_days cannot be below 0 days",
        ),
        (
            {"kpi": "happiness", "value": 3, "measured_on": "2026-10-01"},
            "kpi",
            "'happiness' is not one of 'on_time_delivery', 'defect_rate', 'lead_time', "
            "'inventory_days', 'cycle_time', 'productivity', 'scrap_rate', 'unit_cost', "
            "'local_purchases'",
        ),
        ({"value": 3, "measured_on": "2026-10-01"}, "kpi", "an object with kpi is required"),
        (
            {"kpi": "scrap_rate", "value": True, "measured_on": "2026-10-01"},
            "value",
            "must be a number",
        ),
    ]
    for body, field, message in cases:
        response = post(client, tenant, f"/analyses/{analysis['id']}/baselines", body, version=1)
        assert response.status_code == 422
        assert [error["field"] for error in response.json()["errors"]] == [field]
        assert response.json()["detail"] == f"{field}: {message}"
    read = client.get(
        f"{API}/analyses/{analysis['id']}", headers=tenant.headers(Role.broker)
    ).json()
    assert (read["baselines"], read["version"]) == ([], 1)


def test_approval_lists_what_is_missing_then_marks_the_supplier_analysed(
    client: TestClient, session: Session
) -> None:
    tenant, engagement, participation = in_phase(session, Phase.improvement_analysis)
    tenant.round_table = make_round_table(session, tenant)
    target = {
        "round_table_id": str(tenant.round_table.id),
        "kind": "kpi",
        "kpi": "lead_time",
        "value": 7,
        "due_on": "2027-05-31",
    }
    assert (
        post(
            client,
            tenant,
            f"/engagements/{engagement.id}/participations/{participation.id}/targets",
            target,
        ).status_code
        == 201
    )
    analysis = open_for(client, tenant, engagement, participation)
    refused = post(client, tenant, f"/analyses/{analysis['id']}/transitions/approve", version=1)
    assert refused.status_code == 409
    assert refused.json()["blocked_by"] == [
        "the analysis of Alpha supplier has no finding",
        "1 targeted KPI has no baseline: lead_time",
    ]
    finding = {
        "area": "delivery",
        "description": "Orders are planned on paper, weekly.",
        "severity": "major",
        "root_cause": "No production plan",
    }
    assert (
        post(client, tenant, f"/analyses/{analysis['id']}/findings", finding, 1).status_code == 201
    )
    baseline = {
        "kpi": "lead_time",
        "value": 14,
        "measured_on": "2026-10-01",
        "how_measured": "Last 20 orders",
    }
    assert (
        post(client, tenant, f"/analyses/{analysis['id']}/baselines", baseline, 2).status_code
        == 201
    )
    approved = post(client, tenant, f"/analyses/{analysis['id']}/transitions/approve", version=3)
    assert (approved.status_code, approved.json()["state"]) == (200, "approved")
    session.rollback()
    state = session.exec(
        select(Participation.state).where(Participation.id == participation.id)
    ).one()
    assert state == ParticipationState.analysed


def test_an_approved_analysis_is_locked_and_reopened_by_an_admin_with_a_reason(
    client: TestClient, session: Session
) -> None:
    tenant, engagement, participation = in_phase(session, Phase.improvement_analysis)
    analysis = open_for(client, tenant, engagement, participation)
    post(
        client,
        tenant,
        f"/analyses/{analysis['id']}/findings",
        {"area": "other", "description": "x", "severity": "observation"},
        version=1,
    )
    post(client, tenant, f"/analyses/{analysis['id']}/transitions/approve", version=2)
    locked = post(
        client,
        tenant,
        f"/analyses/{analysis['id']}/findings",
        {"area": "other", "description": "y", "severity": "minor"},
        version=3,
    )
    assert locked.status_code == 409
    assert (
        post(
            client,
            tenant,
            f"/analyses/{analysis['id']}/transitions/reopen",
            {"reason": "x"},
            version=3,
        ).status_code
        == 403
    )
    assert (
        post(
            client,
            tenant,
            f"/analyses/{analysis['id']}/transitions/reopen",
            version=3,
            role=Role.admin,
        ).status_code
        == 409
    )
    reopened = post(
        client,
        tenant,
        f"/analyses/{analysis['id']}/transitions/reopen",
        {"reason": "new figures"},
        version=3,
        role=Role.admin,
    )
    assert reopened.json()["state"] == "draft"


def test_a_supplier_sees_only_its_own_analysis(client: TestClient, session: Session) -> None:
    tenant, engagement, participation = in_phase(session, Phase.improvement_analysis)
    own = open_for(client, tenant, engagement, participation)
    buyer = open_for(client, tenant, engagement, None)
    headers = tenant.headers(Role.supplier)
    listed = client.get(f"{API}/engagements/{engagement.id}/analyses", headers=headers).json()[
        "items"
    ]
    assert [item["id"] for item in listed] == [own["id"]]
    assert client.get(f"{API}/analyses/{buyer['id']}", headers=headers).status_code == 404


def test_the_engagement_moves_through_round_tables_and_analysis_only_when_the_facts_hold(
    client: TestClient, session: Session
) -> None:
    tenant, engagement, participation = in_phase(session, Phase.round_tables)
    url = f"/engagements/{engagement.id}/transitions"
    assert post(client, tenant, f"{url}/start_analysis", version=1).json()["blocked_by"] == [
        "no round table has been held with minutes",
        "the buyer Alpha buyer has not attended a round table",
        "1 selected supplier has not attended a round table: Alpha supplier",
        "1 selected supplier has no agreed targets: Alpha supplier",
    ]
    round_table = make_round_table(session, tenant)
    attendance = [
        {"organization_id": str(tenant.organizations[k].id), "attendees": ["Someone"]}
        for k in (OrganizationKind.buyer, OrganizationKind.supplier)
    ]
    assert (
        post(
            client,
            tenant,
            f"/round-tables/{round_table.id}/hold",
            {"minutes": "Agreed.", "attendance": attendance},
            version=1,
        ).status_code
        == 200
    )
    target = {
        "round_table_id": str(round_table.id),
        "kind": "commitment",
        "party": "supplier",
        "text": "Weekly reports",
    }
    post(
        client,
        tenant,
        f"/engagements/{engagement.id}/participations/{participation.id}/targets",
        target,
    )
    assert (
        post(client, tenant, f"{url}/start_analysis", version=1).json()["phase"]
        == "improvement_analysis"
    )
    assert post(client, tenant, f"{url}/start_plans", version=2).json()["blocked_by"] == [
        "1 selected supplier has no approved analysis: Alpha supplier",
        "the buyer Alpha buyer has no approved analysis",
    ]
    for firm in (participation, None):
        analysis = open_for(client, tenant, engagement, firm)
        post(
            client,
            tenant,
            f"/analyses/{analysis['id']}/findings",
            {"area": "other", "description": "x", "severity": "minor"},
            version=1,
        )
        assert (
            post(
                client, tenant, f"/analyses/{analysis['id']}/transitions/approve", version=2
            ).status_code
            == 200
        )
    assert (
        post(client, tenant, f"{url}/start_plans", version=2).json()["phase"] == "improvement_plans"
    )


def test_findings_rest_on_the_firms_audit_answers_and_evidence(
    client: TestClient, session: Session, tmp_var: Path
) -> None:
    tenant, engagement, participation = in_phase(session, Phase.improvement_analysis)
    audit, evidence = make_reviewed_audit(session, tenant, tmp_var)
    other = make_tenant(session, "Beta")
    other.engagement = make_engagement(session, other)
    other.participation = session.exec(
        select(Participation).where(Participation.engagement_id == other.engagement.id)
    ).one()
    foreign_audit, foreign_evidence = make_reviewed_audit(session, other, tmp_var)
    analysis = open_for(client, tenant, engagement, participation)
    finding = {"area": "quality", "description": "No inspection records.", "severity": "major"}
    path = f"/analyses/{analysis['id']}/findings"
    answer = {"audit_id": str(audit.id), "question_id": "mgmt-01"}
    refused = [
        ([answer, {"evidence_id": str(foreign_evidence.id)}], "links.1.evidence_id"),
        ([{"audit_id": str(foreign_audit.id), "question_id": "mgmt-01"}], "links.0.audit_id"),
        ([{"audit_id": str(audit.id), "question_id": "no-such"}], "links.0.question_id"),
    ]
    for links, field in refused:
        response = post(client, tenant, path, {**finding, "links": links}, 1)
        assert (response.status_code, response.json()["errors"][0]["field"]) == (404, field)
    invalid = post(client, tenant, path, {**finding, "links": [{"audit_id": str(audit.id)}]}, 1)
    assert (invalid.status_code, invalid.json()["errors"][0]["field"]) == (
        422,
        "links.0.question_id",
    )
    created = post(
        client, tenant, path, {**finding, "links": [answer, {"evidence_id": str(evidence.id)}]}, 1
    )
    assert created.status_code == 201, created.text
    expected = [
        {"audit_id": str(audit.id), "question_id": "mgmt-01", "evidence_id": None},
        {"audit_id": str(audit.id), "question_id": "mgmt-01", "evidence_id": str(evidence.id)},
    ]
    assert sorted(created.json()["links"], key=str) == sorted(expected, key=str)
    read = client.get(f"{API}/analyses/{analysis['id']}", headers=tenant.headers(Role.supplier))
    assert [len(f["links"]) for f in read.json()["findings"]] == [2]
    assert read.json()["version"] == 2
