"""Numbers typed in an audit section's fields are saved as numbers (a decimal comma too); text
that is no number is refused naming the question and saves nothing. In the browser, an answer
given after uploading evidence is saved, a save refused because the audit changed in another
tab is shown, and the last answer offers the submission without reloading the page."""

import re

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from service.accounts.models import Role, User
from service.audits.models import Answer, Audit, AuditPurpose
from service.audits.service import template_for
from service.engagements.models import Participation
from service.settings import get_settings
from tests.factories import TINY_PDF, make_engagement, make_evidence, make_tenant
from tests.web.conftest import accessible, fresh, sign_in
from workflows import AuditState, Phase


def draft(session: Session) -> tuple[Audit, str]:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant)
    engagement.phase = Phase.supplier_evaluation
    participation = session.exec(select(Participation)).one()
    audit = Audit(
        programme_id=tenant.programme.id, engagement_id=engagement.id,
        participation_id=participation.id, organization_id=participation.supplier_id,
        template_id="supplier-evaluation", template_version=1,
        purpose=AuditPurpose.evaluation, state=AuditState.draft,
        created_by=tenant.users[Role.broker].id,
    )  # fmt: skip
    session.add_all([engagement, audit])
    session.commit()
    return audit, tenant.tokens[Role.broker]


def save(client: TestClient, audit: Audit, version: int, **answers: str) -> object:
    url = f"/audits/{audit.id}?section=production"
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get(url).text)
    assert csrf is not None
    form = {"csrf": csrf.group(1), "version": str(version), "section": "production"}
    return client.post(
        f"/audits/{audit.id}/answers",
        data={**form, **{f"q-{question}": value for question, value in answers.items()}},
        headers={"HX-Request": "true"},
    )


def stored(session: Session) -> list[tuple[str, object]]:
    fresh(session)
    rows = session.exec(select(Answer).order_by(Answer.question_id)).all()  # type: ignore[arg-type]
    return [(row.question_id, row.value) for row in rows]


def test_numbers_are_saved_as_numbers_and_a_decimal_comma_is_read(
    client: TestClient, session: Session
) -> None:
    audit, token = draft(session)
    client.cookies.set("sd_session", token)
    answer = save(client, audit, 1, **{"prod-07": "12", "prod-08": "3,5", "prod-09": " 4.25 "})
    assert answer.status_code == 200  # type: ignore[attr-defined]
    assert "Saved" in answer.text  # type: ignore[attr-defined]
    assert stored(session) == [("prod-07", "12"), ("prod-08", "3.5"), ("prod-09", "4.25")]
    assert 'name="q-prod-08" inputmode="decimal" value="3.5"' in answer.text  # type: ignore[attr-defined]


def test_text_that_is_no_number_is_refused_naming_the_question(
    client: TestClient, session: Session
) -> None:
    audit, token = draft(session)
    client.cookies.set("sd_session", token)
    answer = save(client, audit, 1, **{"prod-07": "12", "prod-08": "twelve"})
    assert answer.status_code == 422  # type: ignore[attr-defined]
    assert 'role="alert"' in answer.text  # type: ignore[attr-defined]
    assert "prod-08: a number in units per labour-hour" in answer.text  # type: ignore[attr-defined]
    assert stored(session) == []
    fresh(session)
    assert session.get(Audit, audit.id).version == 1  # type: ignore[union-attr]


def test_an_answer_after_an_upload_is_saved_and_a_stale_save_is_shown(
    page: Page, session: Session
) -> None:
    audit, _token = draft(session)
    sign_in(page, "broker@alpha.test", next_path=f"/audits/{audit.id}?section=quality")
    page.locator("#file-qa-01").set_input_files(
        {"name": "records.pdf", "mimeType": "application/pdf", "buffer": TINY_PDF}
    )
    expect(page.locator("#evidence-qa-01 .files")).to_contain_text("records.pdf")
    page.locator("fieldset.question").first.locator("input[value='3']").check()
    expect(page.locator("#live-score")).to_contain_text("Saved")
    expect(page.locator("#live-score")).to_contain_text("1 of 9 answered")
    other = page.context.new_page()
    other.goto(f"/audits/{audit.id}?section=quality")
    other.locator("fieldset.question").nth(1).locator("input[value='2']").check()
    expect(other.locator("#live-score")).to_contain_text("2 of 9 answered")
    page.locator("fieldset.question").nth(2).locator("input[value='4']").check()
    expect(page.get_by_role("alert").first).to_contain_text(
        "Someone changed this meanwhile; read it again."
    )
    accessible(page)
    assert stored(session) == [("qa-01", 3), ("qa-02", 2)]
    # The refused answer stays on the page beside the other tab's, and the next save keeps it.
    questions = page.locator("fieldset.question")
    expect(questions.nth(2).locator("input[value='4']")).to_be_checked()
    expect(questions.nth(1).locator("input[value='2']")).to_be_checked()
    questions.nth(3).locator("input[type=radio][value='1']").check()
    expect(page.locator("#live-score")).to_contain_text("4 of 9 answered")
    assert stored(session) == [("qa-01", 3), ("qa-02", 2), ("qa-03", 4), ("qa-04", 1)]


def test_the_last_answer_offers_the_submission_without_reloading(
    page: Page, session: Session
) -> None:
    audit, _token = draft(session)
    broker = audit.created_by
    questions = [q for s in template_for("supplier-evaluation", 1).sections for q in s.questions]
    for question in questions:
        if question.id == "qa-02":
            continue
        value = {"scale": 3, "yes_no": True, "number": "12"}.get(question.type, "Seen")
        if question.type == "choice":
            value = question.options[0].id  # type: ignore[index]
        session.add(Answer(audit_id=audit.id, question_id=question.id, value=value,
                           answered_by=broker))  # fmt: skip
        if question.evidence == "required":
            make_evidence(session, audit, session.get(User, broker), get_settings().upload_dir,
                          question.id)  # type: ignore[arg-type]  # fmt: skip
    session.commit()
    sign_in(page, "broker@alpha.test", next_path=f"/audits/{audit.id}?section=quality")
    expect(page.locator("#audit-steps-panel .reasons")).to_have_text(
        "1 question has no answer: qa-02"
    )
    page.locator("fieldset.question").nth(1).locator("input[value='2']").check()
    expect(page.locator("#live-score")).to_contain_text("9 of 9 answered")
    expect(page.locator("#audit-steps-panel .reasons")).to_have_count(0)
    accessible(page)
    page.get_by_role("button", name="Submit the audit").click()
    expect(page.locator("main > p .state")).to_have_text("Submitted")
    fresh(session)
    assert session.get(Audit, audit.id).state == AuditState.submitted  # type: ignore[union-attr]
