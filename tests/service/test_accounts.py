"""Login, logout, personal tokens, throttling and /me."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service.accounts.models import ApiToken, LoginThrottle, Role
from service.types import utcnow
from tests.factories import PASSWORD, make_tenant


def login(client: TestClient, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/auth/login", json={"email": email, "password": password})


def test_login_returns_a_token_that_me_accepts(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    response = login(client, "ADMIN@alpha.test")
    assert response.status_code == 200
    token = response.json()["access_token"]
    assert token.startswith("sdv_")
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["email"] == "admin@alpha.test"
    assert me.json()["role"] == "admin"
    assert me.json()["programme_id"] == str(tenant.programme.id)
    assert "password_hash" not in me.json()


def test_tokens_are_stored_only_as_hashes(client: TestClient, session: Session) -> None:
    make_tenant(session, "Alpha")
    token = login(client, "admin@alpha.test").json()["access_token"]
    hashes = session.exec(select(ApiToken.token_hash)).all()
    assert token not in hashes
    assert all(len(value) == 64 for value in hashes)


def test_wrong_password_and_unknown_user_get_identical_responses(
    client: TestClient, session: Session
) -> None:
    make_tenant(session, "Alpha")
    wrong = login(client, "admin@alpha.test", "not the password")
    unknown = login(client, "nobody@alpha.test", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.headers["content-type"] == "application/problem+json"
    assert wrong.json()["detail"] == "the e-mail or the password is wrong"


def test_a_disabled_user_cannot_log_in(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    user = tenant.users[Role.broker]
    user.is_active = False
    session.add(user)
    session.commit()
    assert login(client, "broker@alpha.test").status_code == 401


def test_logout_revokes_the_token(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    headers = tenant.headers(Role.broker)
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_an_expired_token_is_refused(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    for token in session.exec(select(ApiToken)).all():
        token.expires_at = utcnow() - timedelta(seconds=1)
        session.add(token)
    session.commit()
    assert client.get("/api/v1/me", headers=tenant.headers(Role.admin)).status_code == 401


def test_requests_without_a_token_get_401(client: TestClient) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_eleventh_login_after_ten_failures_gets_429_with_retry_after(
    client: TestClient, session: Session
) -> None:
    make_tenant(session, "Alpha")
    for _ in range(10):
        assert login(client, "admin@alpha.test", "wrong password!").status_code == 401
    refused = login(client, "admin@alpha.test")  # from this address, even the right one waits
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 15 * 60
    assert refused.json()["status"] == 429


def test_throttling_counts_unknown_accounts_the_same_way(
    client: TestClient, session: Session
) -> None:
    for _ in range(10):
        assert login(client, "ghost@alpha.test", "wrong password!").status_code == 401
    assert login(client, "ghost@alpha.test", "wrong password!").status_code == 429


def test_failures_older_than_the_window_do_not_count(client: TestClient, session: Session) -> None:
    make_tenant(session, "Alpha")
    old = utcnow() - timedelta(minutes=16)
    for scope, key in [
        ("account", "admin@alpha.test"),
        ("address", "testclient"),
        ("pair", "admin@alpha.test testclient"),
    ]:
        session.add(LoginThrottle(scope=scope, key=key, failures=100, window_started_at=old))
    session.commit()
    assert login(client, "admin@alpha.test").status_code == 200


def test_a_success_resets_the_failure_count(client: TestClient, session: Session) -> None:
    make_tenant(session, "Alpha")
    for _ in range(9):
        login(client, "admin@alpha.test", "wrong password!")
    assert login(client, "admin@alpha.test").status_code == 200
    for _ in range(9):
        login(client, "admin@alpha.test", "wrong password!")
    assert login(client, "admin@alpha.test").status_code == 200


def test_personal_token_is_shown_once_and_works(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    headers = tenant.headers(Role.buyer)
    created = client.post("/api/v1/me/tokens", json={"name": "ERP sync"}, headers=headers)
    assert created.status_code == 201
    secret = created.json()["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.json()["email"] == "buyer@alpha.test"
    listed = client.get("/api/v1/me/tokens", headers=headers).json()["items"]
    assert [item["name"] for item in listed] == ["test", "ERP sync"]
    assert "token" not in listed[1]


def test_revoking_a_personal_token_stops_it(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    headers = tenant.headers(Role.buyer)
    created = client.post("/api/v1/me/tokens", json={"name": "ERP"}, headers=headers).json()
    assert client.delete(f"/api/v1/me/tokens/{created['id']}", headers=headers).status_code == 204
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {created['token']}"})
    assert me.status_code == 401


def test_another_users_token_cannot_be_revoked(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    created = client.post(
        "/api/v1/me/tokens", json={"name": "ERP"}, headers=tenant.headers(Role.buyer)
    ).json()
    response = client.delete(
        f"/api/v1/me/tokens/{created['id']}", headers=tenant.headers(Role.admin)
    )
    assert response.status_code == 404


def test_token_lifetime_must_be_a_whole_number_of_days(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    for bad in ("30", 0, True, 4000):
        response = client.post(
            "/api/v1/me/tokens",
            json={"name": "x", "expires_in_days": bad},
            headers=tenant.headers(Role.admin),
        )
        assert response.status_code == 422, bad
        assert response.json()["errors"][0]["field"] == "expires_in_days"
    assert session.exec(select(ApiToken).where(ApiToken.name == "x")).first() is None
