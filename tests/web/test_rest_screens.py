"""The pages this round changed, in a real Chromium at a desk and a phone width: the home list
with what blocks each engagement, a draft action's editor, a supplier's home with its plan,
and the history in words; axe finds nothing serious on any of them."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser
from sqlmodel import Session

from service.accounts.models import Role
from tests.factories import PASSWORD, make_engagement, make_plan, make_plan_ready, make_tenant
from tests.web.conftest import accessible

SHOTS = Path("/tmp/shots-webrest")


@pytest.mark.parametrize("width", [1280, 360])
def test_changed_pages_fit_and_pass_axe(
    browser: Browser, base_url: str, session: Session, width: int
) -> None:
    tenant = make_tenant(session, "Alpha")
    make_plan_ready(session, tenant)
    assert tenant.engagement is not None
    engagement_id = tenant.engagement.id
    _plan, action = make_plan(session, tenant)
    make_engagement(session, tenant, candidates=("Beta",), with_broker=False)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for role, language, paths in (
        (Role.admin, "es", {"home": "/", "action": f"/actions/{action.id}"}),
        (Role.broker, "en", {"history": f"/engagements/{engagement_id}"}),
        (Role.supplier, "fr", {"supplier-home": "/"}),
    ):
        context = browser.new_context(
            base_url=base_url, locale=language, viewport={"width": width, "height": 800}
        )
        page = context.new_page()
        page.goto("/signin")
        page.locator("#email").fill(tenant.users[role].email)
        page.locator("#password").fill(PASSWORD)
        page.locator("form[action='/signin'] button[type=submit]").click()
        page.wait_for_url(f"{base_url}/")
        for name, path in paths.items():
            assert page.goto(path).status == 200  # type: ignore[union-attr]
            accessible(page)
            page.screenshot(path=str(SHOTS / f"{name}-{width}-{language}.png"), full_page=True)
        context.close()
