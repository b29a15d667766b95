"""`q` finds what a person looks up by name or title (case, accents and spacing aside), and
`sort` orders the main lists; paging a sorted list returns every row once, in order."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from service.accounts.models import Role
from service.programmes.models import Organization, OrganizationKind
from tests.factories import Tenant, make_tenant

START = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
# Enrolled in this order, a day apart.
FIRMS = ["Textiles Río Coco", "Café Ñandú", "ACME Metal", "café nicaragüense", "Zapatos León"]


def read_all(client: TestClient, tenant: Tenant, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a list, page after page, each cursor passed back as it came."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _page in range(50):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = client.get(f"/api/v1{path}", params=query, headers=tenant.headers(Role.admin))
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["items"]) <= params.get("limit", 50)
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("the list never ended")


def enrol(session: Session, tenant: Tenant) -> None:
    for day, name in enumerate(FIRMS):
        session.add(
            Organization(
                programme_id=tenant.programme.id,
                name=name,
                kind=OrganizationKind.supplier,
                created_at=START + timedelta(days=day),
            )
        )
    session.commit()


def names(client: TestClient, tenant: Tenant, **params: Any) -> list[str]:
    items = read_all(client, tenant, "/organizations", kind="supplier", **params)
    return [item["name"] for item in items if item["name"] != "Search supplier"]


@pytest.fixture
def firms(session: Session) -> Tenant:
    tenant = make_tenant(session, "Search")
    enrol(session, tenant)
    return tenant


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("cafe", ["Café Ñandú", "café nicaragüense"]),
        ("CAFÉ  ñan", ["Café Ñandú"]),
        ("rio coco", ["Textiles Río Coco"]),
        ("leon", ["Zapatos León"]),
        ("%", []),
        ("_", []),
        ("nothing like it", []),
    ],
)
def test_organizations_are_found_by_name_whatever_the_case_accents_or_spacing(
    client: TestClient, firms: Tenant, q: str, found: list[str]
) -> None:
    assert names(client, firms, q=q) == found


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        (None, FIRMS),
        ("created_at", FIRMS),
        ("-created_at", FIRMS[::-1]),
        (
            "name",
            ["ACME Metal", "Café Ñandú", "café nicaragüense", "Textiles Río Coco", "Zapatos León"],
        ),
        (
            "-name",
            ["Zapatos León", "Textiles Río Coco", "café nicaragüense", "Café Ñandú", "ACME Metal"],
        ),
    ],
)
@pytest.mark.parametrize("limit", [2, 50])
def test_organizations_come_in_each_sort_every_one_once_across_pages(
    client: TestClient, firms: Tenant, sort: str | None, order: list[str], limit: int
) -> None:
    params: dict[str, Any] = {"limit": limit} if sort is None else {"limit": limit, "sort": sort}
    assert names(client, firms, **params) == order


def test_search_and_sort_combine_across_pages(client: TestClient, firms: Tenant) -> None:
    assert names(client, firms, q="a", sort="-name", limit=1) == [
        "Zapatos León",
        "café nicaragüense",
        "Café Ñandú",
        "ACME Metal",
    ]
    assert names(client, firms, q="caf", sort="-name", limit=1) == [
        "café nicaragüense",
        "Café Ñandú",
    ]


def test_a_cursor_carries_its_order_to_the_next_page(client: TestClient, firms: Tenant) -> None:
    headers = firms.headers(Role.admin)
    first = client.get(
        "/api/v1/organizations",
        params={"kind": "supplier", "q": "a", "sort": "-name", "limit": 2},
        headers=headers,
    ).json()
    assert first["next_cursor"].startswith("-name.")
    # Asking another order with the cursor still continues the cursor's.
    second = client.get(
        "/api/v1/organizations",
        params={
            "kind": "supplier",
            "q": "a",
            "sort": "created_at",
            "limit": 2,
            "cursor": first["next_cursor"],
        },
        headers=headers,
    ).json()
    assert [item["name"] for item in first["items"] + second["items"]] == [
        "Zapatos León",
        "Search supplier",
        "café nicaragüense",
        "Café Ñandú",
    ]


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/organizations", "name, -name, created_at or -created_at"),
    ],
)
def test_an_unknown_sort_is_refused_naming_the_allowed_ones(
    client: TestClient, firms: Tenant, path: str, allowed: str
) -> None:
    response = client.get(
        f"/api/v1{path}", params={"sort": "population"}, headers=firms.headers(Role.admin)
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    [error] = response.json()["errors"]
    assert error["field"] == "sort"
    assert error["message"] == f"must be one of {allowed}"


def test_a_cursor_of_another_list_order_is_refused(client: TestClient, firms: Tenant) -> None:
    response = client.get(
        "/api/v1/organizations",
        params={"cursor": "email.61-" + "0" * 32},
        headers=firms.headers(Role.admin),
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "cursor"
