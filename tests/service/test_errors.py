"""Problem details for every kind of bad request."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service.accounts.models import ApiToken, Role
from service.app import app
from tests.factories import make_tenant


def test_a_body_that_is_not_text_is_a_422_naming_the_body(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    for body in (b"\xff\xfe\x00bad", b"\xc3\x28", b"\x80"):
        response = client.post(
            "/api/v1/organizations",
            content=body,
            headers={**tenant.headers(Role.admin), "Content-Type": "application/json"},
        )
        assert response.status_code == 422, body
        assert response.headers["content-type"] == "application/problem+json"
        assert [error["field"] for error in response.json()["errors"]] == ["body"]


def test_an_unsupported_method_is_405_listing_the_documented_ones(client: TestClient) -> None:
    response = client.put("/api/v1/users/7d1f0b8e-8c1a-4d5e-9a53-0f8a2c9e1b11")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, PATCH"
    assert client.delete("/api/v1/organizations").headers["allow"] == "GET, POST"


def test_an_unknown_path_is_a_problem_404(client: TestClient) -> None:
    response = client.get("/api/v1/nowhere")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_whole_numbers_accept_integral_floats_but_not_booleans_or_strings(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    headers = tenant.headers(Role.admin)
    accepted = client.post(
        "/api/v1/me/tokens", json={"name": "a", "expires_in_days": 30.0}, headers=headers
    )
    assert accepted.status_code == 201
    for bad in (True, "30", 30.5):
        refused = client.post(
            "/api/v1/me/tokens", json={"name": "b", "expires_in_days": bad}, headers=headers
        )
        assert refused.status_code == 422, bad
    names = [token.name for token in session.exec(select(ApiToken)).all()]
    assert "b" not in names


def test_names_must_have_a_visible_character(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    response = client.post(
        "/api/v1/organizations",
        json={"name": "   ", "kind": "buyer"},
        headers=tenant.headers(Role.admin),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"


def test_an_admin_cannot_change_their_own_role(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    admin = tenant.users[Role.admin]
    response = client.patch(
        f"/api/v1/users/{admin.id}", json={"role": "broker"}, headers=tenant.headers(Role.admin)
    )
    assert response.status_code == 409


def test_every_error_response_is_declared_as_problem_json() -> None:
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert list(response["content"]) == ["application/problem+json"], (path, method)
            if path.startswith("/api/v1") and operation["security"] != []:
                assert "401" in operation["responses"], (path, method)


def test_an_unexpected_error_is_a_problem_500(
    client: TestClient, session: Session, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import service.accounts.router as accounts_router

    tenant = make_tenant(session, "Alpha")

    def explode(*_args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(accounts_router.profile, "token_page", explode)
    response = client.get("/api/v1/me/tokens", headers=tenant.headers(Role.admin))
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "an unexpected error occurred; it has been logged"
