"""Organization names and countries that protect the data: visible, without bidirectional
controls, an ISO 3166 country, and one name per programme whatever its case and accents."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from service.accounts.models import Role
from service.programmes.models import Organization
from tests.factories import make_tenant


def organizations(session: Session) -> int:
    session.rollback()
    return session.exec(select(func.count()).select_from(Organization)).one()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("\u200b", "must contain a visible character, not only spaces or invisible ones"),
        (" \u2060\ufeff ", "must contain a visible character, not only spaces or invisible ones"),
        (
            "Acme \u202eSA",
            "must not contain bidirectional control characters (such as a right-to-left "
            "override): they make the text read backwards",
        ),
    ],
)
def test_a_name_that_shows_nothing_or_turns_text_around_is_refused_with_a_sentence(
    client: TestClient, session: Session, name: str, message: str
) -> None:
    tenant = make_tenant(session, "Names")
    before = organizations(session)
    response = client.post(
        "/api/v1/organizations",
        json={"name": name, "kind": "supplier"},
        headers=tenant.headers(Role.admin),
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["field"], error["message"]) == ("name", message)
    assert organizations(session) == before


def test_a_country_outside_iso_3166_is_refused(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Countries")
    headers = tenant.headers(Role.admin)
    refused = client.post(
        "/api/v1/organizations",
        json={"name": "Nowhere", "kind": "supplier", "country": "ZZ"},
        headers=headers,
    )
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert error["field"] == "country"
    assert error["message"] == "must be an ISO 3166-1 alpha-2 country code, such as NI or FR"
    accepted = client.post(
        "/api/v1/organizations",
        json={"name": "Somewhere", "kind": "supplier", "country": "NI"},
        headers=headers,
    )
    assert (accepted.status_code, accepted.json()["country"]) == (201, "NI")


@pytest.mark.parametrize(
    "second", ["consultora duplicada", "CONSULTORA  DUPLICADA", "Consultóra Duplicada\u200b"]
)
def test_a_name_differing_only_in_case_accents_or_spacing_is_refused_naming_the_first(
    client: TestClient, session: Session, second: str
) -> None:
    tenant = make_tenant(session, "Dupes")
    headers = tenant.headers(Role.admin)
    first = client.post(
        "/api/v1/organizations",
        json={"name": "Consultora Duplicada", "kind": "provider"},
        headers=headers,
    )
    assert first.status_code == 201
    before = organizations(session)
    response = client.post(
        "/api/v1/organizations", json={"name": second, "kind": "supplier"}, headers=headers
    )
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "the programme already has an organization named 'Consultora Duplicada'; names "
        "differing only in case, accents or spacing name the same organization"
    )
    assert organizations(session) == before


def test_a_rename_onto_another_organizations_name_is_refused_but_a_firm_may_recase_its_own(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Renames")
    headers = tenant.headers(Role.admin)
    supplier = tenant.organizations["supplier"]
    taken = client.patch(
        f"/api/v1/organizations/{supplier.id}", json={"name": "renames BUYER"}, headers=headers
    )
    assert taken.status_code == 409
    assert "'Renames buyer'" in taken.json()["detail"]
    recased = client.patch(
        f"/api/v1/organizations/{supplier.id}", json={"name": "RENAMES supplier"}, headers=headers
    )
    assert (recased.status_code, recased.json()["name"]) == (200, "RENAMES supplier")
