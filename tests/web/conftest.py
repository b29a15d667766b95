"""Browser test fixtures: a real uvicorn server on the test database, one Chromium per
session (Debian's, nothing downloaded), a fresh browser context per test, and axe-core."""

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright
from sqlmodel import Session

from tests.factories import PASSWORD
from tests.server import started_server

CHROMIUM = os.environ.get("SUPPLIERDEV_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(os.environ.get("SUPPLIERDEV_SHOTS", "/tmp/shots-web"))
SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="session")
def base_url(database_url: str) -> Iterator[str]:
    """A real server on the test database (emptied per test by the `engine` fixture)."""
    with started_server(database_url, workers=1) as server:
        yield server.base


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, base_url: str, engine: sa.Engine) -> Iterator[Page]:
    """A fresh browser context (no cookies) on the emptied database, English unless asked."""
    context = browser.new_context(
        base_url=base_url, locale="en-US", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    yield page
    context.close()


def sign_in(page: Page, email: str, password: str = PASSWORD, next_path: str = "/") -> None:
    """Sign in through the form and land on `next_path`."""
    page.goto(f"/signin?next={next_path}")
    page.get_by_label(re.compile("^(E-mail|Correo electrónico|Adresse e-mail)$")).fill(email)
    page.locator("#password").fill(password)
    page.locator("form[action='/signin'] button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(next_path.split("?")[0]) + r"(\?.*)?(#.*)?$"))


def fresh(session: Session) -> None:
    """Read what the server committed: end the test's transaction and forget loaded rows."""
    session.rollback()
    session.expire_all()


_axe = Axe()


def accessible(page: Page) -> None:
    """axe-core finds no serious or critical violation on the page as it stands."""
    results = _axe.run(page)
    found: list[Any] = [
        (violation["id"], [node["target"] for node in violation["nodes"]])
        for violation in results.response["violations"]
        if violation.get("impact") in SERIOUS
    ]
    assert found == [], f"{page.url}: {found}"


def shoot(page: Page, name: str) -> None:
    """Keep a full-page screenshot for people to look at (not compared)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
