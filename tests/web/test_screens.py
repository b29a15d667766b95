"""The main pages at 1280 px and 360 px, in English and Spanish: nothing wider than a phone's
screen, axe-core clean, and a screenshot of each kept for people to look at."""

import pytest
from playwright.sync_api import Browser
from sqlmodel import Session

from service.accounts.models import Role
from tests.factories import PASSWORD, fill_tenant, make_tenant
from tests.service.test_statement_counts import grow_world
from tests.web.conftest import accessible, shoot

MAIN_PAGES = {
    "home": "/",
    "engagement": "/engagements/{engagement}",
    "edit": "/engagements/{engagement}/edit",
    "audit": "/audits/{audit}",
    "tracking": "/tracking",
    "organizations": "/admin/organizations",
    "users": "/admin/users",
    "programme": "/admin/programme",
    "history": "/admin/history",
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_main_pages_fit_a_phone_and_a_desk_in_english_and_spanish(
    browser: Browser, base_url: str, session: Session, language: str
) -> None:
    tenant = fill_tenant(session, make_tenant(session, "Alpha"))
    grow_world(session, tenant, 2)
    assert tenant.engagement is not None
    assert tenant.audit is not None
    for width in (1280, 360):
        context = browser.new_context(
            base_url=base_url, locale=language, viewport={"width": width, "height": 800}
        )
        page = context.new_page()
        page.goto("/signin")
        shoot(page, f"signin-{width}-{language}")
        accessible(page)
        page.locator("#email").fill(tenant.users[Role.admin].email)
        page.locator("#password").fill(PASSWORD)
        page.locator("form[action='/signin'] button[type=submit]").click()
        page.wait_for_url("**/")
        for name, path in MAIN_PAGES.items():
            answer = page.goto(path.format(engagement=tenant.engagement.id, audit=tenant.audit.id))
            assert answer is not None, name
            assert answer.status == 200, name
            assert page.evaluate("document.documentElement.scrollWidth") <= width, name
            accessible(page)
            shoot(page, f"{name}-{width}-{language}")
        context.close()
