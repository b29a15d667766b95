"""Audit templates are served with typed questions, and a number answer reads back as the
JSON number it was written as."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from service.accounts.models import Role
from service.app import app
from tests.factories import make_tenant


def test_each_question_is_typed_by_its_type_in_the_schema_and_the_response(
    client: TestClient, session: Session
) -> None:
    schemas = app.openapi()["components"]["schemas"]
    questions = schemas["SectionPublic"]["properties"]["questions"]["items"]
    assert questions["discriminator"]["propertyName"] == "type"
    assert sorted(questions["discriminator"]["mapping"]) == [
        "choice",
        "number",
        "scale",
        "text",
        "yes_no",
    ]
    assert schemas["NumberQuestion"]["required"] == [
        "id",
        "text",
        "guidance",
        "critical",
        "evidence",
        "type",
        "unit",
        "kpi",
    ]
    tenant = make_tenant(session, "Templates")
    response = client.get(
        "/api/v1/audit-templates/supplier-evaluation/versions/1",
        headers=tenant.headers(Role.broker),
    )
    assert response.status_code == 200
    questions_read = [q for s in response.json()["sections"] for q in s["questions"]]
    delivery = next(q for q in questions_read if q["id"] == "del-02")
    assert (delivery["type"], delivery["unit"]) == ("number", "%")
    assert "levels" not in delivery
