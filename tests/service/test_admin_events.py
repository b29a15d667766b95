"""Admin changes leave history: programmes, organizations and users each write their events,
in the same commit as the change, naming the actor and never a secret."""

import uuid

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from service.accounts.models import Role, User
from service.history import Event, EventKind, SubjectKind
from service.programmes.models import Organization, OrganizationKind
from tests.factories import PASSWORD, Tenant, make_superuser, make_tenant

PROGRAMME = {
    "name": "Linkage programme",
    "unit_name": "Linkage unit",
    "admin": {"email": "chief@example.org", "full_name": "Chief", "password": "s3cret-enough!"},
}
Row = tuple[EventKind, SubjectKind, uuid.UUID, uuid.UUID, str | None, str | None]


def events(session: Session) -> list[Row]:
    """Every event as (kind, subject kind, subject id, actor, trigger, reason), oldest first."""
    session.rollback()
    rows = session.exec(select(Event).order_by(col(Event.created_at), col(Event.id))).all()
    return [
        (row.kind, row.subject_kind, row.subject_id, row.actor_id, row.trigger, row.reason)
        for row in rows
    ]


def admin_of(tenant: Tenant) -> uuid.UUID:
    return tenant.users[Role.admin].id


def test_opening_a_programme_records_the_programme_its_unit_and_its_administrator(
    client: TestClient, session: Session
) -> None:
    root, token = make_superuser(session)
    response = client.post(
        "/api/v1/programmes", json=PROGRAMME, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 201
    programme_id = uuid.UUID(response.json()["id"])
    admin = session.exec(select(User).where(User.email == "chief@example.org")).one()
    assert admin.organization_id is not None
    assert sorted(events(session)) == sorted(
        [
            (EventKind.programme, SubjectKind.programme, programme_id, root.id, "open_programme", None),
            (EventKind.organization, SubjectKind.organization, admin.organization_id, root.id, "create_organization", None),
            (EventKind.user, SubjectKind.user, admin.id, root.id, "create_user", None),
        ]
    )  # fmt: skip
    programmes = {row.programme_id for row in session.exec(select(Event)).all()}
    assert programmes == {programme_id}


def test_a_refused_programme_writes_no_event(client: TestClient, session: Session) -> None:
    _root, token = make_superuser(session)
    body = {**PROGRAMME, "admin": {**PROGRAMME["admin"], "email": "root@platform.test"}}  # type: ignore[dict-item]
    response = client.post(
        "/api/v1/programmes", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 409
    assert events(session) == []


def test_changing_programme_settings_records_which_settings_changed(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    response = client.patch(
        f"/api/v1/programmes/{tenant.programme.id}",
        json={"name": "Renamed", "currency": "USD", "timezone": "America/Managua"},
        headers=tenant.headers(Role.admin),
    )
    assert response.status_code == 200
    assert events(session) == [
        (
            EventKind.programme,
            SubjectKind.programme,
            tenant.programme.id,
            admin_of(tenant),
            "change_settings",
            "changed currency, name",
        )
    ]


def test_a_superuser_changing_a_programme_is_its_actor(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    root, token = make_superuser(session)
    response = client.patch(
        f"/api/v1/programmes/{tenant.programme.id}",
        json={"paper_size": "Letter"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    assert [(row[3], row[5]) for row in events(session)] == [(root.id, "changed paper_size")]


def test_a_change_to_the_same_values_records_nothing(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    response = client.patch(
        f"/api/v1/programmes/{tenant.programme.id}",
        json={"name": "Alpha"},
        headers=tenant.headers(Role.admin),
    )
    assert response.status_code == 200
    assert events(session) == []


def test_enrolling_and_changing_an_organization_records_both(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    created = client.post(
        "/api/v1/organizations",
        json={"name": "Plásticos", "kind": "supplier"},
        headers=tenant.headers(Role.admin),
    )
    assert created.status_code == 201
    organization_id = uuid.UUID(created.json()["id"])
    changed = client.patch(
        f"/api/v1/organizations/{organization_id}",
        json={"country": "NI", "sector": "bottles", "name": "Plásticos"},
        headers=tenant.headers(Role.admin),
    )
    assert changed.status_code == 200
    subject = (EventKind.organization, SubjectKind.organization, organization_id, admin_of(tenant))
    assert events(session) == [
        (*subject, "create_organization", None),
        (*subject, "update_organization", "changed country, sector"),
    ]


def test_a_duplicate_organization_writes_no_event(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    response = client.post(
        "/api/v1/organizations",
        json={"name": "Alpha supplier", "kind": "supplier"},
        headers=tenant.headers(Role.admin),
    )
    assert response.status_code == 409
    assert events(session) == []


def test_adding_a_user_records_it(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    response = client.post(
        "/api/v1/users",
        json={
            "email": "new@alpha.test",
            "full_name": "New Broker",
            "role": "broker",
            "organization_id": str(tenant.organizations[OrganizationKind.unit].id),
            "password": PASSWORD,
        },
        headers=tenant.headers(Role.admin),
    )
    assert response.status_code == 201
    user_id = uuid.UUID(response.json()["id"])
    assert events(session) == [
        (EventKind.user, SubjectKind.user, user_id, admin_of(tenant), "create_user", None)
    ]


def test_changing_a_user_records_the_fields_changed_and_never_their_values(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    supplier = tenant.users[Role.supplier]
    other = Organization(
        programme_id=tenant.programme.id, name="Other supplier", kind=OrganizationKind.supplier
    )
    session.add(other)
    session.commit()
    response = client.patch(
        f"/api/v1/users/{supplier.id}",
        json={"full_name": "Secret Name", "organization_id": str(other.id), "language": "es"},
        headers=tenant.headers(Role.admin),
    )
    assert response.status_code == 200
    assert events(session) == [
        (
            EventKind.user,
            SubjectKind.user,
            supplier.id,
            admin_of(tenant),
            "update_user",
            "changed full_name, language, organization_id",
        )
    ]


def test_a_password_set_by_an_administrator_is_recorded_without_the_password(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    supplier = tenant.users[Role.supplier]
    response = client.patch(
        f"/api/v1/users/{supplier.id}",
        json={"password": "brand-new-password-1"},
        headers=tenant.headers(Role.admin),
    )
    assert response.status_code == 200
    assert events(session) == [
        (EventKind.user, SubjectKind.user, supplier.id, admin_of(tenant), "reset_password", None)
    ]
    texts = [
        str(value)
        for event in session.exec(select(Event)).all()
        for value in event.model_dump().values()
    ]
    assert not any("brand-new-password-1" in text for text in texts)


def test_disabling_and_enabling_a_user_records_each_with_its_states(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    supplier = tenant.users[Role.supplier]
    for is_active in (False, True):
        response = client.patch(
            f"/api/v1/users/{supplier.id}",
            json={"is_active": is_active},
            headers=tenant.headers(Role.admin),
        )
        assert response.status_code == 200
    session.rollback()
    rows = session.exec(select(Event).order_by(col(Event.created_at))).all()
    assert [(row.trigger, row.from_state, row.to_state, row.actor_id) for row in rows] == [
        ("disable_user", "active", "disabled", admin_of(tenant)),
        ("enable_user", "disabled", "active", admin_of(tenant)),
    ]
    assert {(row.kind, row.subject_kind, row.subject_id) for row in rows} == {
        (EventKind.user, SubjectKind.user, supplier.id)
    }


def test_one_request_changing_details_password_and_access_records_three_events_at_once(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    supplier = tenant.users[Role.supplier]
    response = client.patch(
        f"/api/v1/users/{supplier.id}",
        json={"full_name": "Renamed", "password": "brand-new-password-1", "is_active": False},
        headers=tenant.headers(Role.admin),
    )
    assert response.status_code == 200
    assert sorted((row[4], row[5]) for row in events(session)) == [
        ("disable_user", None),
        ("reset_password", None),
        ("update_user", "changed full_name"),
    ]


def test_a_refused_user_change_writes_no_event(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    response = client.patch(
        f"/api/v1/users/{tenant.users[Role.supplier].id}",
        json={"role": "admin"},
        headers=tenant.headers(Role.admin),
    )
    assert response.status_code == 409
    assert events(session) == []
