"""Audits through the API: create, answer, evidence, submit, review, reopen, visibility."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from service.accounts.models import Role
from service.audits.models import Audit
from service.audits.templates import load_template, template_registry
from service.engagements.models import Engagement, Participation
from service.history import Event
from service.kpis import kpi_catalogue
from service.settings import get_settings
from tests.factories import TINY_PDF, Tenant, make_engagement, make_tenant
from tests.service.test_audit_templates import VALID
from workflows import ParticipationState, Phase

PDF = TINY_PDF
COMPLETE = [
    {"question_id": "qa-01", "value": 1},
    {"question_id": "qa-02", "value": True},
    {"question_id": "dl-01", "value": 93.5},
    {"question_id": "dl-02", "value": "paper"},
]


@pytest.fixture(autouse=True)
def mini_template(tmp_path: Path) -> Iterator[None]:
    """The small test template, registered beside the shipped ones for these tests."""
    path = tmp_path / "mini-v1.yaml"
    path.write_text(VALID, encoding="utf-8")
    template_registry()[("mini", 1)] = load_template(path, kpi_catalogue())
    yield
    del template_registry()[("mini", 1)]


def setup(
    session: Session, phase: Phase = Phase.supplier_evaluation
) -> tuple[Tenant, Engagement, Participation]:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant)
    engagement.phase = phase
    session.add(engagement)
    session.commit()
    participation = session.exec(select(Participation)).one()
    return tenant, engagement, participation


def create(
    client: TestClient, tenant: Tenant, engagement: Engagement, participation: Participation
) -> dict:  # type: ignore[type-arg]
    body = {
        "participation_id": str(participation.id),
        "template_id": "mini",
        "template_version": 1,
        "purpose": "evaluation",
    }
    response = client.post(
        f"/api/v1/engagements/{engagement.id}/audits",
        json=body,
        headers=tenant.headers(Role.broker),
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def answer(client: TestClient, tenant: Tenant, audit: dict, answers: list[dict], version: int = 1):  # type: ignore[no-untyped-def,type-arg]
    headers = {**tenant.headers(Role.broker), "If-Match": f'"{version}"'}
    return client.put(
        f"/api/v1/audits/{audit['id']}/answers", json={"answers": answers}, headers=headers
    )


def fire(
    client: TestClient,
    tenant: Tenant,
    audit_id: str,
    trigger: str,
    version: int,
    role: Role = Role.broker,
    reason: str | None = None,
):  # type: ignore[no-untyped-def]
    headers = {**tenant.headers(role), "If-Match": f'"{version}"'}
    body = {"reason": reason} if reason else None
    return client.post(
        f"/api/v1/audits/{audit_id}/transitions/{trigger}", json=body, headers=headers
    )


def upload(
    client: TestClient,
    tenant: Tenant,
    audit_id: str,
    content: bytes,
    name: str = "records.pdf",
    question: str = "qa-01",
):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/audits/{audit_id}/evidence",
        params={"question_id": question, "filename": name},
        content=content,
        headers={**tenant.headers(Role.broker), "Content-Type": "application/octet-stream"},
    )


def test_answers_are_scored_as_worked_by_hand(client: TestClient, session: Session) -> None:
    tenant, engagement, participation = setup(session)
    audit = create(client, tenant, engagement, participation)
    response = answer(client, tenant, audit, COMPLETE)
    assert response.status_code == 200, response.text
    score = response.json()["score"]
    assert (score["total"], score["band"]) == (62.5, "qualified")
    assert [(s["section_id"], s["score"]) for s in score["sections"]] == [
        ("quality", 66.67),
        ("delivery", 50.0),
    ]
    assert response.headers["etag"] == '"2"'


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"question_id": "qa-01", "value": 3}, "qa-01: a scale level from 0 to 2"),
        ({"question_id": "qa-01", "value": True}, "qa-01: a scale level from 0 to 2"),
        ({"question_id": "qa-02", "value": 1}, "qa-02: true or false"),
        ({"question_id": "dl-01", "value": 140}, "dl-01: on_time_delivery cannot be above 100 %"),
        ({"question_id": "dl-01", "value": "many"}, "dl-01: a number in %"),
        ({"question_id": "dl-02", "value": "fax"}, "dl-02: one of none, paper, system"),
        (
            {"question_id": "qa-02", "not_applicable": True},
            "qa-02: not applicable needs a reason in comment",
        ),
        ({"question_id": "zz-99", "value": 1}, "no question zz-99 in mini"),
    ],
)
def test_a_bad_answer_is_refused_by_name_and_nothing_is_saved(
    client: TestClient, session: Session, bad: dict, message: str
) -> None:  # type: ignore[type-arg]
    tenant, engagement, participation = setup(session)
    audit = create(client, tenant, engagement, participation)
    response = answer(client, tenant, audit, [{"question_id": "qa-02", "value": True}, bad])
    assert response.status_code == 422
    assert response.json()["detail"] == message
    assert (
        client.get(f"/api/v1/audits/{audit['id']}", headers=tenant.headers(Role.broker)).json()[
            "answers"
        ]
        == []
    )


def test_submit_lists_missing_answers_and_evidence(client: TestClient, session: Session) -> None:
    tenant, engagement, participation = setup(session)
    audit = create(client, tenant, engagement, participation)
    answer(client, tenant, audit, [{"question_id": "qa-01", "value": 2}])
    refused = fire(client, tenant, audit["id"], "submit", 2)
    assert refused.status_code == 409
    assert refused.json()["blocked_by"] == [
        "3 questions have no answer: qa-02, dl-01, dl-02",
        "1 question lacks required evidence: qa-01",
    ]


def test_the_full_cycle_makes_the_candidate_evaluated(client: TestClient, session: Session) -> None:
    tenant, engagement, participation = setup(session)
    audit = create(client, tenant, engagement, participation)
    answer(client, tenant, audit, COMPLETE)
    assert upload(client, tenant, audit["id"], PDF).status_code == 201  # evidence: version 3
    assert fire(client, tenant, audit["id"], "submit", 3).status_code == 200
    reviewed = fire(client, tenant, audit["id"], "review", 4)
    assert reviewed.status_code == 200
    assert reviewed.json()["state"] == "reviewed"
    session.rollback()  # end the test's read snapshot to see what the API committed
    assert participation.state == ParticipationState.evaluated
    triggers = [
        e.trigger for e in session.exec(select(Event).order_by(col(Event.created_at))).all()
    ]
    assert triggers == ["audit_created", "add_evidence", "submit", "review", "evaluate"]


def test_convening_round_tables_names_candidates_without_a_reviewed_audit(
    client: TestClient, session: Session
) -> None:
    tenant, engagement, _participation = setup(session)
    response = client.post(
        f"/api/v1/engagements/{engagement.id}/transitions/convene_round_tables",
        headers={**tenant.headers(Role.broker), "If-Match": '"1"'},
    )
    assert (
        response.json()["blocked_by"][0]
        == "1 candidate has no reviewed evaluation audit: Alpha supplier"
    )


def test_reopen_is_for_admins_and_needs_a_reason(client: TestClient, session: Session) -> None:
    tenant, engagement, participation = setup(session)
    audit = create(client, tenant, engagement, participation)
    answer(client, tenant, audit, COMPLETE)
    upload(client, tenant, audit["id"], PDF)
    fire(client, tenant, audit["id"], "submit", 3)
    assert fire(client, tenant, audit["id"], "reopen", 4).status_code == 403
    assert fire(client, tenant, audit["id"], "reopen", 4, role=Role.admin).status_code == 409
    reopened = fire(
        client, tenant, audit["id"], "reopen", 4, role=Role.admin, reason="figures were wrong"
    )
    assert reopened.json()["state"] == "draft"


def test_answers_are_locked_outside_draft(client: TestClient, session: Session) -> None:
    tenant, engagement, participation = setup(session)
    audit = create(client, tenant, engagement, participation)
    answer(client, tenant, audit, COMPLETE)
    upload(client, tenant, audit["id"], PDF)
    fire(client, tenant, audit["id"], "submit", 3)
    changed = [*COMPLETE[:2], {"question_id": "dl-01", "value": 80}, COMPLETE[3]]
    assert answer(client, tenant, audit, changed, version=4).status_code == 409
    # What was read can be written back unchanged: nothing changes, so nothing is refused.
    assert answer(client, tenant, audit, COMPLETE, version=4).status_code == 200


def test_upload_at_the_cap_is_accepted_and_one_byte_over_is_413(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant, engagement, participation = setup(session)
    audit = create(client, tenant, engagement, participation)
    monkeypatch.setattr(get_settings(), "upload_max_bytes", len(PDF) + 10)
    at_cap = PDF + b"%" * 10
    assert upload(client, tenant, audit["id"], at_cap).status_code == 201
    over = upload(client, tenant, audit["id"], at_cap + b"%")
    assert over.status_code == 413
    assert over.headers["content-type"] == "application/problem+json"


def test_an_executable_renamed_pdf_is_415(client: TestClient, session: Session) -> None:
    tenant, engagement, participation = setup(session)
    audit = create(client, tenant, engagement, participation)
    response = upload(
        client, tenant, audit["id"], b"\x7fELF\x02\x01\x01" + b"\x00" * 64, name="invoice.pdf"
    )
    assert response.status_code == 415
    assert (
        response.json()["detail"]
        == "accepted: PDF, JPEG, PNG, XLSX, DOCX, CSV; this is an executable (ELF)"
    )


def test_evidence_downloads_as_an_attachment_with_nosniff(
    client: TestClient, session: Session
) -> None:
    tenant, engagement, participation = setup(session)
    audit = create(client, tenant, engagement, participation)
    stored = upload(client, tenant, audit["id"], PDF, name="../../etc/Factura n°1.pdf").json()
    response = client.get(
        f"/api/v1/audits/{audit['id']}/evidence/{stored['id']}", headers=tenant.headers(Role.broker)
    )
    assert response.status_code == 200
    assert response.content == PDF
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert "etc" not in response.headers["content-disposition"]


def test_firms_see_audits_only_once_reviewed(client: TestClient, session: Session) -> None:
    tenant, engagement, participation = setup(session)
    audit = create(client, tenant, engagement, participation)
    url = f"/api/v1/audits/{audit['id']}"
    for role in (Role.buyer, Role.supplier, Role.provider, Role.observer):
        assert client.get(url, headers=tenant.headers(role)).status_code == 404
    answer(client, tenant, audit, COMPLETE)
    upload(client, tenant, audit["id"], PDF)
    fire(client, tenant, audit["id"], "submit", 3)
    fire(client, tenant, audit["id"], "review", 4)
    for role in (Role.buyer, Role.supplier):
        assert client.get(url, headers=tenant.headers(role)).status_code == 200
    for role in (Role.provider, Role.observer):
        assert client.get(url, headers=tenant.headers(role)).status_code == 404


def test_comparison_ranks_reviewed_candidates(client: TestClient, session: Session) -> None:
    tenant, engagement, participation = setup(session)
    audit = create(client, tenant, engagement, participation)
    answer(client, tenant, audit, COMPLETE)
    upload(client, tenant, audit["id"], PDF)
    fire(client, tenant, audit["id"], "submit", 3)
    fire(client, tenant, audit["id"], "review", 4)
    response = client.get(
        f"/api/v1/engagements/{engagement.id}/comparison",
        params={"template_id": "mini", "template_version": 1},
        headers=tenant.headers(Role.buyer),
    )
    [first] = response.json()["candidates"]
    assert (first["rank"], first["name"], first["total"], first["band"]) == (
        1,
        "Alpha supplier",
        62.5,
        "qualified",
    )


def test_an_audit_of_another_programme_is_404(client: TestClient, session: Session) -> None:
    other = make_tenant(session, "Beta")
    tenant, engagement, participation = setup(session)
    audit = create(client, tenant, engagement, participation)
    assert (
        client.get(f"/api/v1/audits/{audit['id']}", headers=other.headers(Role.admin)).status_code
        == 404
    )
    session.rollback()
    assert session.get(Audit, uuid.UUID(audit["id"])) is not None


def test_firms_see_no_events_of_audits_before_review(client: TestClient, session: Session) -> None:
    tenant, engagement, participation = setup(session)
    audit = create(client, tenant, engagement, participation)
    upload(client, tenant, audit["id"], PDF, name="confidential.pdf")
    url = f"/api/v1/engagements/{engagement.id}/events"
    for role in (Role.buyer, Role.supplier):
        events = client.get(url, headers=tenant.headers(role)).json()["items"]
        assert [e for e in events if e["audit_id"] is not None] == [], role
    broker_view = client.get(url, headers=tenant.headers(Role.broker)).json()["items"]
    assert [e["trigger"] for e in broker_view] == ["add_evidence", "audit_created"]


def test_evidence_changes_the_audit_version(client: TestClient, session: Session) -> None:
    tenant, engagement, participation = setup(session)
    audit = create(client, tenant, engagement, participation)
    upload(client, tenant, audit["id"], PDF)
    read = client.get(f"/api/v1/audits/{audit['id']}", headers=tenant.headers(Role.broker))
    assert read.headers["etag"] == '"2"'


def test_an_idempotent_upload_over_the_cap_is_refused_before_buffering(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant, engagement, participation = setup(session)
    audit = create(client, tenant, engagement, participation)
    monkeypatch.setattr(get_settings(), "upload_max_bytes", 100)
    response = client.post(
        f"/api/v1/audits/{audit['id']}/evidence",
        params={"question_id": "qa-01", "filename": "big.pdf"},
        content=PDF + b"%" * 200,
        headers={**tenant.headers(Role.broker), "Idempotency-Key": "up-1"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_a_multipart_upload_is_refused_with_how_to_send_the_file(
    client: TestClient, session: Session
) -> None:
    tenant, engagement, participation = setup(session)
    audit = create(client, tenant, engagement, participation)
    response = client.post(
        f"/api/v1/audits/{audit['id']}/evidence",
        params={"question_id": "qa-01", "filename": "cert.pdf"},
        files={"file": ("cert.pdf", PDF, "application/pdf")},
        headers=tenant.headers(Role.broker),
    )
    assert response.status_code == 415
    assert response.json()["detail"] == (
        "multipart form uploads are not accepted: send the file itself as the request body "
        "(Content-Type: application/octet-stream), with question_id and filename in the query"
    )


def test_a_latin_1_csv_is_stored_with_its_encoding_and_served_with_it(
    client: TestClient, session: Session
) -> None:
    tenant, engagement, participation = setup(session)
    audit = create(client, tenant, engagement, participation)
    content = "proveedor;nota\r\nCafé Ñandú;3,5\r\n".encode("latin-1")
    stored = upload(client, tenant, audit["id"], content, name="notas.csv")
    assert stored.status_code == 201, stored.text
    assert stored.json()["media_type"] == "text/csv; charset=windows-1252"
    response = client.get(
        f"/api/v1/audits/{audit['id']}/evidence/{stored.json()['id']}",
        headers=tenant.headers(Role.broker),
    )
    assert (response.content, response.text) == (content, "proveedor;nota\r\nCafé Ñandú;3,5\r\n")
