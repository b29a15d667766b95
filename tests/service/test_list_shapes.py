"""Every list answers the same paged shape, list items have their own summary schema, and a
review's progress reads in the shape it is written in."""

import uuid
from datetime import date

from service.app import app
from service.plans.views import ReviewPublic

# Not lists of objects but a fixed set each: the triggers of a state machine, the shipped
# template versions and a user's notification preferences (one per kind of message).
NOT_PAGED = {
    "/api/v1/audit-templates",
    "/api/v1/me/notification-preferences",
}


def test_no_get_answers_a_bare_array_but_the_fixed_sets() -> None:
    spec = app.openapi()
    bare = set()
    for path, operations in spec["paths"].items():
        get = operations.get("get")
        if get is None:
            continue
        content = get["responses"].get("200", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema", {})
        if schema.get("type") == "array" and not path.endswith("/transitions"):
            bare.add(path)
    assert bare == NOT_PAGED


def test_the_audit_list_has_a_summary_schema_without_answers() -> None:
    spec = app.openapi()
    get = spec["paths"]["/api/v1/engagements/{engagement_id}/audits"]["get"]
    page = get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    items = spec["components"]["schemas"][page.rsplit("/", 1)[-1]]["properties"]["items"]
    summary = spec["components"]["schemas"][items["items"]["$ref"].rsplit("/", 1)[-1]]
    assert "answers" not in summary["properties"]
    assert "evidence" not in summary["properties"]
    assert "score" in summary["properties"]


def test_review_progress_reads_as_the_list_it_is_written_with() -> None:
    action_id = uuid.uuid4()
    review = ReviewPublic.model_validate(
        {
            "id": uuid.uuid4(),
            "held_on": date(2027, 2, 1),
            "broker_id": uuid.uuid4(),
            "notes": "On track.",
            "next_steps": None,
            "progress": {str(action_id): 40},
        }
    )
    assert review.model_dump(mode="json")["progress"] == [
        {"action_id": str(action_id), "progress": 40}
    ]
