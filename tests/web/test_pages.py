"""Pages without a browser: every page × role × own and foreign programme (404 for what may not
be seen), sign-in and its cookie, CSRF, expiry with return, statement counts and page weight."""

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session

from service.accounts.models import ApiToken, Role
from service.programmes.models import OrganizationKind
from service.security import token_digest
from service.types import utcnow
from tests.factories import (
    PASSWORD,
    Tenant,
    fill_tenant,
    make_engagement,
    make_superuser,
    make_tenant,
)
from tests.service.test_statement_counts import counting, grow_world

SUPERUSER = "superuser"
ROLES: list[Role | str] = [*Role, SUPERUSER]
STATIC = Path(__file__).parents[2] / "service" / "web" / "static"
PAGE_LIMIT = 150 * 1024  # bytes of HTML + CSS + JS a page may weigh before images and fonts


def only(*roles: Role | str) -> dict[Role | str, int]:
    return {role: 200 if role in roles else 404 for role in ROLES}


UNIT = (Role.admin, Role.broker)
PAGES: list[tuple[str, Callable[[Tenant], dict[str, Any]], dict[Role | str, int]]] = [
    ("/", lambda t: {}, only(*ROLES)),
    ("/engagements/{e}", lambda t: {"e": t.engagement.id}, only(*UNIT, Role.buyer)),  # type: ignore[union-attr]
    ("/engagements/{e}/edit", lambda t: {"e": t.engagement.id}, only(Role.admin)),  # type: ignore[union-attr]
    ("/tracking", lambda t: {}, only(*UNIT)),
    ("/audits/{a}", lambda t: {"a": t.audit.id}, only(*UNIT)),  # type: ignore[union-attr]
    ("/engagements/{e}/round-tables", lambda t: {"e": t.engagement.id}, only(*UNIT)),  # type: ignore[union-attr]
    ("/round-tables/{r}", lambda t: {"r": t.round_table.id}, only(*UNIT)),  # type: ignore[union-attr]
    ("/engagements/{e}/plans", lambda t: {"e": t.engagement.id}, only(*UNIT, Role.buyer)),  # type: ignore[union-attr]
    ("/plans/{p}", lambda t: {"p": t.plan.id}, only(*UNIT, Role.buyer, Role.supplier)),  # type: ignore[union-attr]
    ("/plans/{p}/gantt", lambda t: {"p": t.plan.id}, only(*UNIT, Role.buyer, Role.supplier)),  # type: ignore[union-attr]
    ("/plans/{p}/actions/new", lambda t: {"p": t.plan.id}, only(*UNIT)),  # type: ignore[union-attr]
    ("/plans/{p}/review", lambda t: {"p": t.plan.id}, only(*UNIT)),  # type: ignore[union-attr]
    ("/actions/{a}", lambda t: {"a": t.action.id}, only(*UNIT)),  # type: ignore[union-attr]
    ("/engagements/{e}/targets", lambda t: {"e": t.engagement.id}, only(*UNIT)),  # type: ignore[union-attr]
    ("/engagements/{e}/analyses", lambda t: {"e": t.engagement.id}, only(*UNIT)),  # type: ignore[union-attr]
    ("/analyses/{a}", lambda t: {"a": t.analysis.id}, only(*UNIT)),  # type: ignore[union-attr]
    ("/engagements/{e}/decisions", lambda t: {"e": t.engagement.id}, only(*UNIT, Role.buyer)),  # type: ignore[union-attr]
    ("/engagements/{e}/reports", lambda t: {"e": t.engagement.id}, only(*UNIT)),  # type: ignore[union-attr]
    ("/admin/engagements/new", lambda t: {}, only(Role.admin)),
    ("/admin/organizations", lambda t: {}, only(Role.admin)),
    (
        "/admin/organizations/{o}",
        lambda t: {"o": t.organizations[OrganizationKind.supplier].id},
        only(Role.admin),
    ),
    ("/admin/users", lambda t: {}, only(Role.admin)),
    ("/admin/users/{u}", lambda t: {"u": t.users[Role.supplier].id}, only(Role.admin)),
    ("/admin/programme", lambda t: {}, only(Role.admin)),
    ("/admin/history", lambda t: {}, only(Role.admin)),
]


def fill_of(path: str) -> Callable[[Tenant], dict[str, Any]]:
    return next(fill for page, fill, _ in PAGES if page == path)


@pytest.fixture
def tenants(session: Session) -> tuple[Tenant, Tenant, str]:
    own = fill_tenant(session, make_tenant(session, "Alpha"))
    foreign = fill_tenant(session, make_tenant(session, "Beta"))
    _user, token = make_superuser(session)
    return own, foreign, token


def signed_in(client: TestClient, token: str) -> TestClient:
    client.cookies.clear()
    client.cookies.set("sd_session", token)
    return client


def token_of(tenants: tuple[Tenant, Tenant, str], role: Role | str) -> str:
    return tenants[2] if role == SUPERUSER else tenants[0].tokens[Role(role)]


@pytest.mark.parametrize(("path", "fill", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_each_page_answers_each_role_and_hides_other_programmes(
    client: TestClient, tenants: tuple[Tenant, Tenant, str], path: str, fill: Any, expected: Any
) -> None:
    own, foreign, _ = tenants
    got = {}
    for role in ROLES:
        signed_in(client, token_of(tenants, role))
        got[role] = client.get(path.format(**fill(own)), follow_redirects=False).status_code
    assert got == expected
    if "{" in path:
        foreign_url = path.format(**fill(foreign))
        foreign_got = {}
        for role in ROLES:
            signed_in(client, token_of(tenants, role))
            foreign_got[role] = client.get(foreign_url, follow_redirects=False).status_code
        assert foreign_got == dict.fromkeys(ROLES, 404)


@pytest.mark.parametrize("path", [p[0] for p in PAGES])
def test_a_page_without_a_session_sends_the_browser_to_sign_in_and_back(
    client: TestClient, tenants: tuple[Tenant, Tenant, str], path: str
) -> None:
    url = path.format(**fill_of(path)(tenants[0]))
    client.cookies.clear()
    answer = client.get(url, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, f"/signin?next={url}")


def sign_in_form(client: TestClient, next_path: str = "/") -> str:
    page = client.get(f"/signin?next={next_path}")
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert match is not None
    return match.group(1)


def test_signing_in_sets_an_http_only_lax_session_cookie_and_follows_a_local_next(
    client: TestClient, tenants: tuple[Tenant, Tenant, str]
) -> None:
    client.cookies.clear()
    csrf = sign_in_form(client)
    form = {"email": "broker@alpha.test", "password": PASSWORD, "csrf": csrf, "next": "/tracking"}
    answer = client.post("/signin", data=form, follow_redirects=False)
    cookie = next(
        v
        for k, v in answer.headers.multi_items()
        if k == "set-cookie" and v.startswith("sd_session=")
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/tracking"
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie
    assert client.get("/tracking").status_code == 200


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil", "evil"])
def test_next_goes_home_unless_it_is_a_path_on_this_site(
    client: TestClient, tenants: tuple[Tenant, Tenant, str], target: str
) -> None:
    client.cookies.clear()
    csrf = sign_in_form(client)
    form = {"email": "broker@alpha.test", "password": PASSWORD, "csrf": csrf, "next": target}
    answer = client.post("/signin", data=form, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/")


def test_a_wrong_password_shows_the_form_again_with_a_readable_message(
    client: TestClient, tenants: tuple[Tenant, Tenant, str]
) -> None:
    client.cookies.clear()
    csrf = sign_in_form(client)
    form = {"email": "broker@alpha.test", "password": "not the password", "csrf": csrf}
    answer = client.post("/signin", data=form, headers={"Accept-Language": "es"})
    assert answer.status_code == 401
    assert "El correo o la contraseña no son correctos." in answer.text
    assert "sd_session=" not in answer.headers.get("set-cookie", "")


def test_sign_in_is_throttled_like_the_api(
    client: TestClient, tenants: tuple[Tenant, Tenant, str]
) -> None:
    client.cookies.clear()
    statuses = []
    for _ in range(11):
        csrf = sign_in_form(client)
        form = {"email": "broker@alpha.test", "password": "wrong password", "csrf": csrf}
        statuses.append(client.post("/signin", data=form).status_code)
    assert statuses == [401] * 10 + [429]


def test_a_sign_in_form_without_its_cookie_token_is_refused(
    client: TestClient, tenants: tuple[Tenant, Tenant, str]
) -> None:
    client.cookies.clear()
    form = {"email": "broker@alpha.test", "password": PASSWORD, "csrf": "0" * 64}
    answer = client.post("/signin", data=form, follow_redirects=False)
    assert answer.status_code == 403
    assert "sd_session=" not in answer.headers.get("set-cookie", "")


def test_a_form_without_the_session_csrf_token_changes_nothing(
    client: TestClient, session: Session, tenants: tuple[Tenant, Tenant, str]
) -> None:
    own = tenants[0]
    signed_in(client, own.tokens[Role.broker])
    url = f"/engagements/{own.engagement.id}/transitions/hold"  # type: ignore[union-attr]
    answer = client.post(url, data={"version": "1", "reason": "forged"})
    assert answer.status_code == 403
    assert "You may not do this." in answer.text
    session.rollback()
    session.expire_all()
    assert session.get(type(own.engagement), own.engagement.id).phase == "enrolment"  # type: ignore[union-attr, arg-type]


def test_signing_out_revokes_the_session(
    client: TestClient, session: Session, tenants: tuple[Tenant, Tenant, str]
) -> None:
    token = tenants[0].tokens[Role.broker]
    signed_in(client, token)
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get("/").text).group(1)  # type: ignore[union-attr]
    answer = client.post("/signout", data={"csrf": csrf}, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/signin")
    signed_in(client, token)
    assert client.get("/", follow_redirects=False).status_code == 303


def test_an_expired_session_returns_to_the_page_after_signing_in_again(
    client: TestClient, session: Session, tenants: tuple[Tenant, Tenant, str]
) -> None:
    own = tenants[0]
    token = own.tokens[Role.broker]
    row = session.exec(
        sa.select(ApiToken).where(ApiToken.token_hash == token_digest(token))
    ).scalar_one()  # type: ignore[call-overload]
    row.expires_at = utcnow() - timedelta(minutes=1)
    session.add(row)
    session.commit()
    page = f"/engagements/{own.engagement.id}"  # type: ignore[union-attr]
    signed_in(client, token)
    answer = client.get(page, follow_redirects=False)
    assert answer.headers["location"] == f"/signin?next={page}"
    csrf = sign_in_form(client, page)
    form = {"email": "broker@alpha.test", "password": PASSWORD, "csrf": csrf, "next": page}
    again = client.post("/signin", data=form, follow_redirects=False)
    assert again.headers["location"] == page


def test_the_language_is_the_users_then_the_browsers_then_the_programmes(
    client: TestClient, session: Session, tenants: tuple[Tenant, Tenant, str]
) -> None:
    own = tenants[0]
    signed_in(client, own.tokens[Role.broker])
    assert (
        '<html lang="fr">' in client.get("/", headers={"Accept-Language": "fr-CA, es;q=0.5"}).text
    )
    own.programme.language = "es"  # type: ignore[assignment]
    session.add(own.programme)
    session.commit()
    assert '<html lang="es">' in client.get("/", headers={"Accept-Language": "de"}).text
    user = own.users[Role.broker]
    user.language = "en"  # type: ignore[assignment]
    session.add(user)
    session.commit()
    page = client.get("/", headers={"Accept-Language": "fr"})
    assert '<html lang="en">' in page.text
    assert "My engagements" in page.text


def grow(session: Session, tenant: Tenant, copies: int) -> None:
    grow_world(session, tenant, copies)
    for _ in range(copies):
        make_engagement(session, tenant, include_tenant_supplier=False)


def test_pages_issue_as_many_statements_however_many_rows(
    client: TestClient, session: Session, engine: sa.Engine
) -> None:
    tenant = fill_tenant(session, make_tenant(session, "Alpha"))
    grow(session, tenant, 1)
    urls = [(path.format(**fill(tenant)), expected) for path, fill, expected in PAGES]
    counts: dict[str, list[int]] = {}
    for round_ in range(2):
        for url, expected in urls:
            for role in [
                role for role, status in expected.items() if status == 200 and role != SUPERUSER
            ]:
                signed_in(client, tenant.tokens[Role(role)])
                client.get(url)
                with counting(engine) as statements:
                    assert client.get(url).status_code == 200
                counts.setdefault(f"{url} as {role}", []).append(len(statements))
        if round_ == 0:
            grow(session, tenant, 3)
    grown = {key: value for key, value in counts.items() if value[0] != value[1]}
    assert grown == {}
    assert len(counts) == sum(
        list(e.values()).count(200) - (e[SUPERUSER] == 200) for _, _, e in PAGES
    )


@pytest.mark.parametrize("path", [p[0] for p in PAGES])
def test_no_page_weighs_more_than_150_kb_with_its_style_and_script(
    client: TestClient, session: Session, path: str
) -> None:
    tenant = fill_tenant(session, make_tenant(session, "Alpha"))
    grow(session, tenant, 5)
    signed_in(client, tenant.tokens[Role.admin])
    html = client.get(path.format(**fill_of(path)(tenant)))
    assert html.status_code == 200
    names = set(re.findall(r'(?:src|href)="/static/([\w.-]+)"', html.text))
    assert {"web.css", "htmx.min.js"} <= names
    assets = sum(len(client.get(f"/static/{name}").content) for name in names)
    assert len(html.content) + assets <= PAGE_LIMIT
