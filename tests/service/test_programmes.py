"""Programmes, organizations and users: creation, validation and changes."""

import uuid

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from service.accounts.models import ApiToken, Role, User
from service.programmes.models import Organization, OrganizationKind, Programme
from tests.factories import PASSWORD, make_superuser, make_tenant

PROGRAMME = {
    "name": "Linkage programme",
    "timezone": "America/Guatemala",
    "language": "es",
    "currency": "GTQ",
    "unit_name": "Linkage unit",
    "admin": {"email": "chief@example.org", "full_name": "Chief", "password": "s3cret-enough!"},
}


def count(session: Session, model: type) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_a_superuser_opens_a_programme_with_its_unit_and_admin(
    client: TestClient, session: Session
) -> None:
    _user, token = make_superuser(session)
    response = client.post(
        "/api/v1/programmes", json=PROGRAMME, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 201
    assert response.json()["currency"] == "GTQ"
    admin = session.exec(select(User).where(User.email == "chief@example.org")).one()
    unit = session.get(Organization, admin.organization_id)
    assert unit is not None
    assert (unit.name, unit.kind) == ("Linkage unit", OrganizationKind.unit)
    assert admin.role == Role.admin
    login = client.post(
        "/api/v1/auth/login", json={"email": "chief@example.org", "password": "s3cret-enough!"}
    )
    assert login.status_code == 200


def test_a_programme_with_an_unknown_time_zone_is_refused_and_nothing_is_written(
    client: TestClient, session: Session
) -> None:
    _user, token = make_superuser(session)
    body = {**PROGRAMME, "timezone": "Mars/Olympus"}
    response = client.post(
        "/api/v1/programmes", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["timezone"]
    assert count(session, Programme) == 0
    assert count(session, User) == 1


def test_unknown_fields_are_refused_by_name(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    response = client.post(
        "/api/v1/organizations",
        json={"name": "Etiquetas", "kind": "supplier", "is_admin": True},
        headers=tenant.headers(Role.admin),
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "is_admin",
            "message": "is not a field of this request",
            "type": "extra_forbidden",
        }
    ]


def test_malformed_json_is_a_422_naming_the_body(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    before = count(session, Organization)
    response = client.post(
        "/api/v1/organizations",
        content=b'{"name": "Etiq',
        headers={**tenant.headers(Role.admin), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "body"
    assert count(session, Organization) == before


def test_wrong_types_are_refused_by_field(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    response = client.post(
        "/api/v1/organizations",
        json={"name": 42, "kind": "wholesaler"},
        headers=tenant.headers(Role.admin),
    )
    assert response.status_code == 422
    assert sorted(error["field"] for error in response.json()["errors"]) == ["kind", "name"]


def test_an_admin_adds_an_organization(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    response = client.post(
        "/api/v1/organizations",
        json={"name": "Etiquetas del Norte", "kind": "supplier", "country": "NI"},
        headers=tenant.headers(Role.admin),
    )
    assert response.status_code == 201
    stored = session.get(Organization, uuid.UUID(response.json()["id"]))
    assert stored is not None
    assert (stored.programme_id, stored.kind) == (tenant.programme.id, OrganizationKind.supplier)


def test_a_duplicate_organization_is_a_conflict(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    body = {"name": "Alpha buyer", "kind": "buyer"}
    response = client.post("/api/v1/organizations", json=body, headers=tenant.headers(Role.admin))
    assert response.status_code == 409


def test_organizations_page_with_a_cursor(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    headers = tenant.headers(Role.admin)
    first = client.get("/api/v1/organizations", params={"limit": 4}, headers=headers).json()
    second = client.get(
        "/api/v1/organizations",
        params={"limit": 4, "cursor": first["next_cursor"]},
        headers=headers,
    ).json()
    names = [item["name"] for item in first["items"] + second["items"]]
    assert len(names) == len(set(names)) == len(OrganizationKind)
    assert second["next_cursor"] is None


def test_a_malformed_cursor_is_a_422(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    response = client.get(
        "/api/v1/organizations", params={"cursor": "bm9wZQ"}, headers=tenant.headers(Role.admin)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cursor"


def test_a_users_role_must_fit_the_organization_kind(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    body = {
        "email": "mixed@example.org",
        "full_name": "Mixed",
        "role": "supplier",
        "organization_id": str(tenant.organizations[OrganizationKind.buyer].id),
        "password": PASSWORD,
    }
    response = client.post("/api/v1/users", json=body, headers=tenant.headers(Role.admin))
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "role"
    assert (
        response.json()["detail"]
        == "a supplier must belong to a supplier organization, not a buyer"
    )


def test_a_user_in_another_programmes_organization_is_refused(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    other = make_tenant(session, "Beta")
    body = {
        "email": "spy@example.org",
        "full_name": "Spy",
        "role": "buyer",
        "organization_id": str(other.organizations[OrganizationKind.buyer].id),
        "password": PASSWORD,
    }
    response = client.post("/api/v1/users", json=body, headers=tenant.headers(Role.admin))
    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "organization_id"


def test_a_taken_email_is_a_conflict(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    body = {
        "email": "Buyer@Alpha.test".replace(".test", ".org"),
        "full_name": "Dup",
        "role": "buyer",
        "organization_id": str(tenant.organizations[OrganizationKind.buyer].id),
        "password": PASSWORD,
    }
    assert (
        client.post("/api/v1/users", json=body, headers=tenant.headers(Role.admin)).status_code
        == 201
    )
    again = client.post("/api/v1/users", json=body, headers=tenant.headers(Role.admin))
    assert again.status_code == 409


def test_disabling_a_user_revokes_all_their_tokens(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    supplier = tenant.users[Role.supplier]
    response = client.patch(
        f"/api/v1/users/{supplier.id}",
        json={"is_active": False},
        headers=tenant.headers(Role.admin),
    )
    assert response.status_code == 200
    assert client.get("/api/v1/me", headers=tenant.headers(Role.supplier)).status_code == 401
    live = select(func.count()).where(
        ApiToken.user_id == supplier.id, ApiToken.revoked_at.is_(None)
    )  # type: ignore[union-attr]
    assert session.exec(live).one() == 0


def test_is_active_must_be_a_boolean_not_a_number(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    supplier = tenant.users[Role.supplier]
    response = client.patch(
        f"/api/v1/users/{supplier.id}", json={"is_active": 0}, headers=tenant.headers(Role.admin)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "is_active"


def test_an_admin_cannot_disable_their_own_account(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    admin = tenant.users[Role.admin]
    response = client.patch(
        f"/api/v1/users/{admin.id}", json={"is_active": False}, headers=tenant.headers(Role.admin)
    )
    assert response.status_code == 409
    session.refresh(admin)
    assert admin.is_active is True


def test_a_buyer_sees_only_users_of_its_own_organization(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    response = client.get("/api/v1/users", headers=tenant.headers(Role.buyer))
    assert [item["email"] for item in response.json()["items"]] == ["buyer@alpha.test"]


def test_lists_filter_by_kind_and_role(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    headers = tenant.headers(Role.admin)
    orgs = client.get("/api/v1/organizations", params={"kind": "provider"}, headers=headers).json()
    assert [item["name"] for item in orgs["items"]] == ["Alpha provider"]
    users = client.get("/api/v1/users", params={"role": "broker"}, headers=headers).json()
    assert [item["email"] for item in users["items"]] == ["broker@alpha.test"]
