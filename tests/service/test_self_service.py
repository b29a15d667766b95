"""Self-service: every user changes their own name, language and password, and lists and
revokes their own tokens; each change is an event of the user."""

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from service.accounts.models import Role, User
from service.history import Event, SubjectKind
from tests.factories import PASSWORD, make_tenant


def user_events(session: Session, user: User) -> list[tuple[str | None, str | None]]:
    session.rollback()
    statement = (
        select(Event)
        .where(Event.subject_kind == SubjectKind.user, Event.subject_id == user.id)
        .order_by(col(Event.sequence))
    )
    return [(event.trigger, event.reason) for event in session.exec(statement).all()]


def test_a_supplier_changes_its_own_name_and_language(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    response = client.patch(
        "/api/v1/me",
        json={"full_name": "María Ruiz", "language": "es"},
        headers=tenant.headers(Role.supplier),
    )
    assert response.status_code == 200
    assert (response.json()["full_name"], response.json()["language"]) == ("María Ruiz", "es")
    supplier = tenant.users[Role.supplier]
    session.refresh(supplier)
    assert (supplier.full_name, supplier.language) == ("María Ruiz", "es")
    assert user_events(session, supplier) == [("update_profile", "changed full_name, language")]


def test_the_profile_cannot_change_the_role(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    response = client.patch(
        "/api/v1/me", json={"role": "admin"}, headers=tenant.headers(Role.supplier)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "role"


def test_a_new_password_needs_the_current_one(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    response = client.post(
        "/api/v1/me/password",
        json={"current_password": "a wrong password", "new_password": "a brand new secret"},
        headers=tenant.headers(Role.buyer),
    )
    assert response.status_code == 403
    assert response.json()["errors"][0]["field"] == "current_password"
    login = {"email": tenant.users[Role.buyer].email, "password": "a brand new secret"}
    assert client.post("/api/v1/auth/login", json=login).status_code == 401


def test_a_password_change_revokes_the_other_sessions_only(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    email = tenant.users[Role.buyer].email
    other = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    other_headers = {"Authorization": f"Bearer {other.json()['access_token']}"}
    response = client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "a brand new secret"},
        headers=tenant.headers(Role.buyer),
    )
    assert response.status_code == 204
    assert client.get("/api/v1/me", headers=other_headers).status_code == 401
    assert client.get("/api/v1/me", headers=tenant.headers(Role.buyer)).status_code == 200
    login = {"email": email, "password": "a brand new secret"}
    assert client.post("/api/v1/auth/login", json=login).status_code == 200
    events = user_events(session, tenant.users[Role.buyer])
    assert events == [("change_password", "other sessions and tokens revoked")]


def test_tokens_are_listed_in_pages_and_a_session_can_be_revoked(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    headers = tenant.headers(Role.provider)
    for name in ("ERP", "BI"):
        client.post("/api/v1/me/tokens", json={"name": name}, headers=headers)
    first = client.get("/api/v1/me/tokens", params={"limit": 2}, headers=headers).json()
    assert [item["name"] for item in first["items"]] == ["test", "ERP"]
    second = client.get(
        "/api/v1/me/tokens", params={"limit": 2, "cursor": first["next_cursor"]}, headers=headers
    ).json()
    assert ([item["name"] for item in second["items"]], second["next_cursor"]) == (["BI"], None)
    login = first["items"][0]["id"]
    assert client.delete(f"/api/v1/me/tokens/{login}", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401
