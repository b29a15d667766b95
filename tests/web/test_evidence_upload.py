"""Evidence on the audit page: a file sent from the question's field is stored and listed
beside its question; a file too large or of a type not accepted is refused inline in the
user's language and stores nothing; the file input works from the keyboard and a dropped file
uploads, in a real Chromium with axe-core."""

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from service.accounts.models import Role
from service.audits.models import AuditState, Evidence
from service.engagements.models import Participation
from service.settings import get_settings
from tests.factories import TINY_PDF, Tenant, make_engagement, make_reviewed_audit, make_tenant
from tests.web.conftest import accessible, fresh, sign_in
from workflows import Phase


def draft_audit(session: Session, name: str = "Alpha") -> Tenant:
    """A draft evaluation audit of the tenant's supplier (its one file is for mgmt-01)."""
    tenant = make_tenant(session, name)
    tenant.engagement = make_engagement(session, tenant)
    tenant.engagement.phase = Phase.supplier_evaluation
    tenant.participation = session.exec(
        select(Participation).where(Participation.engagement_id == tenant.engagement.id)
    ).one()
    tenant.audit, tenant.evidence = make_reviewed_audit(session, tenant, get_settings().upload_dir)
    tenant.audit.state = AuditState.draft
    session.add_all([tenant.engagement, tenant.audit])
    session.commit()
    return tenant


def upload(
    client: TestClient, tenant: Tenant, body: bytes, name: str, language: str = "en"
) -> object:
    url = f"/audits/{tenant.audit.id}"  # type: ignore[union-attr]
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get(url).text)
    assert csrf is not None
    return client.post(
        f"{url}/evidence?question_id=qa-01&filename={name}",
        content=body,
        headers={"Content-Type": "application/octet-stream", "X-CSRF-Token": csrf.group(1),
                 "Accept-Language": language},
    )  # fmt: skip


def files_of(session: Session, question_id: str) -> list[str]:
    fresh(session)
    rows = session.exec(select(Evidence).where(Evidence.question_id == question_id)).all()
    return [row.filename for row in rows]


def test_a_file_is_stored_and_listed_beside_its_question(
    client: TestClient, session: Session
) -> None:
    tenant = draft_audit(session)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    answer = upload(client, tenant, TINY_PDF, "delivery notes.pdf")
    assert answer.status_code == 201  # type: ignore[attr-defined]
    assert files_of(session, "qa-01") == ["delivery notes.pdf"]
    evidence = session.exec(select(Evidence).where(Evidence.question_id == "qa-01")).one()
    fragment = answer.text  # type: ignore[attr-defined]
    assert fragment.startswith('<div class="evidence" id="evidence-qa-01" data-version="2">')
    assert f'/evidence/{evidence.id}">delivery notes.pdf</a>' in fragment
    assert client.get(f"/audits/{tenant.audit.id}/evidence/{evidence.id}").content == TINY_PDF  # type: ignore[union-attr]
    section = client.get(f"/audits/{tenant.audit.id}?section=quality").text  # type: ignore[union-attr]
    assert 'id="evidence-qa-01"' in section
    assert "delivery notes.pdf</a>" in section


def test_a_file_too_large_is_refused_inline_in_spanish(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "upload_max_bytes", 1024 * 1024)
    tenant = draft_audit(session)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    answer = upload(client, tenant, TINY_PDF + b"0" * (1024 * 1024), "huge.pdf", "es")
    assert answer.status_code == 413  # type: ignore[attr-defined]
    assert "El archivo supera los 1 MB; elija uno más pequeño." in answer.text  # type: ignore[attr-defined]
    assert files_of(session, "qa-01") == []


def test_a_file_of_another_type_is_refused_inline(client: TestClient, session: Session) -> None:
    tenant = draft_audit(session)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    answer = upload(client, tenant, b"MZ\x90\x00 not a document", "tool.exe")
    assert answer.status_code == 415  # type: ignore[attr-defined]
    assert "This type of file is not accepted" in answer.text  # type: ignore[attr-defined]
    assert files_of(session, "qa-01") == []


def test_a_reviewed_audit_takes_no_file_and_another_programme_gets_not_found(
    client: TestClient, session: Session
) -> None:
    tenant = draft_audit(session)
    other = draft_audit(session, "Beta")
    tenant.audit.state = AuditState.reviewed  # type: ignore[union-attr]
    session.add(tenant.audit)
    session.commit()
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    refused = upload(client, tenant, TINY_PDF, "late.pdf")
    assert refused.status_code == 409  # type: ignore[attr-defined]
    assert "Evidence is added while the audit is a draft." in refused.text  # type: ignore[attr-defined]
    client.cookies.set("sd_session", other.tokens[Role.broker])
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get("/").text)
    assert csrf is not None
    foreign = client.post(
        f"/audits/{tenant.audit.id}/evidence?question_id=qa-01&filename=x.pdf",  # type: ignore[union-attr]
        content=TINY_PDF,
        headers={"Content-Type": "application/octet-stream", "X-CSRF-Token": csrf.group(1)},
    )
    assert foreign.status_code == 404
    assert files_of(session, "qa-01") == []


def test_a_file_chosen_from_the_keyboard_and_a_dropped_file_upload(
    page: Page, session: Session, tmp_path: Path
) -> None:
    tenant = draft_audit(session)
    sign_in(page, "broker@alpha.test", next_path=f"/audits/{tenant.audit.id}?section=quality")  # type: ignore[union-attr]
    accessible(page)
    field = page.get_by_label("Add evidence: choose a file or drop it here").first
    field.focus()
    expect(field).to_be_focused()  # the page has settled and the keyboard reaches the field
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Enter")
    chosen = tmp_path / "records.pdf"
    chosen.write_bytes(TINY_PDF)
    chooser.value.set_files(str(chosen))
    block = page.locator("#evidence-qa-01")
    expect(block.locator(".files")).to_contain_text("records.pdf")
    wrong = tmp_path / "notes.txt"
    wrong.write_text("plain notes")
    page.locator("#file-qa-01").set_input_files(str(wrong))
    expect(page.locator("#file-qa-01-error")).to_have_text(
        "This type of file is not accepted: choose a PDF, JPEG, PNG, XLSX, DOCX or CSV."
    )
    drop = page.evaluate_handle(
        """bytes => { const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(bytes)], "dropped.pdf"));
        return data; }""",
        list(TINY_PDF),
    )
    page.locator("#evidence-qa-01 .dropzone").dispatch_event("drop", {"dataTransfer": drop})
    expect(page.locator("#evidence-qa-01 .files")).to_contain_text("dropped.pdf")
    accessible(page)
    assert files_of(session, "qa-01") == ["records.pdf", "dropped.pdf"]


def test_an_upload_without_the_csrf_token_stores_nothing_and_files_stay_hidden(
    client: TestClient, session: Session
) -> None:
    tenant = draft_audit(session)
    other = draft_audit(session, "Beta")
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    forged = client.post(
        f"/audits/{tenant.audit.id}/evidence?question_id=qa-01&filename=x.pdf",  # type: ignore[union-attr]
        content=TINY_PDF,
        headers={"Content-Type": "application/octet-stream"},
    )
    assert forged.status_code == 403
    assert files_of(session, "qa-01") == []
    url = f"/audits/{tenant.audit.id}/evidence/{tenant.evidence.id}"  # type: ignore[union-attr]
    assert client.get(url).content == TINY_PDF
    for token in (other.tokens[Role.broker], tenant.tokens[Role.supplier],
                  tenant.tokens[Role.buyer]):  # fmt: skip
        client.cookies.set("sd_session", token)
        assert client.get(url).status_code == 404
