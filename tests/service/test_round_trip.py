"""What a client reads it can write back: every writable object of the demo, read by each demo
role, is sent back unchanged through its PUT or PATCH, and no write is refused for its values.

A client writes the fields the update schema declares, taken from what it read (the rest of
what it read, such as ids and timestamps, is the server's). Write-only fields that are not
read, such as a target change's reason, are added as a client would."""

from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from service.app import app
from service.demo import DEMO_LOGINS
from tests.snapshots import demo_loaded

API = "/api/v1"
REASON = "Read and written back unchanged"
TARGET_FIELDS = {
    "kpi": ("kind", "kpi", "value", "due_on"),
    "audit_section": ("kind", "value", "due_on"),
    "commitment": ("kind", "text"),
}


def schema_fields(path: str, method: str) -> set[str]:
    """The properties the request body of an operation declares."""
    spec = app.openapi()
    body = spec["paths"][API + path][method]["requestBody"]["content"]["application/json"]
    name = body["schema"]["$ref"].rsplit("/", 1)[-1]
    return set(spec["components"]["schemas"][name]["properties"])


class Reader:
    """One demo role's session: reads objects and writes them back as they were read."""

    def __init__(self, client: TestClient, email: str, password: str) -> None:
        login = client.post(f"{API}/auth/login", json={"email": email, "password": password})
        assert login.status_code == 200, login.text
        self.client = client
        self.headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        self.outcomes: Counter[tuple[str, int]] = Counter()

    def read(self, path: str) -> tuple[Any, str | None]:
        response = self.client.get(API + path, headers=self.headers)
        assert response.status_code == 200, f"GET {path}: {response.text}"
        return response.json(), response.headers.get("ETag")

    def every(self, path: str) -> list[Any]:
        """Every item of a list, following its pages."""
        items: list[Any] = []
        cursor: str | None = None
        while True:
            params = {"cursor": cursor} if cursor else {}
            response = self.client.get(API + path, headers=self.headers, params=params)
            if response.status_code in {403, 404}:
                return items
            assert response.status_code == 200, f"GET {path}: {response.text}"
            body = response.json()
            if isinstance(body, list):
                return items + body
            items += body["items"]
            cursor = body["next_cursor"]
            if cursor is None:
                return items

    def write_back(self, kind: str, method: str, path: str, body: Any, tag: str | None) -> None:
        headers = dict(self.headers)
        if tag is not None:
            headers["If-Match"] = tag
        response = self.client.request(method, API + path, json=body, headers=headers)
        assert response.status_code in {200, 403}, f"{method} {path} {body}: {response.text}"
        self.outcomes[(kind, response.status_code)] += 1

    def patch_back(self, kind: str, path: str, extra: dict[str, Any] | None = None) -> None:
        """Read an object and PATCH back the fields its update schema declares."""
        read, tag = self.read(path)
        fields = schema_fields(_template(path), "patch")
        body = {name: read[name] for name in fields if name in read}
        self.write_back(kind, "PATCH", path, {**body, **(extra or {})}, tag)


def _template(path: str) -> str:
    """The route template of a path: /plans/<id> → /plans/{plan_id}."""
    parts = path.strip("/").split("/")
    names = {"programmes": "programme_id", "organizations": "organization_id"}
    names |= {"users": "user_id", "engagements": "engagement_id", "analyses": "analysis_id"}
    names |= {"plans": "plan_id", "actions": "action_id", "targets": "target_id"}
    return "/" + "/".join(
        "{" + names[parts[n - 1]] + "}" if n % 2 else part for n, part in enumerate(parts)
    )


def round_trip(reader: Reader) -> None:
    """Read everything the role may see and write each writable object back unchanged."""
    me, _ = reader.read("/me")
    reader.patch_back("programme", f"/programmes/{me['programme_id']}")
    for organization in reader.every("/organizations"):
        reader.patch_back("organization", f"/organizations/{organization['id']}")
    for user in reader.every("/users"):
        reader.patch_back("user", f"/users/{user['id']}")
    for engagement in reader.every("/engagements"):
        epath = f"/engagements/{engagement['id']}"
        reader.patch_back("engagement", epath)
        for audit in reader.every(f"{epath}/audits"):
            read, tag = reader.read(f"/audits/{audit['id']}")
            fields = {"question_id", "value", "not_applicable", "comment"}
            answers = [{k: a[k] for k in fields if k in a} for a in read["answers"]]
            if answers:
                reader.write_back(
                    "audit", "PUT", f"/audits/{audit['id']}/answers", {"answers": answers}, tag
                )
        for participation in reader.every(f"{epath}/participations"):
            for target in reader.every(f"{epath}/participations/{participation['id']}/targets"):
                read, tag = reader.read(f"/targets/{target['id']}")
                body = {name: read[name] for name in TARGET_FIELDS[read["kind"]]}
                body["reason"] = REASON
                reader.write_back("target", "PATCH", f"/targets/{target['id']}", body, tag)
        for analysis in reader.every(f"{epath}/analyses"):
            reader.patch_back("analysis", f"/analyses/{analysis['id']}")
        for plan in reader.every(f"{epath}/plans"):
            reader.patch_back("plan", f"/plans/{plan['id']}")
            read, _ = reader.read(f"/plans/{plan['id']}")
            for action in read["actions"]:
                reader.patch_back("action", f"/actions/{action['id']}")


@pytest.mark.parametrize("login", DEMO_LOGINS[1:], ids=[login[0] for login in DEMO_LOGINS[1:]])
def test_every_object_read_is_written_back_unchanged_without_refusal(
    engine: Engine, client: TestClient, login: tuple[str, str, str]
) -> None:
    demo_loaded(engine)
    role, email, password = login
    reader = Reader(client, email, password)
    round_trip(reader)
    assert dict(reader.outcomes) == EXPECTED[role]


# Each write's status by kind of object: 200 where the role may change the object (sent back
# unchanged, it changes nothing), 403 where it may read but not change it; never 409 or 422.
EXPECTED: dict[str, dict[tuple[str, int], int]] = {
    "admin": {
        ("action", 200): 28,
        ("analysis", 200): 6,
        ("audit", 200): 12,
        ("engagement", 200): 4,
        ("organization", 200): 18,
        ("plan", 200): 6,
        ("programme", 200): 1,
        ("target", 200): 18,
        ("user", 200): 13,
    },
    "broker": {
        ("action", 200): 14,
        ("action", 403): 14,
        ("analysis", 200): 3,
        ("analysis", 403): 3,
        ("audit", 200): 5,
        ("audit", 403): 7,
        ("engagement", 403): 4,
        ("organization", 403): 18,
        ("plan", 200): 3,
        ("plan", 403): 3,
        ("programme", 403): 1,
        ("target", 200): 12,
        ("target", 403): 6,
        ("user", 403): 13,
    },
    "buyer": {
        ("audit", 403): 2,
        ("engagement", 403): 1,
        ("organization", 403): 1,
        ("programme", 403): 1,
        ("user", 403): 1,
    },
    "supplier": {
        ("audit", 403): 1,
        ("engagement", 403): 1,
        ("organization", 403): 1,
        ("programme", 403): 1,
        ("user", 403): 1,
    },
    "provider": {("organization", 403): 1, ("programme", 403): 1, ("user", 403): 1},
    "observer": {("organization", 403): 18, ("programme", 403): 1, ("user", 403): 1},
}
