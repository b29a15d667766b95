"""Numbers typed in an audit section's fields are saved as numbers (a decimal comma too); text
that is no number is refused naming the question and saves nothing."""

import re

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service.accounts.models import Role
from service.audits.models import Answer, Audit, AuditPurpose
from service.engagements.models import Participation
from tests.factories import make_engagement, make_tenant
from tests.web.conftest import fresh
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
