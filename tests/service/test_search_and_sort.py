"""`q` finds what a person looks up by name or title (case, accents and spacing aside), and
`sort` orders the main lists; paging a sorted list returns every row once, in order."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from service.accounts.models import Role
from service.audits.models import Audit, AuditPurpose
from service.engagements.models import Engagement
from service.plans.models import Action, ActionCategory, Plan
from service.programmes.calendar import today_in
from service.programmes.models import Organization, OrganizationKind
from tests.factories import Tenant, make_engagement, make_plan_ready, make_tenant, make_user
from tests.service.test_report_list import issue_programme_reports
from workflows import PlanState

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
        ("/users", "name, -name, email, -email, created_at or -created_at"),
        ("/engagements", "title, -title, buyer_name, -buyer_name, created_at or -created_at"),
        ("/tracking/overdue-actions", "due_on, -due_on, title or -title"),
        ("/reports", "created_at or -created_at"),
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
    assert (error["field"], error["message"]) == (
        "cursor",
        "must be the next_cursor of the previous page",
    )


def add_people(session: Session, tenant: Tenant) -> Organization:
    """A unit office with four brokers, created a day apart."""
    office = Organization(
        programme_id=tenant.programme.id, name="Search office", kind=OrganizationKind.unit
    )
    session.add(office)
    session.flush()
    people = [
        ("mlopez@office.test", "María López"),
        ("ruiz@office.test", "Mario  Ruiz"),
        ("anna@office.test", "Ángela Núñez"),
        ("jperez@office.test", "José Pérez"),
    ]
    for day, (email, full_name) in enumerate(people):
        user = make_user(session, email, office, Role.broker)
        user.full_name = full_name
        user.created_at = START + timedelta(days=day)
        session.add(user)
    session.commit()
    return office


@pytest.mark.parametrize(
    ("params", "found"),
    [
        ({"q": "maria"}, ["María López"]),
        ({"q": "MAR"}, ["María López", "Mario  Ruiz"]),
        ({"q": "mario ruiz"}, ["Mario  Ruiz"]),
        ({"q": "jperez@"}, ["José Pérez"]),
        ({"q": "nunez"}, ["Ángela Núñez"]),
        ({}, ["María López", "Mario  Ruiz", "Ángela Núñez", "José Pérez"]),
        ({"sort": "-created_at"}, ["José Pérez", "Ángela Núñez", "Mario  Ruiz", "María López"]),
        ({"sort": "name"}, ["Ángela Núñez", "José Pérez", "María López", "Mario  Ruiz"]),
        ({"sort": "-name"}, ["Mario  Ruiz", "María López", "José Pérez", "Ángela Núñez"]),
        ({"sort": "email"}, ["Ángela Núñez", "José Pérez", "María López", "Mario  Ruiz"]),
        ({"sort": "-email", "q": "ez"}, ["María López", "José Pérez", "Ángela Núñez"]),
    ],
)
def test_users_are_found_by_name_or_email_and_come_in_each_sort(
    client: TestClient, session: Session, params: dict[str, str], found: list[str]
) -> None:
    tenant = make_tenant(session, "People")
    office = add_people(session, tenant)
    items = read_all(client, tenant, "/users", organization_id=str(office.id), limit=1, **params)
    assert [item["full_name"] for item in items] == found


def open_engagements(session: Session, tenant: Tenant) -> None:
    """Three engagements opened a day apart, of three buyers."""
    for day, (buyer, title) in enumerate(
        [
            ("Zeta Alimentos", "Proveedores de café 2027"),
            ("Álamo Bebidas", "Envases locales"),
            ("Mercado Central", "Linkage Álamo"),
        ]
    ):
        organization = Organization(
            programme_id=tenant.programme.id, name=buyer, kind=OrganizationKind.buyer
        )
        session.add(organization)
        session.flush()
        session.add(
            Engagement(
                programme_id=tenant.programme.id,
                buyer_id=organization.id,
                title=title,
                created_at=START + timedelta(days=day),
            )
        )
    session.commit()


@pytest.mark.parametrize(
    ("params", "found"),
    [
        ({"q": "alamo"}, ["Envases locales", "Linkage Álamo"]),
        ({"q": "CAFE"}, ["Proveedores de café 2027"]),
        ({"q": "zeta alim"}, ["Proveedores de café 2027"]),
        ({}, ["Proveedores de café 2027", "Envases locales", "Linkage Álamo"]),
        ({"sort": "-created_at"}, ["Linkage Álamo", "Envases locales", "Proveedores de café 2027"]),
        ({"sort": "title"}, ["Envases locales", "Linkage Álamo", "Proveedores de café 2027"]),
        ({"sort": "-title"}, ["Proveedores de café 2027", "Linkage Álamo", "Envases locales"]),
        ({"sort": "buyer_name"}, ["Envases locales", "Linkage Álamo", "Proveedores de café 2027"]),
        (
            {"sort": "-buyer_name", "q": "a"},
            ["Proveedores de café 2027", "Linkage Álamo", "Envases locales"],
        ),
    ],
)
def test_engagements_are_found_by_title_or_buyer_and_come_in_each_sort(
    client: TestClient, session: Session, params: dict[str, str], found: list[str]
) -> None:
    tenant = make_tenant(session, "Deals")
    open_engagements(session, tenant)
    items = read_all(client, tenant, "/engagements", limit=2, **params)
    assert [item["title"] for item in items] == found
    if params.get("q") == "alamo":
        assert [item["buyer_name"] for item in items] == ["Álamo Bebidas", "Mercado Central"]


def overdue_plan(session: Session, tenant: Tenant) -> None:
    """A plan in progress with four open actions, due 40, 30, 20 and 10 days ago."""
    make_plan_ready(session, tenant)
    assert tenant.engagement is not None
    assert tenant.participation is not None
    today = today_in(session, tenant.programme.id)
    plan = Plan(
        programme_id=tenant.programme.id,
        engagement_id=tenant.engagement.id,
        participation_id=tenant.participation.id,
        organization_id=tenant.participation.supplier_id,
        starts_on=today - timedelta(days=90),
        state=PlanState.in_progress,
        created_by=tenant.users[Role.broker].id,
    )
    session.add(plan)
    session.flush()
    for days, title in [
        (40, "Curso de planificación"),
        (30, "Calibración de básculas"),
        (20, "Auditoría de inocuidad"),
        (10, "Plan de producción"),
    ]:
        session.add(
            Action(
                programme_id=tenant.programme.id,
                plan_id=plan.id,
                category=ActionCategory.training,
                title=title,
                starts_on=plan.starts_on,
                due_on=today - timedelta(days=days),
                estimated_cost=Decimal("10.00"),
            )
        )
    session.commit()


LATE = ["Curso de planificación", "Calibración de básculas", "Auditoría de inocuidad"]


@pytest.mark.parametrize(
    ("params", "found"),
    [
        ({"q": "planificacion"}, ["Curso de planificación"]),
        ({"q": "PLAN"}, ["Curso de planificación", "Plan de producción"]),
        ({"q": "auditoria de"}, ["Auditoría de inocuidad"]),
        ({}, [*LATE, "Plan de producción"]),
        ({"sort": "-due_on"}, ["Plan de producción", *LATE[::-1]]),
        ({"sort": "title"}, [LATE[2], LATE[1], LATE[0], "Plan de producción"]),
        ({"sort": "-title", "q": "de"}, ["Plan de producción", *LATE]),
    ],
)
def test_overdue_actions_are_found_by_title_and_come_in_each_sort(
    client: TestClient, session: Session, params: dict[str, str], found: list[str]
) -> None:
    tenant = make_tenant(session, "Late")
    overdue_plan(session, tenant)
    items = read_all(client, tenant, "/tracking/overdue-actions", limit=1, **params)
    assert [item["title"] for item in items] == found


def make_audits(session: Session, tenant: Tenant) -> tuple[Engagement, list[str]]:
    """An engagement with three audits, a day apart; their ids oldest first."""
    engagement = make_engagement(session, tenant)
    audits = [
        Audit(
            programme_id=tenant.programme.id,
            engagement_id=engagement.id,
            organization_id=tenant.organizations[OrganizationKind.supplier].id,
            template_id="supplier-evaluation",
            template_version=1,
            purpose=AuditPurpose.evaluation,
            created_by=tenant.users[Role.broker].id,
            created_at=START + timedelta(days=day),
        )
        for day in range(3)
    ]
    session.add_all(audits)
    session.commit()
    return engagement, [str(audit.id) for audit in audits]


@pytest.mark.parametrize(
    ("sort", "newest_first"), [(None, False), ("created_at", False), ("-created_at", True)]
)
def test_audits_come_oldest_or_newest_first_across_pages(
    client: TestClient, session: Session, sort: str | None, newest_first: bool
) -> None:
    tenant = make_tenant(session, "Audits")
    engagement, ids = make_audits(session, tenant)
    params = {"limit": 2} if sort is None else {"limit": 2, "sort": sort}
    items = read_all(client, tenant, f"/engagements/{engagement.id}/audits", **params)
    assert [item["id"] for item in items] == (ids[::-1] if newest_first else ids)


@pytest.mark.parametrize(
    ("sort", "order"), [(None, [3, 2, 1]), ("-created_at", [3, 2, 1]), ("created_at", [1, 2, 3])]
)
def test_reports_come_in_each_sort_across_pages(
    client: TestClient, session: Session, sort: str | None, order: list[int]
) -> None:
    tenant = make_tenant(session, "Reports")
    issue_programme_reports(session, tenant, ["Report 1", "Report 2", "Report 3"])
    params = {"limit": 2} if sort is None else {"limit": 2, "sort": sort}
    items = read_all(client, tenant, "/reports", **params)
    assert [item["title"] for item in items] == [f"Report {n}" for n in order]


def test_a_cursor_holding_a_nul_byte_is_a_position_not_an_error(
    client: TestClient, firms: Tenant
) -> None:
    response = client.get(
        "/api/v1/organizations",
        params={"kind": "supplier", "cursor": "name.00-" + "0" * 32},
        headers=firms.headers(Role.admin),
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"items": [], "next_cursor": None}
